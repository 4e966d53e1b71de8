# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the fleet-wide actions (run_once): every host's variables checked, then a bounded pool of threads.

Every fleet action stops the same way (module_utils/interrupts.py): at Ctrl-C, SIGTERM or when the
controller is gone, no printer is started, each printer in progress finishes its request in flight
and logs out, and what was done is written to ``interrupted-<time>-<task>.json`` in the report
directory (``cloudmail_report_dir``), since the controller that would have recorded it is stopping.
The task then fails.
"""

from __future__ import annotations

import datetime
import functools
import json
import os

from ansible import context
from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.device_requests import LOGOUT_SECONDS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import secret_variables
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_engine import NOT_STARTED, STOPPED, FleetInterrupted, in_processes, run_in_threads
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_printers import ProfileCache, printer_from_hostvars
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.printer_steps import read_printer
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import write_private
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import (
    PRINTER_SCHEMA,
    InventoryValidator,
)

__metaclass__ = type

display = Display()
DEFAULT_REPORT_DIRECTORY = 'reports'
RECORD_FORMAT = 'printfleet.cloudmail.interrupted/1'
# A printer's state in the record of a stopped task, and how the summary line says it.
STATE_ORDER = ['done', STOPPED, NOT_STARTED]
STATE_WORDS = {'done': 'printer(s) done', STOPPED: 'stopped mid-way (logged out)', NOT_STARTED: 'not started'}


def _stoppable(run):
    """``run`` of a fleet action, stopped as the module docstring says."""
    @functools.wraps(run)
    def stoppable_run(self, tmp=None, task_vars=None):
        interrupts.watch_parent()
        previous = interrupts.install_handlers(announce=self.announce_stop)
        # Ansible's own handlers come back only once the record is written: they end the process at once.
        try:
            try:
                result = run(self, tmp, task_vars)
            except FleetInterrupted as exc:
                return self.interrupted(exc, task_vars or {})
            reason = interrupts.stop_reason()
            if reason is not None:
                # Stopped as it ended: the controller is stopping too and reads no (large) result.
                return self.interrupted(FleetInterrupted(reason, result.get('printers') or {}), task_vars or {})
            return result
        finally:
            interrupts.restore_handlers(previous)
    return stoppable_run


class FleetAction(ActionBase):
    """Subclasses set ``NAME``, ``DEFAULT_HOSTS``, ``NOTHING_DONE`` and their extra options, and give ``prepare``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if 'run' in cls.__dict__:
            cls.run = _stoppable(cls.__dict__['run'])

    TRANSFERS_FILES = False
    _supports_check_mode = True
    NAME = None
    DEFAULT_HOSTS = 'ansible_play_hosts'
    NOTHING_DONE = 'nothing was read'
    EXTRA_OPTIONS = {}
    # The secrets a read needs (the device password), from the option registry.
    SECRET_VARIABLES = secret_variables('connection')

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
            try:
                results.update(run_in_threads(printers, threads, work))
            except FleetInterrupted as exc:
                raise FleetInterrupted(exc.reason, dict(results, **exc.results))
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

    # -- stopped

    @staticmethod
    def tell(line):
        """A line for the operator: on the controller's terminal, else through Ansible's display."""
        # Nobody reads the display of a worker whose controller is gone.
        if not interrupts.tell_controller(line) and interrupts.controller_alive():
            display.display(line)

    def announce_stop(self, signum):
        self.tell('%s: %s: no other printer is started; each printer in progress finishes its request in flight and '
                  'logs out (within cloudmail_timeout, then at most %d s for the logout).' % (
                      self.NAME, interrupts.signal_name(signum), LOGOUT_SECONDS))

    def record_directory(self, task_vars):
        """Where the record of a stopped task goes: the report directory (cloudmail_report_dir)."""
        directory = task_vars.get('cloudmail_report_dir')
        if directory not in (None, ''):
            directory = str(self._templar.template(directory))
        return os.path.abspath(os.path.expanduser(directory or os.path.join(os.getcwd(), DEFAULT_REPORT_DIRECTORY)))

    def interrupted(self, exc, task_vars):
        """The task's result after a stop, and its record on disk (see the module docstring).

        The result stays small: the controller no longer reads it, and a large one would fill the
        pipe to it and keep this worker from ending. Every printer's state is in the record.
        """
        printers, counts = {}, {}
        for host, outcome in sorted(exc.results.items()):
            state = outcome.get('interrupted') or 'done'
            counts[state] = counts.get(state, 0) + 1
            printers[host] = {'state': state, 'changed': bool(outcome.get('changed')),
                              'failed': bool(outcome.get('failed')), 'msg': outcome.get('msg') or ''}
        stopped_at = datetime.datetime.now(datetime.timezone.utc)
        summary = ', '.join('%d %s' % (counts.get(state, 0), STATE_WORDS.get(state, state))
                            for state in STATE_ORDER + sorted(set(counts) - set(STATE_ORDER))
                            if counts.get(state) or state in STATE_WORDS)
        path = os.path.join(self.record_directory(task_vars), 'interrupted-%s-%s.json' % (
            stopped_at.strftime('%Y%m%dT%H%M%SZ'), self.NAME))
        record = {'format': RECORD_FORMAT, 'task': self.NAME, 'reason': exc.reason,
                  'stopped_at': stopped_at.isoformat().replace('+00:00', 'Z'), 'summary': summary,
                  'changed_hosts': sorted(host for host, entry in printers.items() if entry['changed']),
                  'printers': printers}
        try:
            write_private(path, json.dumps(record, indent=2, sort_keys=True) + '\n')
            where = 'recorded in %s' % path
        except OSError as error:
            where = 'not recorded: cannot write %s (cloudmail_report_dir): %s' % (path, error)
        msg = '%s stopped (%s): %s; %s. Run the playbook again: it starts from what each printer holds.' % (
            self.NAME, exc.reason, summary, where)
        self.tell(msg)
        return {'failed': True, 'changed': bool(record['changed_hosts']), 'interrupted': True, 'msg': msg,
                'record': path, 'counts': counts}
