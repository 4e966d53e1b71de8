# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The steps a printer goes through in one administrator session, and the one runner that runs them.

A step is a small function ``run(state, session)`` with a name (the ``step`` of the outcome facts and of
the report): the pre-flight (its cloud half before the login, its device half after it), the push of the
OAuth settings, the push of the SMTP settings, the start of the sign-in and the Google code. ``run_steps``
enters the session with ``with`` (always logged out), runs the steps in order and turns the exception
that stops a step into an ``Outcome(step, reason, message)``. The reason always comes from the
exception's class (``errors.error_reason``), never from the wording of its message: the report makes
the printer's state of it through one table.

A new step is a function here and a ``Step`` in the list a task builds (``rollout_steps``, or the
pre-flight's ``preflight_steps``); a failure of its own is a ``StepFailed`` subclass with its reason.
"""

from __future__ import annotations

import collections
import time

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    ProfileMismatchError,
    RemoteUIError,
    error_reason,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import AuthorizationFailed
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import Task, TaskFailed, run_info
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import printer_label
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import ProfileError, fitting_profile_hint
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_engine import published
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import (
    NOTHING_WRITTEN,
    device_checks,
    entry,
    preflight_failure,
)

__metaclass__ = type

Outcome = collections.namedtuple('Outcome', ('step', 'reason', 'message'))


class Step:
    """One step: its name, its function ``run(state, session)``, and whether it needs the logged-in session.

    ``login_failed(state, exc)``, when given, is what a failed login means to this step (it may raise a
    failure of its own); the login is always charged to the first step run in the session.
    """

    def __init__(self, name, run, in_session=True, login_failed=None):
        self.name = name
        self.run = run
        self.in_session = in_session
        self.login_failed = login_failed


class StepFailed(Exception):
    """A step stopped the printer for a reason of its own (not a device error): the class says the reason."""

    reason = 'step_failed'

    def __init__(self, msg, reason=None):
        super(StepFailed, self).__init__(msg)
        self.msg = msg
        if reason is not None:
            self.reason = reason


class PreflightFailed(StepFailed):
    """A check of the pre-flight failed: its entries say which; nothing was written."""

    reason = 'check_failed'

    def __init__(self):
        super(PreflightFailed, self).__init__('pre-flight failed')


class NotConnected(StepFailed):
    """The settings are on but the printer cannot reach its provider: a sign-in cannot work."""

    reason = 'not_connected'


class ClockSkew(StepFailed):
    """The printer's clock is off: a sign-in would be refused, so none is started."""

    reason = 'clock_skew'


class MissingCode(StepFailed):
    """A Google printer has no usable authorization code."""

    reason = 'missing_code'


def reason_of(exc):
    """The reason word of the exception that stopped a step, from its class (never from its message)."""
    if isinstance(exc, StepFailed):
        return exc.reason
    if isinstance(exc, TaskFailed):
        return exc.result.get('reason') or ''
    return error_reason(exc)


def run_steps(state, steps, open_session):
    """Run ``steps`` for one printer; None when all passed, else the ``Outcome`` of the step that stopped it.

    The steps that need no session run first; the others in one session, entered with ``with`` so that
    it is logged out whatever happens. Never raises for a printer's failure: one printer stops only itself.
    """
    current = steps[0].name if steps else ''
    try:
        for step in steps:
            if not step.in_session:
                current = step.name
                step.run(state, None)
        in_session = [step for step in steps if step.in_session]
        if in_session:
            _run_in_session(state, in_session, open_session)
    except Exception as exc:  # noqa: BLE001 - one printer's surprise must not stop the fleet
        return outcome_of(state, getattr(exc, 'step', None) or current, exc)
    return None


def _run_in_session(state, steps, open_session):
    """The steps in one session; an exception leaves with the name of the step it stopped (``exc.step``)."""
    current, logged_in = steps[0], False
    try:
        # Kept before the login: its warnings (a slow or refused login) are the printer's too.
        state.session = open_session()
        with state.session as session:
            logged_in = True
            for current in steps:
                current.run(state, session)
    except Exception as exc:
        if not logged_in and current.login_failed is not None:
            try:
                current.login_failed(state, exc)
            except Exception as failure:
                failure.step = current.name
                raise failure from exc
        exc.step = current.name
        raise


def outcome_of(state, step, exc):
    """The ``Outcome`` of the exception ``exc`` that stopped ``step``: the message the operator reads, and its reason."""
    reason = reason_of(exc)
    if isinstance(exc, PreflightFailed):
        return Outcome('preflight', reason, preflight_failure(state.label, state.checks))
    if isinstance(exc, StepFailed):
        return Outcome(step, reason, exc.msg)
    if isinstance(exc, TaskFailed):
        return Outcome(step, reason, exc.msg)
    if isinstance(exc, AuthorizationFailed):
        return Outcome(step, reason, str(exc))   # the sign-in's own words say what to do next
    if isinstance(exc, (RemoteUIError, ProfileError)):
        text = str(exc) if step != 'preflight' else '%s; %s' % (exc, NOTHING_WRITTEN)
        return Outcome(step, reason, text + fitting_profile_hint(getattr(exc, 'found_fields', ()), state.profile_name))
    return Outcome(step, reason, '%s: the %s step failed (%s: %s)' % (state.params['host'], step, type(exc).__name__, exc))


class PrinterState:
    """What the steps of one printer share: who it is, what the pre-flight found, and the result so far."""

    def __init__(self, name, params, provider, variables, clouds=None, tolerance=None):
        self.name = name
        self.params = params
        self.provider = provider
        self.variables = variables
        self.clouds = clouds
        self.tolerance = tolerance
        self.label = printer_label(name, params['host'], params['port'])
        self.profile_name = params.get('profile')
        self.checks = []
        self.session = None


# -- the pre-flight

def cloud_preflight(state, _session):
    """The cloud half: the tenant (or client ID) the printer is to be given is one the provider knows."""
    state.checks.extend(state.clouds.checks(state.variables))
    if not all(check['ok'] for check in state.checks):
        raise PreflightFailed()


def device_preflight(state, session):
    """The device half, once logged in (the session checked the login form first): the printer's clock."""
    state.checks.extend(device_checks(session, state.provider, state.tolerance))
    if not state.checks[-1]['ok']:
        raise PreflightFailed()


def login_form_failed(state, exc):
    """A login form that does not hold the profile's fields is a failed check of the pre-flight, not a device error."""
    if isinstance(exc, (ProfileMismatchError, ProfileError)):
        state.checks.append(entry('login_form', False, str(exc) + fitting_profile_hint(
            getattr(exc, 'found_fields', ()), state.profile_name)))
        raise PreflightFailed()


def preflight_steps():
    """The pre-flight, as the rollout starts with it and the ``preflight`` module runs it alone."""
    return [Step('preflight', cloud_preflight, in_session=False),
            Step('preflight', device_preflight, login_failed=login_form_failed)]


# -- the status read (status.yml, fleet_status)

def read_printer(printer):
    """One printer's ``oauth_info`` result for its provider (a ``FleetPrinter``), or its failure (step ``read``)."""
    task = Task(dict(printer.params, provider=printer.provider), printer.profile)
    try:
        result = dict(run_info(task), failed=False, read_at=time.time())   # for the report's clock check
    except TaskFailed as exc:
        result = dict(exc.result, changed=False, failed=True, step='read', reason=reason_of(exc),
                      msg=exc.msg + fitting_profile_hint(exc.result.get('login_fields'), printer.params.get('profile')))
    except Exception as exc:  # noqa: BLE001 - one printer's surprise must not stop the fleet
        result = dict(changed=False, failed=True, step='read', reason=reason_of(exc),
                      msg='%s: reading the status failed (%s: %s)' % (printer.name, type(exc).__name__, exc))
    if task.warnings:
        result['warnings'] = list(task.warnings)
    return published(result, printer.name, printer.params['host'], printer.secrets())
