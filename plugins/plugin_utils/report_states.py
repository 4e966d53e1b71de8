# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet report's states: what a printer's run ended in, and the one next action from there.

``STATES`` is the one table of states (severity, meaning, next action). A failed step
reaches the report with its reason (the exception class's word, or the step's own):
``failure_state`` maps it through ``_REASON_STATES``. ``printer_state`` then weighs the
failure against what the printer's status page showed. No rendering and no files here.
"""

from __future__ import annotations

import collections

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import PROVIDERS
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.token_horizon import lapses_within

__metaclass__ = type

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


def failure_state(reason, step=None):
    """The state of a printer whose step failed: which step (its own field) and why (its reason).

    Never read from the message nor from the failed task's module name: a failure without a reason (a task of
    the operator's own, a module's bad arguments) gets the state of its step, and the message stays in the
    row's last error.
    """
    if step == 'validate':
        return 'invalid_inventory'
    kind = _REASON_STATES.get(reason)
    if kind == 'unreachable' and step == 'read':
        return 'unreachable_read'
    if kind:
        return kind
    # A reason with no state of its own (the device refused a write, a session was interrupted...) or none: the
    # step says which playbook runs it again.
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


def preflight_passed(checks):
    """True, False (a check failed) or None (no pre-flight ran)."""
    if not isinstance(checks, list) or not checks:
        return None
    return all(isinstance(check, dict) and check.get('ok') for check in checks)


def settings_match(provider, settings, variables):
    """Whether the printer's settings are on and point where the inventory says; None when unknown
    (the provider unit compares its own setting: the Entra ID endpoint, the Google client ID)."""
    unit = PROVIDERS.get(provider)
    return unit.settings_match(settings, variables) if unit is not None else None


def state_rank(state):
    """Sort key of a state: by severity, most urgent first, then by name."""
    severity = STATES[state].severity if state in STATES else SEVERITIES[0]
    return (SEVERITIES.index(severity), state)
