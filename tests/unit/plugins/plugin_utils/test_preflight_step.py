# -*- coding: utf-8 -*-
"""The pre-flight's device step, which the rollout and the preflight module both run."""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import DeviceUnreachableError, ProfileMismatchError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import preflight, printer_steps


class FakeSession:
    """A session whose login fails with ``login_error`` and whose status page read fails with ``read_error``."""

    def __init__(self, login_error=None, read_error=None):
        self.login_error, self.read_error = login_error, read_error
        self.entered = self.exited = 0
        self.profile = {'labels': {}, 'providers': {}}
        self.profile_name = 'fake'

    def __enter__(self):
        self.entered += 1
        if self.login_error:
            raise self.login_error
        return self

    def __exit__(self, *exc_info):
        self.exited += 1


class Clouds:
    def __init__(self, ok=True):
        self.ok = ok

    def checks(self, _variables):
        return [preflight.entry('microsoft_tenant', self.ok, 'known' if self.ok else 'not a tenant')]


def _state():
    return printer_steps.PrinterState('mfp', {'host': '10.0.0.5', 'port': 443, 'profile': 'imagerunner_advance'},
                                      'microsoft', {}, Clouds(), 300)


def test_a_login_form_that_does_not_match_fails_the_check_without_a_session():
    session, state = FakeSession(login_error=ProfileMismatchError('10.0.0.5', 'the login form has no field pin')), _state()
    outcome = printer_steps.run_steps(state, printer_steps.preflight_steps(), lambda: session)
    assert session.exited == 0
    assert [check['name'] for check in state.checks] == ['microsoft_tenant', 'login_form'] and not state.checks[1]['ok']
    assert 'the login form has no field pin' in state.checks[1]['message']
    assert outcome.step == 'preflight' and outcome.reason == 'check_failed'
    assert outcome.message.startswith('mfp (10.0.0.5:443): pre-flight failed, nothing was written to the printer: ')


def test_a_passed_preflight_runs_the_next_step_in_the_same_session():
    session, state, seen = FakeSession(), _state(), []
    steps = printer_steps.preflight_steps() + [printer_steps.Step('settings', lambda _state, open_session: seen.append(
        open_session))]
    assert printer_steps.run_steps(state, steps, lambda: session) is None
    assert seen == [session] and session.entered == 1 and session.exited == 1
    assert [check['name'] for check in state.checks] == ['microsoft_tenant', 'login_form', 'device_clock']
    assert all(check['ok'] for check in state.checks)


def test_a_failed_cloud_check_logs_in_to_no_printer():
    session, state = FakeSession(), _state()
    state.clouds = Clouds(ok=False)
    outcome = printer_steps.run_steps(state, printer_steps.preflight_steps(), lambda: session)
    assert session.entered == 0 and outcome.reason == 'check_failed' and 'not a tenant' in outcome.message


def test_a_failure_after_the_login_closes_the_session_and_names_its_class(monkeypatch):
    def unreachable(*_args):
        raise DeviceUnreachableError('10.0.0.5', 'no answer')
    monkeypatch.setattr(preflight, 'check_device_clock', unreachable)
    session, state = FakeSession(), _state()
    outcome = printer_steps.run_steps(state, printer_steps.preflight_steps(), lambda: session)
    assert session.exited == 1
    assert outcome == ('preflight', 'unreachable', '10.0.0.5: no answer; nothing was written to the printer')


def test_one_message_and_one_tolerance_for_every_caller():
    checks = [preflight.entry('login_form', True, 'fine'), preflight.entry('device_clock', False, 'clock is off')]
    assert preflight.preflight_failure('mfp (10.0.0.5:443)', checks) == \
        'mfp (10.0.0.5:443): pre-flight failed, nothing was written to the printer: clock is off'
    assert preflight.clock_tolerance({}) == preflight.CLOCK_TOLERANCE == 300
    assert preflight.clock_tolerance({'cloudmail_clock_tolerance': '60'}) == 60.0
