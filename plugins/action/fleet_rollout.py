# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pre-flight, push and start the sign-in of every printer of the batch in one controller-side task (run_once)."""

from __future__ import annotations

import functools

from ansible.errors import AnsibleError

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_action import FleetAction
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_outcomes import OUTCOMES_FACT, failure_facts, merged_outcomes, recorded_outcomes
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_rollout import CloudChecks, printer_to_roll_out, roll_out_printer
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_settings import SECRET_VARIABLES
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import plain

__metaclass__ = type

CODES_VARIABLE = 'cloudmail_google_authorization_codes'
MAX_FAILURES_SHOWN = 50


class ActionModule(FleetAction):
    _VALID_ARGS = frozenset(('hosts', 'workers', 'preflight', 'settings', 'smtp', 'authorize', 'run_started_at'))
    NAME = 'fleet_rollout'
    DEFAULT_HOSTS = 'ansible_play_batch'
    NOTHING_DONE = 'nothing was written'
    EXTRA_OPTIONS = {'preflight': {'type': 'bool', 'default': True},
                     'settings': {'type': 'bool', 'default': True},
                     'smtp': {'type': 'bool', 'default': True},
                     'authorize': {'type': 'bool', 'default': True},
                     'run_started_at': {'type': 'float'}}
    SECRET_VARIABLES = SECRET_VARIABLES

    def prepare(self, printer, variables, raw):
        return printer_to_roll_out(printer, variables, self._google_code(printer.name, raw), self._preflight)

    def _google_code(self, host, raw):
        """The code given for this host in its own view of cloudmail_google_authorization_codes (vault decrypted)."""
        if raw.get(CODES_VARIABLE) is None:
            return None
        try:
            codes = plain(self._templar.copy_with_new_env(available_variables=raw).template(raw[CODES_VARIABLE]))
        except AnsibleError:
            return None  # the printer then has no code and says what to do
        code = codes.get(host) if isinstance(codes, dict) else None
        return str(code) if code not in (None, '') else None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        options, hosts, workers = self.fleet_options(task_vars)
        self._preflight = options['preflight']
        check_mode, diff = bool(self._task.check_mode), bool(self._task.diff)
        results = self.run_fleet(hosts, task_vars, workers, functools.partial(
            roll_out_printer, clouds=CloudChecks(), check_mode=check_mode, diff=diff, push=options['settings'],
            smtp=options['smtp'], start=options['authorize'], run_started_at=options['run_started_at']))

        updates = {}
        for host, outcome in results.items():
            if 'facts' in outcome:
                updates[host] = outcome.pop('facts')
            else:  # refused by the variables' check: nothing was done
                updates[host] = failure_facts(outcome['msg'], '', step='validate')
        failed = self.summary(result, results)
        # Shown as the run goes (the report at the end repeats them with each printer's next action).
        shown = [results[host]['msg'] for host in failed[:MAX_FAILURES_SHOWN]]
        if len(failed) > MAX_FAILURES_SHOWN:
            shown.append('%d more printer(s) failed: see the fleet report' % (len(failed) - MAX_FAILURES_SHOWN))
        if shown:
            result['warnings'] = result.get('warnings', []) + shown
        changed = sorted(host for host, outcome in results.items() if outcome.get('changed'))
        pending = sorted(host for host, outcome in results.items() if outcome.get('pending'))
        if diff:
            result['diff'] = self.printer_diffs(results)
        if check_mode:
            # The plan: what the real run would write on each printer (see the diffs with --diff).
            result['planned_writes'] = dict((host, outcome['planned_writes']) for host, outcome in sorted(results.items())
                                            if outcome.get('planned_writes'))
        result.update(
            changed=bool(changed), printers=results, failed_hosts=failed, changed_hosts=changed, pending_hosts=pending,
            ansible_facts={OUTCOMES_FACT: merged_outcomes(recorded_outcomes(task_vars.get('hostvars')), updates)},
            msg='%d printer(s): %d changed, %d wait for a sign-in, %d failed%s' % (
                len(results), len(changed), len(pending), len(failed), (': ' + ', '.join(failed)) if failed else ''))
        return result
