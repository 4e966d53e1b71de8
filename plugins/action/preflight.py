# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a printer's cloud settings on the controller before anything is written to it."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import ProfileMismatchError, RemoteUIError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import ProfileError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import (
    CONNECTION_VARIABLES,
    rendered_namespace_variables,
    session_from_variables,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.preflight import (
    check_device_clock,
    cloud_checks,
    entry,
)

__metaclass__ = type


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('fact',))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'fact': {'type': 'str', 'default': 'printer_preflight'},
        })[1]
        host = task_vars.get('inventory_hostname', '?')
        templar = self._templar.copy_with_new_env(available_variables=task_vars)
        variables = rendered_namespace_variables(templar, task_vars)[0]
        checks = cloud_checks(variables)
        if all(check['ok'] for check in checks):
            # Only now a login: a printer whose cloud settings are wrong is not even logged in to.
            checks.extend(self._device_checks(templar, task_vars, variables))
        failed = [check for check in checks if not check['ok']]
        result.update(changed=False, checks=checks, ansible_facts={args['fact']: checks})
        if failed:
            result['failed'] = True
            result['msg'] = '%s (%s:%s): pre-flight failed, nothing was written to the printer: %s' % (
                host, variables.get('cloudmail_host'), variables.get('cloudmail_port', 443),
                '; '.join(check['message'] for check in failed))
        else:
            result['msg'] = 'pre-flight passed: ' + '; '.join(check['message'] for check in checks)
        return result

    @staticmethod
    def _device_checks(templar, task_vars, variables):
        """The login form (checked by the session before the password is posted), then the clock."""
        # The password may be vaulted: rendered here, for this session only, never returned.
        connection = dict((name, templar.template(task_vars[name])) for name, default in CONNECTION_VARIABLES.values()
                          if name in task_vars)
        tolerance = float(variables.get('cloudmail_clock_tolerance', 300))
        try:
            with session_from_variables(connection) as session:
                login = entry('login_form', True, 'the login page has the fields of the profile')
                return [login, check_device_clock(session, variables['cloudmail_provider'], tolerance)]
        except ProfileMismatchError as exc:
            return [entry('login_form', False, str(exc))]
        except ProfileError as exc:
            return [entry('login_form', False, str(exc))]
        except RemoteUIError as exc:
            return [entry('device_clock', False, 'the printer could not be read to check its clock: %s' % exc)]
