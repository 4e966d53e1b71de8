# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a printer's cloud settings on the controller before anything is written to it."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import RemoteUIError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import default
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import naming_host, session_from_params
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import ProfileError, resolve_profile
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_status import connection_params
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import rendered_namespace_variables
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import (
    NOTHING_WRITTEN,
    clock_tolerance,
    cloud_checks,
    device_preflight,
    entry,
    preflight_failure,
)

__metaclass__ = type


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
        checks = cloud_checks(variables)
        device_error = None
        if all(check['ok'] for check in checks):
            # Only now a login: a printer whose cloud settings are wrong is not even logged in to.
            try:
                checks.extend(self._device_checks(templar, task_vars, variables))
            except RemoteUIError as exc:
                device_error = exc
        failed = [check for check in checks if not check['ok']]
        result.update(changed=False, checks=checks, ansible_facts={args['fact']: checks})
        if device_error is not None:
            # Not a failed check: the printer could not be reached or logged in to, as in any step, so the
            # report gives the state of that cause (unreachable, wrong password, certificate) and its next action.
            result['failed'] = True
            result['msg'] = naming_host({'msg': '%s; %s' % (device_error, NOTHING_WRITTEN)},
                                        host, variables.get('cloudmail_host'))['msg']
        elif failed:
            result.update(failed=True, reason='check_failed')
            result['msg'] = preflight_failure('%s (%s:%s)' % (
                host, variables.get('cloudmail_host'), variables.get('cloudmail_port', default('port'))), checks)
        else:
            result['msg'] = 'pre-flight passed: ' + '; '.join(check['message'] for check in checks)
        return result

    @staticmethod
    def _device_checks(templar, task_vars, variables):
        """The rollout's device step of the pre-flight (``device_preflight``), for this one printer.

        Any other failure of the printer (no answer, login refused, certificate) is raised.
        """
        # The password may be vaulted: rendered here, for this session only, never returned.
        connection = dict(variables, cloudmail_password=templar.template(task_vars.get('cloudmail_password')))
        params, problem = connection_params(task_vars.get('inventory_hostname', '?'), connection)
        if problem:
            raise RemoteUIError(variables.get('cloudmail_host'), problem)
        try:
            profile = resolve_profile(params['profile'], params['profile_file'])
        except ProfileError as exc:
            return [entry('login_form', False, str(exc))]
        session = session_from_params(params, profile)
        checks, logged_in = device_preflight(session, variables['cloudmail_provider'], clock_tolerance(variables),
                                             params.get('profile'))
        if logged_in:
            session.__exit__(None, None, None)
        return checks
