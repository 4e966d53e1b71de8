# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check and read every printer of the play in one controller-side task (run_once)."""

from __future__ import annotations

from ansible import context
from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_status import (
    ProfileCache,
    printer_to_read,
    read_fleet,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import checked_namespace_variables
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_validation import (
    PRINTER_SCHEMA,
    InventoryValidator,
)

__metaclass__ = type


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('hosts', 'workers'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'hosts': {'type': 'list', 'elements': 'str'},
            'workers': {'type': 'int'},
        })[1]
        hosts = args['hosts'] if args['hosts'] is not None else task_vars.get('ansible_play_hosts', [])
        workers = args['workers'] or context.CLIARGS.get('forks') or 5
        if workers < 1:
            raise AnsibleError('fleet_status: workers must be at least 1, not %d' % workers)

        validator, profiles = InventoryValidator(PRINTER_SCHEMA), ProfileCache()
        printers, results = [], {}
        for host in sorted(set(hosts)):
            printer, problems = self._printer(host, task_vars.get('hostvars'), validator, profiles)
            if problems:
                results[host] = {'changed': False, 'failed': True, 'problems': problems,
                                 'msg': '%d problem(s) in the variables of %s, nothing was read:\n%s' % (
                                     len(problems), host, '\n'.join(problems))}
            else:
                printers.append(printer)
        results.update(read_fleet(printers, workers))

        failed = sorted(host for host, outcome in results.items() if outcome['failed'])
        warnings = [warning for host in sorted(results) for warning in results[host].get('warnings', ())]
        if warnings:
            result['warnings'] = warnings
        result.update(changed=False, printers=results, failed_hosts=failed,
                      msg='read %d printer(s), %d failed%s' % (
                          len(results), len(failed), (': ' + ', '.join(failed)) if failed else ''))
        return result

    def _printer(self, host, hostvars, validator, profiles):
        """A PrinterRead for the host, or the problems of its variables (no secret in them)."""
        if hostvars is None or host not in hostvars:
            return None, ['%s: not in the inventory' % host]
        raw = hostvars.raw_get(host)
        templar = self._templar.copy_with_new_env(available_variables=raw)
        variables, problems = checked_namespace_variables(templar, host, raw, validator)
        if problems:
            return None, [str(problem) for problem in problems]
        # Validation never decrypts a vaulted value; the session needs the real password.
        variables['cloudmail_password'] = str(templar.template(raw['cloudmail_password']))
        printer, problem = printer_to_read(host, variables, profiles)
        return printer, [problem] if problem else []
