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

Each of these is a step (``rollout_steps``), run by the one runner of ``printer_steps``, which
turns the exception that stops a step into the printer's outcome.

What each printer ends with is kept as *outcome facts* (``fleet_outcomes.outcome_facts``).
"""

from __future__ import annotations

import threading
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_tasks import (
    SMTP_SETTINGS_SPEC,
    checked_desired_mail_settings,
    push_smtp_settings,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import OAuthDevice
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import (
    CONNECTION_SETTLE_SECONDS,
    Task,
    checked_desired_settings,
    push_settings,
    start_in_session,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import options_of
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import asks_code_back, provider_for
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import NEXT_PLAYBOOK, in_inventory_terms
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.token_horizon import lapses_within
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_settings import not_connected_message, printer_to_push
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_engine import published
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_outcomes import outcome_facts
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.google_codes import codes_from_variable
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import clock_tolerance, cloud_checks, status_clock_entry
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.printer_steps import (
    ClockSkew,
    MissingCode,
    NotConnected,
    PrinterState,
    Step,
    preflight_steps,
    run_steps,
)

__metaclass__ = type


class CloudChecks:
    """The cloud half of the pre-flight, asked once per provider, tenant (or client), proxy and CA."""

    def __init__(self, ask=cloud_checks):
        self._ask = ask
        self._lock = threading.Lock()
        self._answers = {}

    @staticmethod
    def key(variables):
        provider = variables.get('cloudmail_provider')
        subject = provider_for(provider).cloud_key(variables)
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
    """A RolloutPrinter from a host's FleetPrinter and checked variables, or the message that says why not."""
    push, problem = printer_to_push(printer, variables)
    if problem:
        return None, problem
    smtp_params = None
    if variables.get('cloudmail_smtp_sender') not in (None, ''):
        # The smtp_settings options the option registry maps from the host's variables (the provider, the SMTP
        # settings, the tenant that names a Microsoft sender's domain), on top of the checked connection.
        given = dict(printer.params, **options_of(variables, set(SMTP_SETTINGS_SPEC['argument_spec']) - set(printer.params)))
        validation = ArgumentSpecValidator(**SMTP_SETTINGS_SPEC).validate(
            dict((name, value) for name, value in given.items() if value is not None))
        if validation.error_messages:
            return None, '%s: %s; %s' % (printer.name, in_inventory_terms('; '.join(validation.error_messages)),
                                         NEXT_PLAYBOOK)
        smtp_params = validation.validated_parameters
    return RolloutPrinter(push, variables, smtp_params, google_code, preflight), None


class RolloutState(PrinterState):
    """One printer's way through the rollout's steps: what it was asked to do, and its result so far."""

    def __init__(self, printer, clouds, check_mode, diff, push, start, smtp, run_started_at, clock, connection_required=None,
                 read_status=None):
        super(RolloutState, self).__init__(printer.name, printer.push.params, printer.provider, printer.variables,
                                           clouds, printer.clock_tolerance)
        self.printer = printer
        self.check_mode, self.diff, self.clock, self.run_started_at = check_mode, diff, clock, run_started_at
        self.push, self.start = push, start
        # The connection status is read for the sign-in that follows, or when the push alone must end connected.
        self.connection_required = start if connection_required is None else connection_required
        self.read_status = start or self.connection_required or bool(read_status)
        self.smtp = smtp and push and printer.smtp_params is not None
        self.result = dict(changed=False, failed=False, provider=printer.provider)
        self.warnings = []
        self.settings_task = Task(printer.push.params, printer.push.profile, check_mode=check_mode, diff=diff)
        self.desired = self.smtp_desired = self.status = self.authorization = None
        self.pending = self.code_submitted = False


def rollout_steps(state):
    """The steps of one printer's rollout, in order, as ``state`` asks for them."""
    # A failure of the login is charged to the first step the printer was to go through.
    first = 'preflight' if state.printer.preflight else ('settings' if state.push else 'authorize')
    steps = [Step(first, desired_values, in_session=False)]
    if state.printer.preflight:
        steps.extend(preflight_steps())
    if state.push:
        steps.append(Step('settings', push_oauth))
    if state.smtp:
        steps.append(Step('smtp', push_smtp))
    if state.start and state.check_mode:
        steps.append(Step('authorize', plan_sign_in))
    if state.start and not state.check_mode:
        steps.append(Step('authorize', start_sign_in))
        if asks_code_back(state.provider) and state.printer.google_code:
            steps.append(Step('authorize', submit_google_code))
    return steps


def desired_values(state, _session):
    """What is to be written, checked before anything is asked of the cloud or the printer."""
    if state.push:
        state.desired = checked_desired_settings(state.params)
        if state.smtp:
            state.smtp_desired = checked_desired_mail_settings(state.printer.smtp_params)


def push_oauth(state, session):
    """The OAuth settings written and read back; a printer whose settings are on must then reach its provider."""
    # The connection status matters only to the sign-in that follows.
    # Check mode reads the status too: the plan says whether the real run would start a sign-in.
    settings, state.status = push_settings(state.settings_task, session, state.desired,
                                           read_status=state.read_status)
    state.result.update(settings, oauth_changed=settings['changed'])
    # Settings not written yet (check mode): the printer's connection is not theirs.
    if state.connection_required and settings['settings'].get('enabled') and not (state.check_mode and settings['changed']) \
            and state.status['connection_status'] == 'not_connected':
        raise NotConnected(not_connected_message(state.printer.push))


def push_smtp(state, session):
    """The SMTP settings (E-mail/I-Fax) written and read back."""
    task = Task(state.printer.smtp_params, state.printer.push.profile, check_mode=state.check_mode, diff=state.diff)
    state.result['smtp'] = push_smtp_settings(task, session, state.smtp_desired)
    state.result['changed'] = state.result['changed'] or state.result['smtp']['changed']
    state.warnings.extend(task.warnings)


def plan_sign_in(state, session):
    """Check mode: the sign-in the real run would start (nothing is written)."""
    status = state.status or OAuthDevice(session, state.provider).read_status()
    state.result['planned_sign_in'] = planned_sign_in(state.printer, status,
                                                      state.push and bool(state.result.get('drops_token')))


def start_sign_in(state, session):
    """The sign-in started, unless the token is active and lapses beyond the horizon (or is forced)."""
    device = OAuthDevice(session, state.provider)
    status = state.status or device.wait_for_connection(CONNECTION_SETTLE_SECONDS)
    if not state.printer.preflight:
        # reauthorize.yml has no pre-flight: a printer whose clock is off would take a sign-in
        # and lose the token again; the status page just read says.
        clock_check = status_clock_entry(status, state.tolerance, state.clock(), 'reauthorize.yml')
        if clock_check is not None and not clock_check['ok']:
            raise ClockSkew('%s: %s; no sign-in was started' % (state.label, clock_check['message']))
    started = start_in_session(device, status, sign_in_forced(state.printer, status), False)
    state.authorization = started['authorization']
    state.pending = state.authorization is not None
    state.result.update(token_status=started['token_status'], authorization=state.authorization,
                        changed=state.result['changed'] or started['changed'])


def submit_google_code(state, session):
    """The code given for this Google printer submitted right after its push, while it is fresh."""
    if not state.pending:
        return
    printer = state.printer
    row = {'host': printer.name, 'open': state.authorization.get('authorization_url')}
    codes, problems = codes_from_variable({printer.name: printer.google_code}, [row])
    if printer.name in problems:
        raise MissingCode('%s: %s; nothing was sent to the printer. Open its authorization URL, allow access and '
                          'give the new code, then run reauthorize.yml' % (state.params['host'], problems[printer.name]))
    elapsed = state.clock() - state.run_started_at if state.run_started_at is not None else 0
    lifetime = provider_for(state.provider).code_lifetime
    if elapsed > lifetime:
        state.warnings.append('%s: its Google code was given when the run started, %d s ago; Google codes live %d s '
                              'after consent, so the printer will most likely refuse it (docs/user-guide.md, "Google at '
                              'scale")' % (state.params['host'], elapsed, lifetime))
    OAuthDevice(session, state.provider).submit_google_code(codes[printer.name])
    state.code_submitted = True


def roll_out_printer(printer, clouds, check_mode=False, diff=False, push=True, start=True, smtp=True,
                     run_started_at=None, clock=time.time, connection_required=None, read_status=None):
    """One printer's pre-flight, push, SMTP settings and sign-in start in one session (``rollout_steps``).

    ``connection_required`` (by default: when a sign-in is to start) fails a printer whose settings are on
    but whose connection status is ``not_connected`` after the push (reason ``not_connected``); ``read_status``
    reads it (``connection_status``, ``token_status``) even when nothing follows.

    Returns the printer's result, with its outcome facts under ``facts``; never raises, and holds no
    secret. Nothing is written unless the pre-flight passed; a failing printer fails only its entry.
    """
    state = RolloutState(printer, clouds, check_mode, diff, push, start, smtp, run_started_at, clock, connection_required,
                         read_status)
    outcome = run_steps(state, rollout_steps(state), state.settings_task.open_session)
    result = state.result
    if outcome is not None:
        result = failed_result(result, outcome)
    warnings = state.settings_task.warnings + (state.session.warnings if state.session is not None else []) + \
        state.warnings
    if state.checks:
        result['checks'] = state.checks
    if check_mode and not result['failed']:
        result['planned_writes'] = planned_writes(result)
        result['changed'] = bool(result['planned_writes'])
        if diff:
            result['diffs'] = planned_diffs(result)
    result['pending'] = state.pending and not result['failed']
    result['code_submitted'] = state.code_submitted and not result['failed']
    if warnings:
        result['warnings'] = warnings
    return _published(printer, result)


def push_printer(printer, check_mode=False, diff=False, connection_required=False):
    """One printer's ``oauth_settings`` result (a ``PrinterPush``), or its failure; no secret in it.

    The rollout with the push alone (the deprecated ``fleet_settings`` task): with ``connection_required``,
    a printer whose settings are on but whose connection status is ``not_connected`` fails too.
    """
    result = roll_out_printer(RolloutPrinter(printer, {}, preflight=False), None, check_mode=check_mode, diff=diff,
                              push=True, start=False, smtp=False, connection_required=connection_required, read_status=True)
    for rollout_only in ('facts', 'pending', 'code_submitted', 'oauth_changed'):
        result.pop(rollout_only, None)
    return result


def failed_result(result, outcome):
    """A printer's result once a step stopped it (``printer_steps.Outcome``)."""
    # The step is its own field of the outcome; the report reads it, no module name stands for it.
    return dict(result, failed=True, step=outcome.step, reason=outcome.reason, msg=outcome.message)


def sign_in_forced(printer, status):
    """Whether a sign-in starts even over an active token: asked for, or the token lapses within the horizon."""
    return printer.force or (status['token_status'] == 'active' and lapses_within(
        status.get('token_lapses_in_days'), printer.horizon_days))


def planned_sign_in(printer, status, settings_change_token):
    """Check mode: the sign-in the real run would start, or None (an active token it leaves alone)."""
    if status['token_status'] == 'active' and not sign_in_forced(printer, status) and not settings_change_token:
        return None
    return {'token_status': status['token_status'], 'provider': printer.provider,
            'google_code': bool(asks_code_back(printer.provider) and printer.google_code)}


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
        how = provider_for(sign_in['provider']).sign_in_diff
        diffs.append({'before': 'token: %s\n' % sign_in['token_status'],
                      'after': 'token: sign-in started (%s)\n' % how, 'after_header': 'sign-in'})
        if sign_in['google_code']:
            diffs.append({'before': 'authorization code: none\n',
                          'after': 'authorization code: ******** (from cloudmail_google_authorization_codes)\n',
                          'after_header': 'Google authorization code entered'})
    return diffs


def _published(printer, result):
    """The result as the task returns it: named by host, no secret in it, with its outcome facts."""
    result = published(result, printer.name, printer.push.params['host'], sorted(printer.no_log_values),
                       printer.no_log_values)
    result['facts'] = outcome_facts(result)
    return result
