# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the fleet-wide actions (run_once): every host's variables checked, then a bounded pool of threads."""

from __future__ import annotations

from ansible import context
from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_status import (
    ProfileCache,
    in_processes,
    printer_from_hostvars,
    read_in_threads,
    read_printer,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_validation import (
    PRINTER_SCHEMA,
    InventoryValidator,
)

__metaclass__ = type


class FleetAction(ActionBase):
    """Subclasses set ``NAME``, ``DEFAULT_HOSTS``, ``NOTHING_DONE`` and their extra options, and give ``prepare``."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    NAME = None
    DEFAULT_HOSTS = 'ansible_play_hosts'
    NOTHING_DONE = 'nothing was read'
    EXTRA_OPTIONS = {}
    SECRET_VARIABLES = ('cloudmail_password',)

    def fleet_options(self, task_vars):
        """``(options, hosts, workers)`` of this task."""
        spec = dict({'hosts': {'type': 'list', 'elements': 'str'}, 'workers': {'type': 'int'}}, **self.EXTRA_OPTIONS)
        options = self.validate_argument_spec(argument_spec=spec)[1]
        hosts = options['hosts'] if options['hosts'] is not None else task_vars.get(self.DEFAULT_HOSTS, [])
        workers = options['workers'] or context.CLIARGS.get('forks') or 5
        if workers < 1:
            raise AnsibleError('%s: workers must be at least 1, not %d' % (self.NAME, workers))
        return options, hosts, workers

    def prepare(self, printer, variables, raw):
        """What the pool works on for one valid host (``raw``: its variables), or ``(None, problem)``."""
        return printer, None

    def checked_printers(self, hosts, task_vars, raws=None):
        """``(printers, refused)``: what the pool works on for the valid hosts, and host -> failure for the others.

        ``raws``: host -> variables, for the hosts whose variables the caller has gathered already.
        """
        validator, profiles = InventoryValidator(PRINTER_SCHEMA), ProfileCache()
        printers, refused = [], {}
        hostvars = task_vars.get('hostvars')
        for host in sorted(set(hosts)):
            raw = (raws or {}).get(host)
            if raw is None and hostvars is not None and host in hostvars:
                raw = hostvars.raw_get(host)
            variables, printer, problems = printer_from_hostvars(
                self._templar, host, hostvars, validator, profiles, self.SECRET_VARIABLES, raw=raw)
            if not problems:
                printer, problem = self.prepare(printer, variables, raw)
                problems = [problem] if problem else []
            if problems:
                refused[host] = {'changed': False, 'failed': True, 'problems': problems,
                                 'msg': '%d problem(s) in the variables of %s, %s:\n%s' % (
                                     len(problems), host, self.NOTHING_DONE, '\n'.join(problems))}
            else:
                printers.append(printer)
        return printers, refused

    def run_fleet(self, hosts, task_vars, workers, work=read_printer):
        """host -> result: the hosts whose variables have problems fail here, the others go to ``work``.

        A large fleet is shared out among processes before its variables are checked: gathering a
        host's variables is a good part of the controller's work per printer.
        """
        def run_share(share, threads):
            printers, results = self.checked_printers(share, task_vars)
            results.update(read_in_threads(printers, threads, work))
            return results
        return in_processes(sorted(set(hosts)), workers, run_share)

    @staticmethod
    def printer_diffs(results):
        """The diffs of every changed printer, each headed by its host, as the per-host task would show them:
        the printer's ``diffs`` (one per write, check mode) or else its one ``diff``."""
        return [dict(diff, before_header=host, after_header=' '.join([host] + [diff.get('after_header', '')]).strip())
                for host, outcome in sorted(results.items())
                for diff in (outcome.get('diffs') or ([outcome['diff']] if outcome.get('changed') and outcome.get('diff')
                                                      else []))]

    @staticmethod
    def summary(result, results):
        """The failed hosts, sorted; every printer's warnings passed on in ``result``."""
        warnings = [warning for host in sorted(results) for warning in results[host].get('warnings', ())]
        if warnings:
            result['warnings'] = warnings
        return sorted(host for host, outcome in results.items() if outcome['failed'])
