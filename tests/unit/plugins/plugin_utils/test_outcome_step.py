# -*- coding: utf-8 -*-
"""The step of a failure travels as its own field, from the fleet step to the report's state."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import WriteRejectedError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import fleet_outcomes, fleet_rollout, printer_steps, report_states


class Session:
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.closed = True


def test_a_fleet_step_failure_records_its_step_and_no_module_name():
    def refused(_state, _session):
        raise WriteRejectedError('mfp', 'the device refused the form')
    state = printer_steps.PrinterState('mfp', {'host': 'mfp', 'port': 443}, 'microsoft', {})
    session = Session()
    steps = [printer_steps.Step('settings', lambda _state, _session: None), printer_steps.Step('smtp', refused)]
    outcome = printer_steps.run_steps(state, steps, lambda: session)
    assert outcome == ('smtp', 'write_rejected', 'mfp: the device refused the form') and session.closed
    result = fleet_rollout.failed_result({'changed': False}, outcome)
    assert result['step'] == 'smtp' and 'action' not in result
    facts = fleet_outcomes.outcome_facts(result)
    assert facts['printer_error_step'] == 'smtp' and 'printer_error_action' not in facts
    assert facts['printer_error_reason'] == 'write_rejected'


@pytest.mark.parametrize('step, reason, state', [
    ('settings', 'write_rejected', 'settings_failed'),
    ('preflight', 'session_interrupted', 'preflight_failed'),
    ('read', 'unreachable', 'unreachable_read'),
    ('read', 'session_interrupted', 'read_failed'),
    ('validate', '', 'invalid_inventory'),
    ('smtp', 'write_rejected', 'step_failed'),
])
def test_the_report_takes_the_step_from_its_own_field(step, reason, state):
    # No module name and a message that names nothing: only the step and the reason decide.
    assert report_states.failure_state(reason, step) == state


def test_a_per_host_module_failure_is_judged_by_the_step_it_carries_not_its_module_name():
    # The module name alone says nothing any more: a failure without a step is a step of the operator's own.
    assert report_states.failure_state('write_rejected', 'settings') == 'settings_failed'
    assert report_states.failure_state('write_rejected', '') == 'step_failed'
    assert report_states.failure_state('unreachable', 'read') == 'unreachable_read'


def test_a_new_error_replaces_the_earlier_step():
    outcomes = {'a': fleet_outcomes.failure_facts('a: refused', 'write_rejected', step='settings')}
    merged = fleet_outcomes.merged_outcomes(outcomes, {'a': fleet_outcomes.failure_facts('a: no code', 'missing_code')})
    assert 'printer_error_step' not in merged['a'] and merged['a']['printer_error'] == 'a: no code'
    cleared = fleet_outcomes.merged_outcomes(outcomes, {'a': {'printer_pending': False}})
    assert cleared == {'a': {'printer_pending': False}}
