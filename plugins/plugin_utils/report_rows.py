# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet report's rows and columns: one row per printer, from what the run saw.

``build_row`` turns a host's variables, status result, failure and facts into a row
(its state from report_states); the column tables say which fields a row has and how
a per-host fact fills one. Text that comes from devices is untrusted: control
characters are replaced in every cell and secrets are redacted.
"""

from __future__ import annotations

import collections
import os
import re

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import clock_tolerance, status_clock_entry
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.redaction import redact
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_states import (
    STATES,
    SEVERITIES,
    advice,
    failure_state,
    needs_action,
    preflight_passed,
    printer_state,
    settings_match,
    watched_state,
)

__metaclass__ = type

UNKNOWN = 'unknown'
SLICE_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
# A device may answer with a whole page as its error text: the report keeps the start of it.
MAX_TEXT = 2000


# --------------------------------------------------------------------------- columns

Column = collections.namedtuple('Column', 'key title fact extract')

CORE_COLUMNS = (
    Column('host', 'Host', None, None),
    Column('state', 'State', None, None),
    Column('next_action', 'Next action', None, None),
    Column('last_error', 'Last error', None, None),
    Column('address', 'Address', None, None),
    Column('provider', 'Provider', None, None),
    Column('profile', 'Profile', None, None),
    Column('connection_status', 'Connection', None, None),
    Column('token_status', 'Token', None, None),
    Column('oauth', 'OAuth', None, None),
)
# When each printer was read: this run's date, or an earlier run's for a row kept from the report already
# there (a run with --limit); shown when rows have it.
READ_COLUMNS = (Column('read_at', 'Last read (UTC)', None, None),)


def preflight_summary(checks):
    """'ok (n checks)' or the failed checks with their messages."""
    checks = [check for check in checks if isinstance(check, dict)] if isinstance(checks, list) else []
    if not checks:
        return ''
    failed = [check for check in checks if not check.get('ok')]
    if not failed:
        return 'ok (%d checks)' % len(checks)
    return 'failed: ' + '; '.join('%s: %s' % (check.get('name', '?'), check.get('message', '')) for check in failed)


def mail_test_summary(outcome):
    """sent / rejected (or failed) with the server's reply / not tried, from a mail_test result."""
    if not isinstance(outcome, dict) or outcome.get('result') in (None, 'not_tried'):
        return 'not tried'
    result, reply = outcome['result'], outcome.get('server_reply')
    return '%s: %s' % (result, reply) if reply and result != 'sent' else str(result)


def fact_field(name):
    """Extract one field of a dict fact (for columns of a probe or of mail results)."""
    return lambda fact: fact.get(name, '') if isinstance(fact, dict) else ''


def probe_draft(probe):
    """Where the probe's draft profile is, with what it could not find."""
    if not isinstance(probe, dict) or not probe.get('draft_path'):
        return ''
    missing = probe.get('not_found') or []
    return '%s%s' % (probe['draft_path'], ' (not found: %s)' % '; '.join(missing) if missing else '')


def probe_notes(probe):
    return '; '.join(probe.get('notes') or []) if isinstance(probe, dict) else ''


# Columns filled from a per-host fact: Column(key, title, fact name, function of the fact's value).
# A printer without the fact shows an empty cell; a column that no printer has is left out of the
# CSV and HTML. Another section is one more line here.
FACT_COLUMNS = (
    Column('preflight', 'Pre-flight', 'printer_preflight', preflight_summary),
    Column('mail_test', 'Send test', 'printer_mail_test', mail_test_summary),
    # playbooks/probe.yml
    Column('profile_match', 'Matching profile', 'printer_probe', fact_field('profile_match')),
    Column('family_guess', 'Family (guess)', 'printer_probe', fact_field('family_guess')),
    Column('ui_language', 'UI language', 'printer_probe', fact_field('ui_language')),
    Column('model', 'Model', 'printer_probe', fact_field('model')),
    Column('firmware', 'Firmware', 'printer_probe', fact_field('firmware')),
    Column('server', 'Server', 'printer_probe', fact_field('server')),
    Column('draft_profile', 'Draft profile', 'printer_probe', probe_draft),
    Column('probe_notes', 'Probe notes', 'printer_probe', probe_notes),
)

# Expiry watch columns, from the printer's status (oauth_info): shown when a printer has them.
EXPIRY_COLUMNS = (
    Column('token_refreshed_at', 'Token last refreshed', None, None),
    Column('token_expected_lapse_at', 'Token expected to lapse', None, None),
    Column('token_lapses_in_days', 'Days left', None, None),
    Column('token_lapse_basis', 'Lapse basis', None, None),
)
# The columns that decide what to do with a printer: the HTML page keeps them in view.
KEY_COLUMNS = tuple(column.key for column in CORE_COLUMNS)
# The printer's inventory groups (sites, batches), when it is in any: the HTML page pictures each group.
GROUP_COLUMNS = (Column('groups', 'Groups', None, None),)


# --------------------------------------------------------------------------- rows

def build_row(host, variables, status_result, failure=None, facts=None, secrets=(), fact_columns=FACT_COLUMNS,
              intended=None):
    """One report row.

    ``variables``: the host's cloudmail_* variables; ``status_result``: its ``oauth_info`` result (with
    ``read_at``, when its status page was read, for the clock check); ``failure``: None or
    {'message', 'reason', 'step'} of the step that failed in this run; ``facts``: the host's facts named
    by ``fact_columns``; ``intended``: ``absent`` when the run turned OAuth off on purpose (rollback.yml).
    """
    facts = facts or {}
    failure = failure or {}
    provider = variables.get('cloudmail_provider') or UNKNOWN
    read_ok = bool(status_result) and not status_result.get('failed') and not status_result.get('skipped')
    provider_status = {}
    if read_ok:
        provider_status = (status_result.get('providers') or {}).get(provider) or {}
    connection_status = provider_status.get('connection_status') or UNKNOWN
    token_status = provider_status.get('token_status') or UNKNOWN
    message = failure.get('message') or ''
    clock = status_clock_entry(provider_status, clock_tolerance(variables),
                               status_result.get('read_at') if read_ok else None, 'status.yml')
    failed_state = failure_state(failure.get('reason'), failure.get('step')) \
        if message else None
    enabled = (provider_status.get('settings') or {}).get('enabled') if read_ok else None
    state = printer_state(failed_state, preflight_passed(facts.get('printer_preflight')), read_ok,
                          connection_status, token_status,
                          settings_match(provider, provider_status.get('settings'), variables),
                          clock_ok=clock['ok'] if clock else None)
    if intended == 'absent' and state == 'not_configured' and enabled is False and not failed_state:
        state = 'rolled_back'
    state = watched_state(state, provider_status.get('token_lapses_in_days'),
                          variables.get('cloudmail_expiry_horizon_days'))
    if state == 'clock_skew' and not message:
        message = '%s: %s' % (host, clock['message'])
    row = {
        'host': host,
        'state': state,
        'severity': STATES[state].severity,
        'next_action': advice(state),
        'last_error': message or provider_status.get('error_details') or '',
        'address': variables.get('cloudmail_host'),
        'provider': provider,
        'profile': profile_label(variables),
        'connection_status': connection_status,
        'token_status': token_status,
        'oauth': UNKNOWN if enabled is None else ('on' if enabled else 'off'),
    }
    if variables.get('group_names'):
        row['groups'] = ', '.join(sorted(str(name) for name in variables['group_names']))
    for column in EXPIRY_COLUMNS:
        if provider_status.get(column.key) is not None:
            row[column.key] = provider_status[column.key]
    for column in fact_columns:
        if column.fact in facts:
            row[column.key] = column.extract(facts[column.fact])
    return {key: redact(clean_text(value), secrets) for key, value in row.items()}


def profile_label(variables):
    """The profile the printer is driven with: its own file (which wins over a name), or the built-in name."""
    if variables.get('cloudmail_profile_file'):
        return os.path.basename(str(variables['cloudmail_profile_file']))
    return variables.get('cloudmail_profile') or UNKNOWN


# C0 and C1 controls (escape sequences for terminals) and bidirectional overrides (text that reads
# differently than it is): never shown as they are.
_UNSAFE_CHARACTERS = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]')


def clean_text(value):
    """One line of printable text, at most MAX_TEXT characters."""
    text = ' '.join(('' if value is None else str(value)).split())
    text = _UNSAFE_CHARACTERS.sub('\ufffd', text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + '\u2026'


def sort_rows(rows):
    """Problems first: by severity, then host."""
    def rank(row):
        severity = row.get('severity')
        return (SEVERITIES.index(severity) if severity in SEVERITIES else 0, row['host'])
    return sorted(rows, key=rank)


def carried_state(row, previous):
    """A printer rolled back on purpose stays ``rolled_back`` while its OAuth settings stay off (later runs of
    status.yml), instead of asking for rollout.yml."""
    if previous and previous.get('state') == 'rolled_back' and row.get('state') == 'not_configured' \
            and row.get('oauth') == 'off':
        return dict(row, state='rolled_back', severity=STATES['rolled_back'].severity,
                    next_action=advice('rolled_back'))
    return row


def merged_rows(rows, previous, fleet_hosts, read_at, failed=()):
    """``(rows, kept)``: this run's rows (read at ``read_at``), then the earlier rows of the fleet's printers
    this run did not read (a run with --limit), each with the date it was last read.

    ``fleet_hosts``: every printer of the inventory; a row of a printer no longer in it is dropped. ``failed``:
    the printers a step of this run failed for: their state is this run's.
    """
    rows = [dict(row if row['host'] in failed else carried_state(row, previous.get(row['host'])), read_at=read_at)
            for row in rows]
    read = set(row['host'] for row in rows)
    kept = sorted(host for host in previous if host not in read and host in set(fleet_hosts or ()))
    return rows + [previous[host] for host in kept], kept


def summarize(rows):
    """Counts by state, token status and connection status, and the printers that need an action."""
    def count(key):
        return dict(sorted(collections.Counter(row.get(key, UNKNOWN) for row in rows).items()))
    attention = [row['host'] for row in rows if needs_action(row)]
    return {
        'printers': len(rows),
        'by_state': count('state'),
        'by_severity': count('severity'),
        'by_token_status': count('token_status'),
        'by_connection_status': count('connection_status'),
        'need_action': len(attention),
        'need_action_hosts': attention,
        'with_error': sum(1 for row in rows if row.get('last_error')),
    }


def report_columns(rows):
    """The core columns, then each fact column that at least one row has."""
    optional = READ_COLUMNS + GROUP_COLUMNS + EXPIRY_COLUMNS + FACT_COLUMNS
    return list(CORE_COLUMNS) + [column for column in optional if any(column.key in row for row in rows)]
