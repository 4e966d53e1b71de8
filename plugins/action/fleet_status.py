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
    printer_from_hostvars,
    read_fleet,
)
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
            printer, problems = printer_from_hostvars(
                self._templar, host, task_vars.get('hostvars'), validator, profiles)[1:]
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
