# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Push the OAuth settings of every printer of the batch in one controller-side task (run_once).

Deprecated (meta/runtime.yml): the rollout's push step over the same fleet engine, nothing of its own.
"""

from __future__ import annotations

import functools

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_action import FleetAction
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_rollout import push_printer
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_settings import SECRET_VARIABLES, printer_to_push

__metaclass__ = type


class ActionModule(FleetAction):
    _VALID_ARGS = frozenset(('hosts', 'workers', 'connection_required'))
    NAME = 'fleet_settings'
    DEFAULT_HOSTS = 'ansible_play_batch'
    NOTHING_DONE = 'nothing was written'
    EXTRA_OPTIONS = {'connection_required': {'type': 'bool', 'default': False}}
    SECRET_VARIABLES = SECRET_VARIABLES

    def prepare(self, printer, variables, raw):
        return printer_to_push(printer, variables)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        options, hosts, workers = self.fleet_options(task_vars)
        check_mode, diff = bool(self._task.check_mode), bool(self._task.diff)
        results = self.run_fleet(hosts, task_vars, workers, functools.partial(
            push_printer, check_mode=check_mode, diff=diff,
            connection_required=options['connection_required'] and not check_mode))

        failed = self.summary(result, results)
        changed = sorted(host for host, outcome in results.items() if outcome.get('changed'))
        if diff:
            result['diff'] = self.printer_diffs(results)
        result.update(changed=bool(changed), printers=results, failed_hosts=failed, changed_hosts=changed,
                      msg='pushed the settings of %d printer(s), %d changed, %d failed%s' % (
                          len(results), len(changed), len(failed),
                          (': ' + ', '.join(failed)) if failed else ''))
        return result
