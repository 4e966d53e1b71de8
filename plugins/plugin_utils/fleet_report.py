# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet report: one row per printer, written as JSON, CSV and HTML.

Each row has a state, derived from what the run saw (``printer_state``), and the
next action for that state, from one table (``STATES``). Rows are sorted by
severity, then host, so problems come first. The files carry the run's date, the
inventory sources and the collection version; ``changed`` is true only when the
rows or counts differ from the files already there. Each run writes files named
after its slice (``fleet-report-<slice>.*``); ``merge_reports`` joins the slices
of an AWX sliced job into ``fleet-report-merged.*``.

Text that comes from devices is untrusted: control characters are replaced
everywhere, CSV cells that a spreadsheet would read as a formula are neutralized,
and every HTML text is escaped. JSON keeps the (one-line) text as it is.
"""

from __future__ import annotations

import collections
import csv
import datetime
import glob
import io
import json
import os
import re

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import authority_url
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import report_html
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import clock_tolerance, status_clock_entry
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import private_directory, write_private
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.redaction import redact
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.token_horizon import lapses_within

__metaclass__ = type

REPORT_FORMAT = 'printfleet.cloudmail.fleet_report/2'
FILE_PREFIX = 'fleet-report-'
MERGED_SLICE = 'merged'
UNKNOWN = 'unknown'
SLICE_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
# A device may answer with a whole page as its error text: the report keeps the start of it.
MAX_TEXT = 2000

# --------------------------------------------------------------------------- states and next actions

# Severity ranks, most urgent first: rows are sorted by them.
SEVERITIES = ('blocked', 'failed', 'action', 'warning', 'ok')

State = collections.namedtuple('State', 'severity meaning next_action')

# Every state a printer can end a run in, and the one next action that works from there.
# "rollout.yml" is safe for any printer (it leaves matching settings and active tokens alone);
# reauthorize.yml only authorizes, so it is advised only where the settings are known to be in place.
STATES = {
    'invalid_inventory': State(
        'blocked', 'its inventory variables are invalid; nothing was written to it',
        'fix the inventory variable named in the last error, then run rollout.yml'),
    'preflight_failed': State(
        'blocked', 'a pre-flight check failed; nothing was written to it',
        'fix what the failed pre-flight check names (see the pre-flight column), then run rollout.yml'),
    'wrong_password': State(
        'blocked', 'the printer refused the login',
        'fix cloudmail_username or cloudmail_password for this printer, then run rollout.yml'),
    'locked_out': State(
        'blocked', 'the printer refuses logins after repeated failures',
        'wait until the lockout ends (about 5 minutes), check cloudmail_password, then run rollout.yml'),
    'login_paused': State(
        'blocked', 'no password was posted: the failed logins recorded for this account could lock it',
        'check cloudmail_username / cloudmail_password, delete the entry the message names from the login ledger '
        '(cloudmail_state_dir), then run status.yml'),
    'login_unconfirmed': State(
        'blocked', 'the printer answered the login with a page its profile does not know (see the last error)',
        'check cloudmail_username / cloudmail_password (or add the device\'s text to the profile\'s '
        'messages.login_failed in cloudmail_profile_file), then run status.yml'),
    'session_held': State(
        'failed', 'the printer holds every administrator session it allows',
        'log the other administrator out, or wait for the idle timeout the last error names, then run status.yml'),
    'certificate_rejected': State(
        'blocked', "the printer's TLS certificate was not accepted",
        'set cloudmail_ca_path to the CA that signed the printer certificate (or cloudmail_validate_certs: false '
        'for a self-signed one), then run rollout.yml'),
    'profile_mismatch': State(
        'blocked', "the printer's pages do not look as its profile says",
        'set cloudmail_profile to the profile of this printer model and firmware (playbooks/probe.yml names the '
        'built-in one that fits), then run rollout.yml'),
    'clock_skew': State(
        'blocked', "the printer's clock is off by more than cloudmail_clock_tolerance: it refuses tokens and codes",
        "set the printer's date and time (or its NTP server) in its Remote UI, then run rollout.yml (its "
        'pre-flight checks the clock before the sign-in)'),
    'settings_failed': State(
        'failed', 'pushing the OAuth settings failed; the token cannot become active before they are in place',
        'fix what the last error names (cloudmail_microsoft_tenant, cloudmail_google_client_id, '
        'cloudmail_google_client_secret or the printer), then run rollout.yml'),
    'unreachable': State(
        'failed', 'the printer did not answer while the run configured or authorized it',
        'check that the printer answers at cloudmail_host and cloudmail_port (power, network, firewall; raise '
        'cloudmail_timeout for a slow printer), then run rollout.yml'),
    'unreachable_read': State(
        'failed', 'the printer did not answer when its status was read',
        'check that the printer answers at cloudmail_host and cloudmail_port (power, network, firewall), '
        'then run status.yml'),
    'not_connected': State(
        'failed', 'the printer cannot reach its mail provider',
        "fix the printer's route to its provider (network, DNS, proxy; cloudmail_verify_server_certificate, "
        'cloudmail_add_cn_to_verification), then run rollout.yml'),
    'not_configured': State(
        'action', "the printer's OAuth settings are off or differ from the inventory",
        'run rollout.yml (it writes the settings, then authorizes)'),
    'code_missing': State(
        'action', 'no Google authorization code was given',
        'open the authorization URL from the run output, consent, give the code in '
        'cloudmail_google_authorization_codes (or at the prompt), then run reauthorize.yml'),
    'authorization_failed': State(
        'action', 'the sign-in did not end with a token (code expired, declined or rejected)',
        'run reauthorize.yml and complete the sign-in within the code lifetime (Google: consent again for a '
        'fresh code)'),
    'authorization_timeout': State(
        'action', 'nobody completed the sign-in before cloudmail_authorization_timeout',
        'run reauthorize.yml and sign in while it waits (raise cloudmail_authorization_timeout if needed)'),
    'authorizing': State(
        'action', 'a sign-in is pending',
        'sign in with the pending code from the run output, or run reauthorize.yml for a new one'),
    'token_inactive': State(
        'action', 'the settings are in place but the printer holds no token (or says its token is not active)',
        'run reauthorize.yml'),
    'token_expired': State(
        'action', 'the refresh token expired or was revoked',
        'run reauthorize.yml'),
    'token_error': State(
        'action', 'the last authorization on the printer failed (see the last error)',
        'run reauthorize.yml'),
    'step_failed': State(
        'failed', 'a step failed for this printer',
        'fix what the last error names, then run rollout.yml'),
    'read_failed': State(
        'failed', 'its status could not be read',
        'fix what the last error names, then run status.yml'),
    'status_unknown': State(
        'warning', 'the printer shows a status the run could not read (it may be checking its connection)',
        'run status.yml again in a minute; if it stays unknown, check cloudmail_profile'),
    'settings_outdated': State(
        'warning', 'the token is active but the settings differ from the inventory',
        'run rollout.yml to write the inventory settings (the printer then needs a new sign-in)'),
    'mail_test_rejected': State(
        'action', 'the test e-mail of this run did not go out (see the send test column and the last error)',
        "fix what the server's reply names: cloudmail_smtp_sender (the mailbox that signed in; a printer still "
        'sending a password gets OAuth 2.0 from rollout.yml once it is set) or cloudmail_smtp_server, '
        'cloudmail_smtp_port, cloudmail_smtp_encryption; then run rollout.yml and mail_test.yml'),
    'token_lapsing': State(
        'warning', 'the token is active but is expected to lapse within cloudmail_expiry_horizon_days',
        'run reauthorize.yml before it lapses (it authorizes the printers inside the horizon again; a Google '
        'client in testing status lapses every 7 days: publish it to production to stop that)'),
    'rolled_back': State(
        'ok', 'OAuth 2.0 e-mail is turned off on it, as rollback.yml was run to do',
        'none (rollout.yml turns OAuth 2.0 e-mail on again)'),
    'ok': State('ok', 'the printer holds an active token', 'none'),
}

# Why a step failed -> the printer's state. The reason is carried from the exception class
# (module_utils/errors.py: RemoteUIError.reason, kept by TaskFailed) or given by the step itself.
_REASON_STATES = {
    # errors.py, one word per class
    'unreachable': 'unreachable', 'certificate_rejected': 'certificate_rejected', 'wrong_password': 'wrong_password',
    'locked_out': 'locked_out', 'login_paused': 'login_paused', 'login_unconfirmed': 'login_unconfirmed',
    'session_limit': 'session_held', 'profile_mismatch': 'profile_mismatch', 'page_not_understood': 'profile_mismatch',
    'status_unknown': 'status_unknown',
    # the steps' own reasons
    'code_expired': 'authorization_failed', 'declined': 'authorization_failed', 'code_rejected': 'authorization_failed',
    'missing_code': 'code_missing', 'timeout': 'authorization_timeout', 'not_connected': 'not_connected',
    'check_failed': 'preflight_failed', 'clock_skew': 'clock_skew',
    # mail_test.yml: why the test e-mail did not go out (the printer's own message: no active token)
    'token_inactive': 'token_inactive',
    'token_refused': 'mail_test_rejected', 'basic_auth_refused': 'mail_test_rejected',
    'sender_refused': 'mail_test_rejected', 'smtp_auth_disabled': 'mail_test_rejected',
    'connection_failed': 'mail_test_rejected', 'rejected': 'mail_test_rejected',
}
# Only for a failure that carries no reason (a report written by an older release, a task of the
# operator's own): what its message says.
_MESSAGE_KINDS = (
    ('locked_out', re.compile(r'refuses logins after repeated', re.I)),
    ('wrong_password', re.compile(r'login refused|wrong user name or password', re.I)),
    ('certificate_rejected', re.compile(r'TLS certificate .* not accepted|certificate verify failed', re.I)),
    ('profile_mismatch', re.compile(r'may not match this firmware|unknown profile|profile mismatch', re.I)),
    ('unreachable', re.compile(r'gave up on|no answer to|connection failed|connection refused|timed out|'
                               r'request .* failed|unreachable|did not answer|no complete answer within|'
                               r'exceeds the size limit|redirects to another host|task budget', re.I)),
    ('code_missing', re.compile(r'No authorization code for', re.I)),
    ('not_connected', re.compile(r'cannot reach|not_connected', re.I)),
)
# The step of a per-host module that failed as an Ansible task, from its name (fleet steps carry their step).
_ACTION_STEPS = {
    'validate_inventory': 'validate', 'oauth_settings': 'settings', 'oauth_authorize': 'authorize',
    'oauth_info': 'read', 'preflight': 'preflight',
}


def failure_state(action, reason, message, step=None):
    """The state of a printer whose step failed: which step (its own, else the failed module's) and why (its reason)."""
    step = step or _ACTION_STEPS.get(str(action or '').rsplit('.', 1)[-1])
    if step == 'validate' or 'are invalid' in (message or ''):
        return 'invalid_inventory'
    kind = _REASON_STATES.get(reason)
    if kind is None and not reason:
        kind = next((name for name, pattern in _MESSAGE_KINDS if pattern.search(message or '')), None)
    if kind == 'unreachable' and step == 'read':
        return 'unreachable_read'
    if kind:
        return kind
    # A reason with no state of its own (the device refused a write, a session was interrupted...): the step says
    # which playbook runs it again.
    return {'settings': 'settings_failed', 'read': 'read_failed', 'preflight': 'preflight_failed'}.get(
        step, 'step_failed')


_AUTHORIZATION_FAILURES = ('authorization_failed', 'authorization_timeout', 'code_missing', 'step_failed',
                           'token_inactive')


def printer_state(failure, preflight_ok, read_ok, connection_status, token_status, settings_match, clock_ok=None):
    """The one state of a printer at the end of a run.

    ``failure`` is the state of the step that failed in this run (``failure_state``) or None;
    ``settings_match`` is whether the printer's OAuth settings are on and match the inventory
    (None when unknown). A failed step comes first: the token status alone cannot tell that
    the settings never reached the printer. ``clock_ok`` is False when the printer's clock is off by
    more than the tolerance: no token can work then, whatever the token status says.
    """
    if preflight_ok is False:
        return 'preflight_failed'
    if clock_ok is False and failure in (None, 'clock_skew', 'token_inactive') + _AUTHORIZATION_FAILURES:
        return 'clock_skew'
    if failure in _AUTHORIZATION_FAILURES and settings_match is False:
        return 'not_configured'  # no sign-in can work before the settings are written
    if failure:
        return failure
    if not read_ok:
        return 'read_failed'
    if connection_status == 'not_connected':
        return 'not_connected'
    if token_status == 'active':
        return 'settings_outdated' if settings_match is False else 'ok'
    if settings_match is False:
        return 'not_configured'
    return {'authorizing': 'authorizing', 'inactive': 'token_inactive', 'expired': 'token_expired',
            'error': 'token_error'}.get(token_status, 'status_unknown')


def needs_action(row):
    """Whether a row asks for an action: its state is not one that a run is meant to end in."""
    return row.get('severity', STATES.get(row.get('state'), STATES['step_failed']).severity) != 'ok'


def watched_state(state, lapses_in_days, horizon_days):
    """``token_lapsing`` for an ``ok`` printer whose token lapses within the horizon."""
    return 'token_lapsing' if state == 'ok' and lapses_within(lapses_in_days, horizon_days) else state


def advice(state):
    """The next action for a state (the one table above)."""
    return STATES[state].next_action


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


def preflight_passed(checks):
    """True, False (a check failed) or None (no pre-flight ran)."""
    if not isinstance(checks, list) or not checks:
        return None
    return all(isinstance(check, dict) and check.get('ok') for check in checks)


# --------------------------------------------------------------------------- rows

def build_row(host, variables, status_result, failure=None, facts=None, secrets=(), fact_columns=FACT_COLUMNS,
              intended=None):
    """One report row.

    ``variables``: the host's cloudmail_* variables; ``status_result``: its ``oauth_info`` result (with
    ``read_at``, when its status page was read, for the clock check); ``failure``: None or
    {'message', 'action', 'reason'} of the step that failed in this run; ``facts``: the host's facts named
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
    failed_state = failure_state(failure.get('action'), failure.get('reason'), message, failure.get('step')) \
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


def settings_match(provider, settings, variables):
    """Whether the printer's settings are on and point where the inventory says; None when unknown."""
    if not isinstance(settings, dict) or 'enabled' not in settings:
        return None
    if not settings.get('enabled'):
        return False
    if provider == 'google':
        wanted = variables.get('cloudmail_google_client_id')
        return None if not wanted else settings.get('client_id') == wanted
    wanted = (variables.get('cloudmail_microsoft_authority_url') or '').rstrip('/')
    tenant = variables.get('cloudmail_microsoft_tenant')
    if not wanted and tenant:
        wanted = authority_url(tenant)
    current = (settings.get('authority_url') or '').rstrip('/')
    return None if not wanted or not current else current.lower() == wanted.lower()


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


# --------------------------------------------------------------------------- rows kept from the report already there

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


# --------------------------------------------------------------------------- document

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


def report_columns(rows):
    """The core columns, then each fact column that at least one row has."""
    optional = READ_COLUMNS + GROUP_COLUMNS + EXPIRY_COLUMNS + FACT_COLUMNS
    return list(CORE_COLUMNS) + [column for column in optional if any(column.key in row for row in rows)]


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
    return report_html.render_report(document, report_columns(document['printers']), KEY_COLUMNS, STATES, _state_rank)


def _state_rank(state):
    severity = STATES[state].severity if state in STATES else SEVERITIES[0]
    return (SEVERITIES.index(severity), state)


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
                  sorted(summary['by_state'].items(), key=lambda item: _state_rank(item[0]))) or 'none')]
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
