# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check and read every printer of the play in one controller-side task (run_once)."""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_action import FleetAction

__metaclass__ = type


class ActionModule(FleetAction):
    _VALID_ARGS = frozenset(('hosts', 'workers'))
    NAME = 'fleet_status'

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        hosts, workers = self.fleet_options(task_vars)[1:]
        results = self.run_fleet(hosts, task_vars, workers)
        failed = self.summary(result, results)
        result.update(changed=False, printers=results, failed_hosts=failed,
                      msg='read %d printer(s), %d failed%s' % (
                          len(results), len(failed), (': ' + ', '.join(failed)) if failed else ''))
        return result
