# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a printer's cloud settings on the controller before anything is written to it.

The same pre-flight steps as the rollout's (``printer_steps.preflight_steps``), for a fleet of one.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import default
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import naming_host, session_from_params
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import ProfileError, resolve_profile
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_printers import connection_params
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import rendered_namespace_variables
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import NOTHING_WRITTEN, clock_tolerance, cloud_checks, entry
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.printer_steps import (
    PreflightFailed,
    PrinterState,
    Step,
    StepFailed,
    preflight_steps,
    run_steps,
)

__metaclass__ = type


class OneCloud:
    """The cloud half of the pre-flight for one printer (the rollout shares its answers among printers)."""

    @staticmethod
    def checks(variables):
        return cloud_checks(variables)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('fact',))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        # A worker whose controller is gone sends nothing more (module_utils/interrupts.py).
        interrupts.watch_parent()
        args = self.validate_argument_spec(argument_spec={
            'fact': {'type': 'str', 'default': 'printer_preflight'},
        })[1]
        host = task_vars.get('inventory_hostname', '?')
        templar = self._templar.copy_with_new_env(available_variables=task_vars)
        variables = rendered_namespace_variables(templar, task_vars)[0]
        # The password may be vaulted: rendered here, for this session only, never returned.
        connection = dict(variables, cloudmail_password=templar.template(task_vars.get('cloudmail_password')))
        params, problem = connection_params(host, connection)
        address = params or {'host': variables.get('cloudmail_host'), 'port': variables.get('cloudmail_port', default('port'))}
        state = PrinterState(host, address, variables['cloudmail_provider'], variables, OneCloud(), clock_tolerance(variables))
        steps = preflight_steps()
        if problem:
            # Connection variables a login cannot be made with: the cloud is asked, then the printer fails.
            steps[1] = Step('validate', _refuse(problem), in_session=False)
        else:
            try:
                profile = resolve_profile(params['profile'], params['profile_file'])
            except ProfileError as exc:
                profile, steps[1] = None, Step('preflight', _no_profile(exc), in_session=False)
        outcome = run_steps(state, steps, lambda: session_from_params(params, profile))
        result.update(changed=False, checks=state.checks, ansible_facts={args['fact']: state.checks})
        if outcome is None:
            result['msg'] = 'pre-flight passed: ' + '; '.join(check['message'] for check in state.checks)
            return result
        # A failed check, or the printer could not be reached or logged in to, as in any step: the step and the
        # reason (from the exception's class) give the report the state and the next action.
        result.update(failed=True, step=outcome.step, reason=outcome.reason,
                      msg=naming_host({'msg': outcome.message}, host, variables.get('cloudmail_host'))['msg'])
        return result


def _refuse(problem):
    def refuse(_state, _session):
        raise StepFailed('%s; %s' % (problem, NOTHING_WRITTEN), 'invalid_inventory')
    return refuse


def _no_profile(exc):
    def no_profile(state, _session):
        state.checks.append(entry('login_form', False, str(exc)))
        raise PreflightFailed()
    return no_profile
