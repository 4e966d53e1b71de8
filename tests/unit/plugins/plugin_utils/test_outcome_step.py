# -*- coding: utf-8 -*-
"""The step of a failure travels as its own field, from the fleet step to the report's state."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import fleet_rollout, report_states


def test_a_fleet_step_failure_records_its_step_and_no_module_name():
    result = fleet_rollout._failure({'changed': False}, 'smtp', 'write_rejected', 'mfp: the device refused the form')
    assert result['step'] == 'smtp' and 'action' not in result
    facts = fleet_rollout.outcome_facts(result)
    assert facts['printer_error_step'] == 'smtp' and facts['printer_error_action'] == ''
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
    assert report_states.failure_state('', reason, step=step) == state


def test_a_per_host_module_failure_still_decodes_its_module_name():
    assert report_states.failure_state('printfleet.cloudmail.oauth_settings', 'write_rejected') == \
        'settings_failed'
    # An empty step (as record_error.yml sets it) falls back to the module name.
    assert report_states.failure_state('printfleet.cloudmail.oauth_info', 'unreachable', step='') == \
        'unreachable_read'


def test_a_new_error_replaces_the_earlier_step():
    outcomes = {'a': fleet_rollout.failure_facts('a: refused', '', 'write_rejected', step='settings')}
    merged = fleet_rollout.merged_outcomes(outcomes, {'a': fleet_rollout.failure_facts('a: no code', '', 'missing_code')})
    assert 'printer_error_step' not in merged['a'] and merged['a']['printer_error'] == 'a: no code'
    cleared = fleet_rollout.merged_outcomes(outcomes, {'a': {'printer_pending': False}})
    assert cleared == {'a': {'printer_pending': False}}
