# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet report's files: JSON, CSV and HTML, written whole, and the slices of a run merged.

The files carry the run's date, the inventory sources and the collection version;
``changed`` is true only when the rows or counts differ from the files already there.
Each run writes files named after its slice (``fleet-report-<slice>.*``);
``merge_reports`` joins the slices of an AWX sliced job into ``fleet-report-merged.*``.
CSV cells that a spreadsheet would read as a formula are neutralized, and every HTML
text is escaped (report_html); JSON keeps the (one-line) text as it is.
"""

from __future__ import annotations

import csv
import datetime
import glob
import io
import json
import os
import re

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import report_html
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import private_directory, write_private
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_rows import (
    EXPIRY_COLUMNS,
    KEY_COLUMNS,
    UNKNOWN,
    clean_text,
    report_columns,
    sort_rows,
    summarize,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_states import STATES, needs_action, state_rank

__metaclass__ = type

REPORT_FORMAT = 'printfleet.cloudmail.fleet_report/2'
FILE_PREFIX = 'fleet-report-'
MERGED_SLICE = 'merged'
SLICE_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')


# --------------------------------------------------------------------------- the report already there

def previous_rows(directory, slice_name):
    """host -> row of the report already written for this slice, each with the date it was read (``read_at``)."""
    try:
        with open(report_paths(directory, slice_name)['json'], encoding='utf-8') as current:
            document = json.load(current)
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get('format') != REPORT_FORMAT:
        return {}
    rows = {}
    for row in document.get('printers') or ():
        if isinstance(row, dict) and row.get('host'):
            rows[row['host']] = dict(row, read_at=row.get('read_at') or document.get('generated_at') or UNKNOWN)
    return rows


# --------------------------------------------------------------------------- document

def run_metadata(inventory_sources=(), collection_version=UNKNOWN, now=None):
    """When (UTC, ISO 8601), from which inventory and with which collection version the report was made."""
    moment = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone.utc)
    return {
        'generated_at': moment.replace(microsecond=0).isoformat().replace('+00:00', 'Z'),
        'inventory_sources': [clean_text(source) for source in inventory_sources or ()],
        'collection_version': clean_text(collection_version),
    }


def report_document(rows, slice_name, metadata=None):
    rows = sort_rows(rows)
    document = {'format': REPORT_FORMAT, 'slice': slice_name, 'summary': summarize(rows), 'printers': rows}
    document.update(metadata or run_metadata())
    return document


def collection_version(root=None):
    """The version of this collection: MANIFEST.json of an installed copy, else galaxy.yml of a checkout."""
    root = root or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        with open(os.path.join(root, 'MANIFEST.json'), encoding='utf-8') as manifest:
            return str(json.load(manifest)['collection_info']['version'])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        with open(os.path.join(root, 'galaxy.yml'), encoding='utf-8') as galaxy:
            for line in galaxy:
                match = re.match(r'''^version:\s*['"]?([^'"\s#]+)''', line)
                if match:
                    return match.group(1)
    except OSError:
        pass
    return UNKNOWN


# --------------------------------------------------------------------------- rendering

def render_json(document):
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + '\n'


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, CSV injection),
# also after leading spaces; full-width forms included.
_FORMULA_START = re.compile('^[\\s\u3000]*[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]')


def csv_cell(value):
    """A cell a spreadsheet shows as text: a leading quote disarms a formula."""
    text = '' if value is None else str(value)
    return "'" + text if _FORMULA_START.match(text) else text


def render_csv(document):
    columns = report_columns(document['printers'])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n', quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.key for column in columns])
    for row in document['printers']:
        writer.writerow([csv_cell(row.get(column.key, '')) for column in columns])
    return buffer.getvalue()


def render_html(document):
    """The HTML page (report_html renders it from its template)."""
    return report_html.render_report(document, report_columns(document['printers']), KEY_COLUMNS, STATES, state_rank)


# --------------------------------------------------------------------------- files

def report_paths(directory, slice_name):
    base = os.path.join(directory, '%s%s' % (FILE_PREFIX, slice_name))
    return {'json': base + '.json', 'csv': base + '.csv', 'html': base + '.html'}


# Row fields that move by themselves (the device refreshes its token, time passes) or belong to one
# kind of run (the send test of mail_test.yml): a new value alone is no change of the fleet.
UNCOMPARED_FIELDS = tuple(column.key for column in EXPIRY_COLUMNS) + ('mail_test', 'read_at')


def _content(document):
    """What ``changed`` compares: the rows (but their moving fields) and counts, not the run's date."""
    content = {key: document.get(key) for key in ('format', 'slice', 'summary')}
    content['printers'] = [{key: value for key, value in row.items() if key not in UNCOMPARED_FIELDS}
                           for row in document.get('printers') or ()]
    return content


def _previous_content(path):
    try:
        with open(path, encoding='utf-8') as current:
            return _content(json.load(current))
    except (OSError, ValueError, AttributeError):
        return None


def write_atomically(path, content):
    """The file written whole or not at all, 0600, nothing left behind on failure (see private_files)."""
    write_private(path, content)


def write_report(directory, slice_name, rows, metadata=None):
    """Write the three files; return (document, paths, changed).

    ``changed`` is true when the rows or the counts differ from the JSON file already there.
    """
    if not SLICE_PATTERN.match(slice_name):
        raise ValueError('invalid slice name %r: letters, digits, ".", "-" and "_" only' % slice_name)
    private_directory(directory)
    document = report_document(rows, slice_name, metadata)
    paths = report_paths(directory, slice_name)
    changed = _previous_content(paths['json']) != _content(document)
    for kind, render in (('csv', render_csv), ('html', render_html), ('json', render_json)):
        write_atomically(paths[kind], render(document))
    return document, paths, changed


def merge_reports(directory, output_slice=MERGED_SLICE, metadata=None):
    """Join every ``fleet-report-<slice>.json`` of a directory (except the output) into one report.

    A host present in several slices keeps the row of the slice whose name sorts last. The merged
    report lists the inventory sources of every slice.
    """
    output_json = report_paths(directory, output_slice)['json']
    rows, sources, inventories = {}, [], []
    for path in sorted(glob.glob(os.path.join(directory, FILE_PREFIX + '*.json'))):
        if os.path.abspath(path) == os.path.abspath(output_json):
            continue
        with open(path, encoding='utf-8') as source:
            document = json.load(source)
        if document.get('format') != REPORT_FORMAT:
            continue
        sources.append(os.path.basename(path))
        inventories.extend(item for item in document.get('inventory_sources', []) if item not in inventories)
        for row in document['printers']:
            rows[row['host']] = row
    metadata = dict(metadata or run_metadata())
    metadata['inventory_sources'] = inventories
    document, paths, changed = write_report(directory, output_slice, list(rows.values()), metadata)
    return document, paths, changed, sources


def summary_lines(document, paths, kept=()):
    """What a run prints at its end: counts by state, the printers needing an action, the files; and, for a run
    that read only some printers (--limit), how many rows it kept from earlier runs."""
    summary = document['summary']
    lines = ['Fleet report %s: %d printer(s); by state: %s' % (
        document.get('generated_at', ''), summary['printers'],
        ', '.join('%s %d' % (state, number) for state, number in
                  sorted(summary['by_state'].items(), key=lambda item: state_rank(item[0]))) or 'none')]
    for row in document['printers']:
        if needs_action(row):
            lines.append('%s: %s -> %s' % (row['host'], row['state'], row['next_action']))
    if kept:
        lines.append('This run read %d printer(s) and updated their rows; the fleet report keeps the rows of the %d '
                     'other printer(s) of the inventory as last read (see the "Last read" column): %s' % (
                         summary['printers'] - len(kept), len(kept), ', '.join(kept[:10]) +
                         (', ...' if len(kept) > 10 else '')))
    lines.extend('%s report: %s' % (kind.upper(), paths[kind]) for kind in ('html', 'csv', 'json'))
    return lines
