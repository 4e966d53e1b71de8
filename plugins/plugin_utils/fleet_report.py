# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet report: one row per printer, written as JSON, CSV and HTML.

Content is deterministic (sorted, no timestamps), so an unchanged fleet gives
unchanged files and ``changed: false``. Each run writes files named after its
slice (``fleet-report-<slice>.*``); ``merge_reports`` joins the slices of an
AWX sliced job into ``fleet-report-merged.*``.
"""

from __future__ import annotations

import csv
import glob
import html
import io
import json
import os
import re

__metaclass__ = type

REPORT_FORMAT = 'printfleet.cloudmail.fleet_report/1'
FILE_PREFIX = 'fleet-report-'
MERGED_SLICE = 'merged'
COLUMNS = ('host', 'address', 'provider', 'profile', 'connection_status', 'token_status', 'next_action', 'last_error')
COLUMN_TITLES = {
    'host': 'Host', 'address': 'Address', 'provider': 'Provider', 'profile': 'Profile',
    'connection_status': 'Connection', 'token_status': 'Token', 'next_action': 'Next action',
    'last_error': 'Last error',
}
UNKNOWN = 'unknown'
REDACTED = '********'
SLICE_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')

NEXT_ACTIONS = {
    'active': 'none',
    'authorizing': 'sign in with the pending user code, or run reauthorize.yml',
    'inactive': 'run reauthorize.yml',
    'expired': 'run reauthorize.yml (the refresh token expired or was revoked)',
    'error': 'read the last error, then run reauthorize.yml',
}


def next_action(connection_status, token_status, last_error, read_ok):
    """What the operator should do next for one printer."""
    if not read_ok:
        return 'fix the last error (reachability, credentials, inventory), then run rollout.yml'
    if connection_status == 'not_connected':
        return "fix the printer's connection to the mail provider (network, proxy, certificates), then run rollout.yml"
    if token_status == 'active':
        return 'none' if not last_error else 'none (an earlier step failed: see the last error)'
    return NEXT_ACTIONS.get(token_status, 'run status.yml again, then rollout.yml if it persists')


def build_row(host, variables, status_result, error, secrets=()):
    """One report row from a host's variables, its ``oauth_info`` result and its recorded error."""
    provider = variables.get('cloudmail_provider') or UNKNOWN
    read_ok = bool(status_result) and not status_result.get('failed') and not status_result.get('skipped')
    provider_status = {}
    if read_ok:
        provider_status = (status_result.get('providers') or {}).get(provider) or {}
    connection_status = provider_status.get('connection_status') or UNKNOWN
    token_status = provider_status.get('token_status') or UNKNOWN
    last_error = error or provider_status.get('error_details') or ''
    row = {
        'host': host,
        'address': _text(variables.get('cloudmail_host')),
        'provider': provider,
        'profile': variables.get('cloudmail_profile') or UNKNOWN,
        'connection_status': connection_status,
        'token_status': token_status,
        'next_action': next_action(connection_status, token_status, last_error, read_ok),
        'last_error': _one_line(last_error),
    }
    return {key: redact(str(value), secrets) for key, value in row.items()}


def redact(text, secrets):
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def _text(value):
    return '' if value is None else str(value)


def _one_line(text):
    return ' '.join(str(text).split())


def summarize(rows):
    """Counts by token status and by connection status, and how many need an action."""
    def count(key):
        counts = {}
        for row in rows:
            counts[row[key]] = counts.get(row[key], 0) + 1
        return dict(sorted(counts.items()))
    return {
        'printers': len(rows),
        'by_token_status': count('token_status'),
        'by_connection_status': count('connection_status'),
        'need_action': sum(1 for row in rows if row['next_action'] != 'none'),
        'with_error': sum(1 for row in rows if row['last_error']),
    }


def report_document(rows, slice_name):
    rows = sorted(rows, key=lambda row: row['host'])
    return {'format': REPORT_FORMAT, 'slice': slice_name, 'summary': summarize(rows), 'printers': rows}


def render_json(document):
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + '\n'


def render_csv(document):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator='\n')
    writer.writeheader()
    for row in document['printers']:
        writer.writerow({column: row[column] for column in COLUMNS})
    return buffer.getvalue()


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
tr.needs-action td.next_action { font-weight: bold; }
td.token_status.active, td.connection_status.connected { background: #e5f5e5; }
td.token_status.authorizing, td.connection_status.unknown, td.token_status.unknown { background: #fff6d5; }
td.token_status.inactive, td.token_status.expired, td.token_status.error,
td.connection_status.not_connected { background: #fde2e2; }
"""


def render_html(document):
    escape = html.escape
    summary = document['summary']
    parts = [
        '<!DOCTYPE html>',
        '<html lang="en">',
        '<head><meta charset="utf-8"><title>Printer fleet OAuth e-mail report (%s)</title>' % escape(document['slice']),
        '<style>%s</style></head>' % _STYLE,
        '<body>',
        '<h1>Printer fleet OAuth e-mail report</h1>',
        '<p>Slice: <span id="slice">%s</span>. Printers: <span id="printer-count">%d</span>. '
        'Needing an action: <span id="need-action-count">%d</span>.</p>' % (
            escape(document['slice']), summary['printers'], summary['need_action']),
        '<h2>Counts</h2>',
        '<table id="counts"><thead><tr><th>Token status</th><th>Printers</th></tr></thead><tbody>',
    ]
    for status, number in summary['by_token_status'].items():
        parts.append('<tr data-token-status="%s"><td>%s</td><td>%d</td></tr>' % (escape(status), escape(status), number))
    parts.append('</tbody></table>')
    parts.append('<table id="connection-counts"><thead><tr><th>Connection status</th><th>Printers</th></tr></thead>'
                 '<tbody>')
    for status, number in summary['by_connection_status'].items():
        parts.append('<tr data-connection-status="%s"><td>%s</td><td>%d</td></tr>' % (
            escape(status), escape(status), number))
    parts.append('</tbody></table>')
    parts.append('<h2>Printers</h2>')
    parts.append('<table id="printers"><thead><tr>%s</tr></thead><tbody>' % ''.join(
        '<th>%s</th>' % escape(COLUMN_TITLES[column]) for column in COLUMNS))
    for row in document['printers']:
        row_class = 'needs-action' if row['next_action'] != 'none' else 'ok'
        cells = ''.join('<td class="%s">%s</td>' % (escape(_cell_class(column, row[column])), escape(row[column]))
                        for column in COLUMNS)
        parts.append('<tr class="%s" data-host="%s" data-token-status="%s">%s</tr>' % (
            row_class, escape(row['host']), escape(row['token_status']), cells))
    parts.append('</tbody></table>')
    parts.append('</body></html>')
    return '\n'.join(parts) + '\n'


def _cell_class(column, value):
    # Status cells also carry their value as a class, for the colours.
    return '%s %s' % (column, value) if column.endswith('_status') else column


def report_paths(directory, slice_name):
    base = os.path.join(directory, '%s%s' % (FILE_PREFIX, slice_name))
    return {'json': base + '.json', 'csv': base + '.csv', 'html': base + '.html'}


def write_if_changed(path, content):
    """Write atomically when the content differs; return whether it did."""
    try:
        with open(path, encoding='utf-8') as current:
            if current.read() == content:
                return False
    except FileNotFoundError:
        pass
    temporary = '%s.tmp.%d' % (path, os.getpid())
    with open(temporary, 'w', encoding='utf-8', newline='') as target:
        target.write(content)
    os.replace(temporary, path)
    return True


def write_report(directory, slice_name, rows):
    """Write the three files; return (document, paths, names of the files that changed)."""
    if not SLICE_PATTERN.match(slice_name):
        raise ValueError('invalid slice name %r: letters, digits, ".", "-" and "_" only' % slice_name)
    os.makedirs(directory, exist_ok=True)
    document = report_document(rows, slice_name)
    paths = report_paths(directory, slice_name)
    renderers = {'json': render_json, 'csv': render_csv, 'html': render_html}
    changed = [kind for kind in ('json', 'csv', 'html') if write_if_changed(paths[kind], renderers[kind](document))]
    return document, paths, changed


def merge_reports(directory, output_slice=MERGED_SLICE):
    """Join every ``fleet-report-<slice>.json`` of a directory (except the output) into one report.

    A host present in several slices keeps the row of the slice whose name sorts last.
    """
    output_json = report_paths(directory, output_slice)['json']
    rows, sources = {}, []
    for path in sorted(glob.glob(os.path.join(directory, FILE_PREFIX + '*.json'))):
        if os.path.abspath(path) == os.path.abspath(output_json):
            continue
        with open(path, encoding='utf-8') as source:
            document = json.load(source)
        if document.get('format') != REPORT_FORMAT:
            continue
        sources.append(os.path.basename(path))
        for row in document['printers']:
            rows[row['host']] = {column: row.get(column, '') for column in COLUMNS}
    document, paths, changed = write_report(directory, output_slice, list(rows.values()))
    return document, paths, changed, sources
