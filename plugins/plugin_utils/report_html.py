# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pages the collection writes for people: the fleet report and the sign-in sheet.

Both are rendered by Jinja2 templates (``templates/``) with autoescape on, so every text, from the
inventory or from a device, is escaped. Each page is one file that works opened from disk and
offline: its style and its one script are inline, and its Content-Security-Policy lets that script
run (by its hash) and nothing load. No secret reaches them: the report rows hold none, and the sheet
shows only user codes and consent URLs (a user code is useless without the mailbox's password).
"""

from __future__ import annotations

import base64
import collections
import datetime
import hashlib
import os
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import PROVIDERS, provider_for

__metaclass__ = type

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'templates')
_ENVIRONMENT = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                           trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

# The report's columns a person needs to decide (the core columns): they stay in view at 1366 px.
# A cell longer than its fold length shows its beginning and opens in full (<details>), so that a
# device's whole error page neither squeezes the other columns nor makes a row a screen tall.
FOLD_AT = {'next_action': 150, 'last_error': 60}
FOLD_DEFAULT = 80
SHORT_LENGTH = {'next_action': 110, 'last_error': 44}
SHORT_DEFAULT = 56
# The tallest a folded row may be (CSS and the browser tests use it).
MAX_ROW_HEIGHT = 120
# How often the sign-in sheet reloads itself while a run waits for the sign-ins.
SHEET_REFRESH_SECONDS = 5
SHEET_NAME = 'sign-in-%s.html'
# What a printer's row says, from the outcome of its last poll or why its sign-in ended.
SHEET_STATUS = {'active': 'signed in', 'waiting': 'waiting', 'unreadable': 'waiting', 'missing_code': 'no code given',
                'code_expired': 'code expired', 'declined': 'declined', 'code_rejected': 'code rejected',
                'timeout': 'not signed in in time'}
_WAITING = tuple(outcome for outcome, text in SHEET_STATUS.items() if text == 'waiting')


def _script(name):
    """An inline script's text and the CSP source that allows exactly it."""
    with open(os.path.join(TEMPLATES, name), encoding='utf-8') as source:
        text = source.read()
    digest = base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode('ascii')
    return Markup(text), "'sha256-%s'" % digest


def shortened(text, length):
    """The beginning of a text, cut at a word where one is near, with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[:length]
    space = cut.rfind(' ')
    return (cut[:space] if space > length * 2 // 3 else cut).rstrip(' ,;:') + '\u2026'


def shortened_advice(text, length):
    """A next action's beginning and its last step ("..., then run rollout.yml"): the playbook stays in view."""
    head, separator, tail = text.rpartition(', then ')
    if not separator or len(text) <= length or len(tail) > length // 2:
        return shortened(text, length)
    return shortened(head, length - len(tail) - len(separator)) + separator + tail


def _cell(key, value, sort=None):
    text = '' if value is None else str(value)
    length = SHORT_LENGTH.get(key, SHORT_DEFAULT)
    return {'key': key, 'text': text, 'fold': len(text) > FOLD_AT.get(key, FOLD_DEFAULT),
            'short': shortened_advice(text, length) if key == 'next_action' else shortened(text, length),
            'sort': text if sort is None else sort}


def _strip(counts, total, states, rank):
    """The segments of a proportional strip: (state, count, severity, percent), most urgent first."""
    return [{'state': state, 'count': number, 'severity': states[state].severity if state in states else 'failed',
             'percent': round(100.0 * number / total, 2) if total else 0}
            for state, number in sorted(counts.items(), key=lambda item: rank(item[0]))]


def _needs_action(row):
    """A row asks for an action unless its state is one a run is meant to end in (severity ok)."""
    return row.get('severity', 'failed') != 'ok'


def row_groups(row):
    return [name for name in (row.get('groups') or '').split(', ') if name]


def group_pictures(rows, states, rank):
    """One strip per inventory group that tells printers apart (a group holding every printer does not)."""
    members = collections.defaultdict(list)
    for row in rows:
        for name in row_groups(row):
            members[name].append(row)
    pictures = []
    for name, grouped in sorted(members.items()):
        if len(grouped) == len(rows):
            continue
        counts = collections.Counter(row.get('state', 'unknown') for row in grouped)
        pictures.append({'name': name, 'total': len(grouped), 'need_action': sum(1 for row in grouped if _needs_action(row)),
                         'segments': _strip(counts, len(grouped), states, rank)})
    return pictures


def render_report(document, columns, key_columns, states, rank):
    """The fleet report page.

    ``columns``: the report's columns (key, title); ``key_columns``: the keys that must stay in view;
    ``states``: state -> (severity, meaning, next_action); ``rank``: sort key of a state, most urgent first.
    """
    rows = document['printers']
    summary = document['summary']
    script, script_source = _script('report.js')
    table = []
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column.key, '')
            # The state column sorts by severity, as the report does, not by name.
            cells.append(_cell(column.key, value, '%02d %s' % rank(value) if column.key == 'state' else None))
        table.append({'row': row, 'severity': row.get('severity', 'failed'), 'cells': cells,
                      'needs_action': _needs_action(row), 'groups': row_groups(row)})
    by_state = [dict(segment, meaning=states[segment['state']].meaning if segment['state'] in states else '',
                     advice=states[segment['state']].next_action if segment['state'] in states else '')
                for segment in _strip(summary['by_state'], summary['printers'], states, rank)]
    return _ENVIRONMENT.get_template('report.html.j2').render(
        document=document, summary=summary, columns=columns, key_columns=set(key_columns), rows=table,
        by_state=by_state, groups=group_pictures(rows, states, rank), inventory=', '.join(document.get('inventory_sources') or []),
        script=script, script_source=script_source, max_row_height=MAX_ROW_HEIGHT)


# --------------------------------------------------------------------------- sign-in sheet

def sheet_path(directory, slice_name):
    """``sign-in-<slice>.html`` in the report directory (a slice is a file name part, never a path)."""
    if not slice_name or os.path.basename(slice_name) != slice_name or slice_name.startswith('.'):
        raise ValueError('invalid slice name %r (cloudmail_report_slice): letters, digits, ".", "-" and "_" only'
                         % slice_name)
    return os.path.join(directory, SHEET_NAME % slice_name)


def _utc(moment):
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0).isoformat().replace('+00:00', 'Z')


def render_sign_in_sheet(rows, deadline, statuses=None, done=False, now=None):
    """The sign-in sheet: one row per printer waiting for a person.

    ``rows``: the pending rows of the sign-in table (host, provider, user_code, expires_at, open), no
    secret among them; ``deadline``: when the run stops waiting (a datetime); ``statuses``: host ->
    outcome of the last poll (waiting, active, code_expired, ...); ``done``: the run waits no more.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    statuses = statuses or {}
    script, script_source = _script('sign_in.js')
    printers = []
    for row in sorted(rows, key=lambda item: item['host']):
        outcome = statuses.get(row['host'], 'waiting')
        if done and outcome in _WAITING:
            outcome = 'timeout'
        printers.append(dict(row, outcome=outcome, waiting=outcome in _WAITING, flow=provider_for(row['provider']).flow,
                             status=SHEET_STATUS.get(outcome, outcome.replace('_', ' ')),
                             # A device gives the address: only a web page becomes a link, never a script.
                             link=urlsplit(row.get('open') or '').scheme in ('https', 'http'),
                             expires=row.get('expires_at') or _utc(deadline)))
    counts = collections.Counter(printer['status'] for printer in printers)
    return _ENVIRONMENT.get_template('sign_in.html.j2').render(
        printers=printers, generated_at=_utc(now), deadline=_utc(deadline), done=done, counts=dict(counts),
        waiting=sum(1 for printer in printers if printer['waiting']), refresh=SHEET_REFRESH_SECONDS,
        instructions=[provider.sheet_instruction for provider in PROVIDERS.values()],
        script=script, script_source=script_source)
