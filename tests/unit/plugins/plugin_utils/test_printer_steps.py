# -*- coding: utf-8 -*-
"""A printer's failure travels typed: the reason of the outcome is the exception's class, whatever its words."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    DeviceUnreachableError,
    ProfileMismatchError,
    TransportLimitError,
    WriteRejectedError,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import TaskFailed
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import fleet_outcomes, fleet_rollout, printer_steps, report_states
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_printers import FleetPrinter


class Session:
    def __init__(self, login_error=None):
        self.login_error, self.exits, self.warnings = login_error, 0, []

    def __enter__(self):
        if self.login_error:
            raise self.login_error
        return self

    def __exit__(self, *exc_info):
        self.exits += 1


def _state():
    return printer_steps.PrinterState('mfp', {'host': '10.0.0.5', 'port': 443, 'profile': 'imagerunner_advance'},
                                      'microsoft', {})


def _fail_with(exc):
    def step(_state, _session):
        raise exc
    return step


def _state_of(outcome):
    return report_states.failure_state(outcome.reason, outcome.step)


def test_an_exhausted_task_budget_is_unreachable_in_any_step():
    budget = TransportLimitError('10.0.0.5', 'the task budget of 180 s (cloudmail_task_budget) is used up', 'task_budget')
    for step in ('settings', 'smtp', 'authorize'):
        session = Session()
        outcome = printer_steps.run_steps(_state(), [printer_steps.Step(step, _fail_with(budget))], lambda: session)
        assert outcome.step == step and outcome.reason == 'unreachable' and _state_of(outcome) == 'unreachable'
        assert session.exits == 1


def test_the_reason_comes_from_the_class_not_from_words_that_look_like_another_kind():
    # The device's own text says "connection refused"; the class says the device refused the write.
    refused = WriteRejectedError('10.0.0.5', 'the device answered: connection refused by the mail server')
    outcome = printer_steps.run_steps(_state(), [printer_steps.Step('settings', _fail_with(refused))], Session)
    assert outcome.reason == 'write_rejected' and _state_of(outcome) == 'settings_failed'


def test_a_login_failure_is_charged_to_the_first_step_in_the_session():
    session = Session(login_error=DeviceUnreachableError('10.0.0.5', 'no answer'))
    ran = []
    steps = [printer_steps.Step('validate', lambda _state, _session: ran.append('validate'), in_session=False),
             printer_steps.Step('settings', lambda _state, _session: ran.append('settings')),
             printer_steps.Step('smtp', lambda _state, _session: ran.append('smtp'))]
    outcome = printer_steps.run_steps(_state(), steps, lambda: session)
    assert ran == ['validate'] and outcome == ('settings', 'unreachable', '10.0.0.5: no answer')


def test_an_unexpected_exception_fails_only_its_printer_and_names_the_step():
    outcome = printer_steps.run_steps(_state(), [printer_steps.Step('smtp', _fail_with(KeyError('port')))], Session)
    assert outcome.step == 'smtp' and outcome.reason == '' and "KeyError" in outcome.message


@pytest.mark.parametrize('error, state', [
    (ProfileMismatchError('10.0.0.5', "the login form at /login has no field 'pin'", ('user', 'pass')), 'profile_mismatch'),
    (TransportLimitError('10.0.0.5', 'the task budget is used up', 'task_budget'), 'unreachable_read'),
])
def test_a_status_read_failure_keeps_its_class_as_reason(monkeypatch, error, state):
    def run_info(_task):
        raise TaskFailed.from_error(error)
    monkeypatch.setattr(printer_steps, 'run_info', run_info)
    printer = FleetPrinter('mfp', {'host': '10.0.0.5', 'port': 443, 'password': 'secret-pass', 'profile': None},
                           {}, 'microsoft')
    result = printer_steps.read_printer(printer)
    assert result['failed'] and result['step'] == 'read' and result['msg'].startswith('mfp (10.0.0.5): ')
    assert report_states.failure_state(result['reason'], result['step']) == state


def test_a_rollout_failure_result_carries_the_outcome_and_its_facts():
    outcome = printer_steps.Outcome('authorize', 'clock_skew', 'mfp (10.0.0.5:443): the clock is off')
    facts = fleet_outcomes.outcome_facts(fleet_rollout.failed_result({'changed': False}, outcome))
    assert facts['printer_error_step'] == 'authorize' and facts['printer_error_reason'] == 'clock_skew'
    assert report_states.failure_state(facts['printer_error_reason'], 'authorize') == \
        'clock_skew'
