# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Push the OAuth settings of every printer of the batch in one controller-side task (run_once)."""

from __future__ import annotations

import functools

from ansible import context
from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_settings import (
    SECRET_VARIABLES,
    printer_to_push,
    push_printer,
)
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
    _VALID_ARGS = frozenset(('hosts', 'workers', 'connection_required'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'hosts': {'type': 'list', 'elements': 'str'},
            'workers': {'type': 'int'},
            'connection_required': {'type': 'bool', 'default': False},
        })[1]
        hosts = args['hosts'] if args['hosts'] is not None else task_vars.get('ansible_play_batch', [])
        workers = args['workers'] or context.CLIARGS.get('forks') or 5
        if workers < 1:
            raise AnsibleError('fleet_settings: workers must be at least 1, not %d' % workers)

        validator, profiles = InventoryValidator(PRINTER_SCHEMA), ProfileCache()
        printers, results = [], {}
        for host in sorted(set(hosts)):
            variables, printer, problems = printer_from_hostvars(
                self._templar, host, task_vars.get('hostvars'), validator, profiles, SECRET_VARIABLES)
            if not problems:
                printer, problem = printer_to_push(printer, variables)
                problems = [problem] if problem else []
            if problems:
                results[host] = {'changed': False, 'failed': True, 'problems': problems,
                                 'msg': '%d problem(s) in the variables of %s, nothing was written:\n%s' % (
                                     len(problems), host, '\n'.join(problems))}
            else:
                printers.append(printer)
        check_mode, diff = bool(self._task.check_mode), bool(self._task.diff)
        results.update(read_fleet(printers, workers, functools.partial(
            push_printer, check_mode=check_mode, diff=diff,
            connection_required=args['connection_required'] and not check_mode)))

        failed = sorted(host for host, outcome in results.items() if outcome['failed'])
        changed = sorted(host for host, outcome in results.items() if outcome.get('changed'))
        warnings = [warning for host in sorted(results) for warning in results[host].get('warnings', ())]
        if warnings:
            result['warnings'] = warnings
        if diff:
            # One diff per printer, each headed by its host, as the per-host task would show them.
            result['diff'] = [dict(outcome['diff'], before_header=host,
                                   after_header=' '.join([host] + [outcome['diff'].get('after_header', '')]).strip())
                              for host, outcome in sorted(results.items()) if outcome.get('changed') and outcome.get('diff')]
        result.update(changed=bool(changed), printers=results, failed_hosts=failed, changed_hosts=changed,
                      msg='pushed the settings of %d printer(s), %d changed, %d failed%s' % (
                          len(results), len(changed), len(failed),
                          (': ' + ', '.join(failed)) if failed else ''))
        return result
