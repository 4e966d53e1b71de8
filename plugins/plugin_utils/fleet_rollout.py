# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pre-flight, push and start the sign-in of many printers at once, one administrator session each.

The rollout's per-printer steps used to be one task each, each with its own login. Here each
printer gets, in a single session: the login form check and the clock check of the pre-flight,
the OAuth settings (read back), its SMTP settings when ``cloudmail_smtp_sender`` is set, and
the start of its sign-in; a Google printer whose code was given submits it right there, seconds
after its own push, while the code is fresh. The cloud half of the pre-flight (tenant discovery
with msal, the Google client ID) is asked once per tenant or client, not once per printer.

What each printer ends with is kept as *outcome facts* (the names the per-host tasks use:
``printer_error``, ``printer_error_step``, ``printer_error_reason``, ``printer_error_action`` (empty but for
a per-host module), ``printer_preflight``,
``printer_pending``, ``printer_authorization``) in one fact, ``fleet_outcomes`` (host -> facts),
so that no task per printer is needed to record them. The fact is kept on ``localhost`` only
(the fleet tasks use ``delegate_to: localhost`` with ``delegate_facts``): ansible cleans a host's
facts each time it gathers that host's variables, so a fleet-wide fact on every printer would make
each step cost the square of the fleet size.
"""

from __future__ import annotations

import threading
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    RemoteUIError,
    error_reason,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_tasks import (
    SMTP_SETTINGS_SPEC,
    checked_desired_mail_settings,
    push_smtp_settings,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import AuthorizationFailed, OAuthDevice
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import (
    CONNECTION_SETTLE_SECONDS,
    Task,
    TaskFailed,
    checked_desired_settings,
    push_settings,
    start_in_session,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import options_from_variables
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import NEXT_PLAYBOOK, in_inventory_terms
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import ProfileError, fitting_profile_hint
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.token_horizon import lapses_within
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_settings import not_connected, printer_to_push
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_status import published
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.google_codes import codes_from_variable
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import plain
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import (
    NOTHING_WRITTEN,
    authority_of,
    clock_tolerance,
    cloud_checks,
    device_preflight,
    preflight_failure,
    status_clock_entry,
)

__metaclass__ = type

OUTCOMES_FACT = 'fleet_outcomes'
OUTCOMES_HOST = 'localhost'
ERROR_FACTS = ('printer_error', 'printer_error_action', 'printer_error_reason', 'printer_error_step')
GOOGLE_CODE_LIFETIME = 600


class CloudChecks:
    """The cloud half of the pre-flight, asked once per provider, tenant (or client), proxy and CA."""

    def __init__(self, ask=cloud_checks):
        self._ask = ask
        self._lock = threading.Lock()
        self._answers = {}

    @staticmethod
    def key(variables):
        provider = variables.get('cloudmail_provider')
        subject = variables.get('cloudmail_google_client_id') if provider == 'google' else authority_of(variables)
        return (provider, str(subject), variables.get('cloudmail_cloud_proxy'), variables.get('cloudmail_cloud_ca_path'))

    def checks(self, variables):
        key = self.key(variables)
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                answer = self._answers[key] = {'lock': threading.Lock(), 'checks': None}
        with answer['lock']:
            if answer['checks'] is None:
                answer['checks'] = self._ask(variables)
        return [dict(check) for check in answer['checks']]


class RolloutPrinter:
    """One printer of the rollout: what to push, its SMTP settings, and its choices from the inventory."""

    def __init__(self, push, variables, smtp_params=None, google_code=None, preflight=True):
        self.name = push.name
        self.push = push
        self.provider = push.params['provider']
        self.variables = variables
        self.smtp_params = smtp_params
        self.google_code = google_code
        self.no_log_values = set(push.no_log_values) | ({google_code} if google_code else set())
        self.preflight = preflight and bool(variables.get('cloudmail_preflight', True))
        self.clock_tolerance = clock_tolerance(variables)
        self.force = bool(variables.get('cloudmail_force_authorization', False))
        self.horizon_days = variables.get('cloudmail_expiry_horizon_days') or 0


def printer_to_roll_out(printer, variables, google_code=None, preflight=True):
    """A RolloutPrinter from a host's PrinterRead and checked variables, or the message that says why not."""
    push, problem = printer_to_push(printer, variables)
    if problem:
        return None, problem
    smtp_params = None
    if variables.get('cloudmail_smtp_sender') not in (None, ''):
        # The smtp_settings options as the option registry maps them (the tenant names a Microsoft sender's domain).
        given = dict(printer.params, provider=variables['cloudmail_provider'],
                     **options_from_variables(variables, 'smtp'))
        if variables.get('cloudmail_microsoft_tenant') is not None:
            given['tenant'] = variables['cloudmail_microsoft_tenant']
        validation = ArgumentSpecValidator(**SMTP_SETTINGS_SPEC).validate(
            dict((name, value) for name, value in given.items() if value is not None))
        if validation.error_messages:
            return None, '%s: %s; %s' % (printer.name, in_inventory_terms('; '.join(validation.error_messages)),
                                         NEXT_PLAYBOOK)
        smtp_params = validation.validated_parameters
    return RolloutPrinter(push, variables, smtp_params, google_code, preflight), None


class _PreflightFailed(Exception):
    pass


def roll_out_printer(printer, clouds, check_mode=False, diff=False, push=True, start=True, smtp=True,
                     run_started_at=None, clock=time.time):
    """One printer's pre-flight, push, SMTP settings and sign-in start in one session.

    Returns the printer's result, with its outcome facts under ``facts``; never raises, and holds no
    secret. Nothing is written unless the pre-flight passed; a failing printer fails only its entry.
    """
    result = dict(changed=False, failed=False, provider=printer.provider)
    warnings, checks = [], []
    # A failure of the login is charged to the first step the printer was to go through.
    step = 'preflight' if printer.preflight else ('settings' if push else 'authorize')
    pending, code_submitted, authorization = False, False, None
    settings_task = Task(printer.push.params, printer.push.profile, check_mode=check_mode, diff=diff)
    session = None
    try:
        desired = checked_desired_settings(printer.push.params) if push else None
        smtp_desired = checked_desired_mail_settings(printer.smtp_params) if printer.smtp_params and push else None
        if printer.preflight:
            checks = clouds.checks(printer.variables)
            if not all(check['ok'] for check in checks):
                raise _PreflightFailed()
        session = settings_task.open_session()
        if printer.preflight:
            # The same device step as the preflight module's: the login form, then the clock.
            found, logged_in = device_preflight(session, printer.provider, printer.clock_tolerance,
                                                printer.push.params.get('profile'))
            checks.extend(found)
            if not logged_in:
                raise _PreflightFailed()
        else:
            session.__enter__()
        try:
            status = None
            if printer.preflight and not checks[-1]['ok']:
                raise _PreflightFailed()
            if push:
                step = 'settings'
                # The connection status matters only to the sign-in that follows.
                # Check mode reads the status too: the plan says whether the real run would start a sign-in.
                settings, status = push_settings(settings_task, session, desired, read_status=start)
                result.update(settings, oauth_changed=settings['changed'])
                # Settings not written yet (check mode): the printer's connection is not theirs.
                if status is not None and settings['settings'].get('enabled') and not (check_mode and settings['changed']) \
                        and status['connection_status'] == 'not_connected':
                    result = not_connected(printer.push, result)
                    raise _StepFailed(result['msg'], 'not_connected')
            if smtp_desired is not None and smtp:
                step = 'smtp'
                smtp_task = Task(printer.smtp_params, printer.push.profile, check_mode=check_mode, diff=diff)
                result['smtp'] = push_smtp_settings(smtp_task, session, smtp_desired)
                result['changed'] = result['changed'] or result['smtp']['changed']
                warnings.extend(smtp_task.warnings)
            if start and check_mode:
                if status is None:
                    status = OAuthDevice(session, printer.provider).read_status()
                result['planned_sign_in'] = planned_sign_in(printer, status, push and bool(result.get('drops_token')))
            if start and not check_mode:
                step = 'authorize'
                device = OAuthDevice(session, printer.provider)
                if status is None:
                    status = device.wait_for_connection(CONNECTION_SETTLE_SECONDS)
                if not printer.preflight:
                    # reauthorize.yml has no pre-flight: a printer whose clock is off would take a sign-in
                    # and lose the token again; the status page just read says.
                    clock_check = status_clock_entry(status, printer.clock_tolerance, clock(), 'reauthorize.yml')
                    if clock_check is not None and not clock_check['ok']:
                        raise _StepFailed('%s: %s; no sign-in was started' % (
                            printer_label(printer.name, printer.push.params), clock_check['message']), 'clock_skew')
                force = printer.force or (status['token_status'] == 'active' and lapses_within(
                    status.get('token_lapses_in_days'), printer.horizon_days))
                started = start_in_session(device, status, force, False)
                authorization = started['authorization']
                pending = authorization is not None
                result.update(token_status=started['token_status'], authorization=authorization,
                              changed=result['changed'] or started['changed'])
                if pending and printer.provider == 'google' and printer.google_code:
                    code_submitted = _submit_google_code(printer, device, authorization, run_started_at, clock,
                                                         warnings)
        finally:
            session.__exit__(None, None, None)
    except _PreflightFailed:
        result = _failure(result, 'preflight', 'check_failed',
                          preflight_failure(printer_label(printer.name, printer.push.params), checks))
    except _StepFailed as exc:
        result = _failure(result, step, exc.reason, exc.msg)
    except AuthorizationFailed as exc:
        result = _failure(result, step, exc.reason, str(exc))
    except (RemoteUIError, ProfileError) as exc:
        text = str(exc) if step != 'preflight' else '%s; %s' % (exc, NOTHING_WRITTEN)
        text += fitting_profile_hint(getattr(exc, 'found_fields', ()), printer.push.params.get('profile'))
        result = _failure(result, step, error_reason(exc), text)
    except TaskFailed as exc:
        result = _failure(result, step, exc.result.get('reason', ''), exc.msg)
    except Exception as exc:  # noqa: BLE001 - one printer's surprise must not stop the fleet
        result = _failure(result, step, '', '%s: the rollout step %s failed (%s: %s)' % (
            printer.push.params['host'], step, type(exc).__name__, exc))
    if session is not None:
        warnings = session.warnings + warnings
    warnings = settings_task.warnings + warnings
    if checks:
        result['checks'] = checks
    if check_mode and not result['failed']:
        result['planned_writes'] = planned_writes(result)
        result['changed'] = bool(result['planned_writes'])
        if diff:
            result['diffs'] = planned_diffs(result)
    result['pending'] = pending and not result['failed']
    result['code_submitted'] = code_submitted and not result['failed']
    if warnings:
        result['warnings'] = warnings
    return _published(printer, result)


def planned_sign_in(printer, status, settings_change_token):
    """Check mode: the sign-in the real run would start, or None (an active token it leaves alone)."""
    force = printer.force or (status['token_status'] == 'active' and lapses_within(
        status.get('token_lapses_in_days'), printer.horizon_days))
    if status['token_status'] == 'active' and not force and not settings_change_token:
        return None
    return {'token_status': status['token_status'], 'provider': printer.provider,
            'google_code': bool(printer.provider == 'google' and printer.google_code)}


def planned_writes(result):
    """Check mode: what the real run would write on the printer, in order (names of the steps)."""
    writes = ['oauth_settings'] if result.get('oauth_changed') else []
    if (result.get('smtp') or {}).get('changed'):
        writes.append('smtp_settings')
    sign_in = result.get('planned_sign_in')
    if sign_in:
        writes.append('sign_in')
        if sign_in['google_code']:
            writes.append('google_code')
    return writes


def planned_diffs(result):
    """Check mode with --diff: one diff per write of the real run (OAuth, SMTP, the sign-in, the Google code);
    secrets show as a mask."""
    diffs = []
    if result.get('oauth_changed') and result.get('diff'):
        diffs.append(dict(result['diff'], after_header=result['diff'].get('after_header') or 'OAuth 2.0 settings'))
    smtp = result.get('smtp') or {}
    if smtp.get('changed') and smtp.get('diff'):
        diffs.append(dict(smtp['diff'], after_header='SMTP settings (E-mail/I-Fax)'))
    sign_in = result.get('planned_sign_in')
    if sign_in:
        how = 'the device asks Entra ID for a user code to sign in with' if sign_in['provider'] == 'microsoft' else \
            'the consent URL is shown and its code asked for'
        diffs.append({'before': 'token: %s\n' % sign_in['token_status'],
                      'after': 'token: sign-in started (%s)\n' % how, 'after_header': 'sign-in'})
        if sign_in['google_code']:
            diffs.append({'before': 'authorization code: none\n',
                          'after': 'authorization code: ******** (from cloudmail_google_authorization_codes)\n',
                          'after_header': 'Google authorization code entered'})
    return diffs


class _StepFailed(Exception):
    def __init__(self, msg, reason=''):
        super(_StepFailed, self).__init__(msg)
        self.msg = msg
        self.reason = reason


def printer_label(name, params):
    """How messages name a printer: inventory host, then the address and port it is reached at."""
    return '%s (%s:%d)' % (name, params['host'], params['port'])


def _failure(result, step, reason, msg):
    # The step is its own field of the outcome; the report reads it, no module name stands for it.
    return dict(result, failed=True, step=step, reason=reason or '', msg=msg)


def _submit_google_code(printer, device, authorization, run_started_at, clock, warnings):
    """Submit the code given for this printer right after its push; True once the printer took it."""
    row = {'host': printer.name, 'open': authorization.get('authorization_url')}
    codes, problems = codes_from_variable({printer.name: printer.google_code}, [row])
    if printer.name in problems:
        raise _StepFailed('%s: %s; nothing was sent to the printer. Open its authorization URL, allow access and '
                          'give the new code, then run reauthorize.yml' % (
                              printer.push.params['host'], problems[printer.name]), 'missing_code')
    if run_started_at is not None and clock() - run_started_at > GOOGLE_CODE_LIFETIME:
        warnings.append('%s: its Google code was given when the run started, %d s ago; Google codes live %d s after '
                        'consent, so the printer will most likely refuse it (docs/user-guide.md, "Google at scale")'
                        % (printer.push.params['host'], clock() - run_started_at, GOOGLE_CODE_LIFETIME))
    device.submit_google_code(codes[printer.name])
    return True


def _published(printer, result):
    """The result as the task returns it: named by host, no secret in it, with its outcome facts."""
    result = published(result, printer.name, printer.push.params['host'], sorted(printer.no_log_values),
                       printer.no_log_values)
    result['facts'] = outcome_facts(result)
    return result


def outcome_facts(result):
    """The facts a printer's result leaves for the later steps and the report."""
    facts = {'printer_pending': bool(result.get('pending'))}
    if result.get('checks'):
        facts['printer_preflight'] = result['checks']
    if result.get('authorization'):
        facts['printer_authorization'] = {'authorization': result['authorization'],
                                          'code_submitted': bool(result.get('code_submitted'))}
    if result.get('failed'):
        facts.update(failure_facts(result.get('msg') or 'failed', result.get('action') or '', result.get('reason') or '',
                                   step=result.get('step')))
    return facts


def failure_facts(message, action, reason, step=None):
    """The error facts of a printer: ``step`` for a step of a fleet task, ``action`` for a per-host module that failed."""
    facts = {'printer_error': message, 'printer_error_action': action, 'printer_error_reason': reason,
             'printer_pending': False}
    if step:
        facts['printer_error_step'] = step
    return facts


def merged_outcomes(current, updates):
    """``fleet_outcomes`` after this step: each updated host's facts replace its earlier error facts."""
    outcomes = dict(current or {})
    for host, facts in updates.items():
        earlier = dict(outcomes.get(host) or {})
        # A new error replaces all of the earlier one (its step too); no error clears it.
        for name in ERROR_FACTS:
            earlier.pop(name, None)
        earlier.update(facts)
        outcomes[host] = earlier
    return outcomes


def recorded_outcomes(hostvars):
    """``fleet_outcomes`` as the run has recorded it so far (kept on localhost, see the module docstring)."""
    if hostvars is None or OUTCOMES_HOST not in hostvars:
        return {}
    raw = hostvars.raw_get(OUTCOMES_HOST) if hasattr(hostvars, 'raw_get') else hostvars[OUTCOMES_HOST]
    return plain(raw.get(OUTCOMES_FACT) or {})


def host_facts(variables, host, names, outcomes):
    """The host's facts among ``names``: its own (set by a per-host task) over its fleet-wide outcome.

    ``variables`` are the host's variables as the caller already has them (gathering them is the
    costly part), or None.
    """
    facts = dict((name, value) for name, value in (outcomes.get(host) or {}).items() if name in names)
    for name in names if variables is not None else ():
        value = variables.get(name)
        if value is not None:
            facts[name] = value
    return facts
