# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Complete the batch's sign-ins on the controller: Google codes entered, then one wait with a progress line (run_once)."""

from __future__ import annotations

from ansible.utils.display import Display

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import AUTHORIZATION_TIMEOUT
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import printer_label
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import authorization_failure
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import asks_code_back
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_wait import (
    STILL_WAITING,
    poll_printer,
    sign_in_sheet,
    submit_code,
    wait_for_sign_ins,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_action import FleetAction
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.redaction import redact
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_outcomes import (
    OUTCOMES_FACT,
    failure_facts,
    host_facts,
    merged_outcomes,
    recorded_outcomes,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_engine import run_fleet
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import plain

__metaclass__ = type

display = Display()
AUTHORIZE = 'authorize'  # the step of the outcome facts
PENDING_FACTS = ('printer_pending', 'printer_error', 'printer_authorization')


class ActionModule(FleetAction):
    _supports_check_mode = False
    _VALID_ARGS = frozenset(('hosts', 'workers', 'timeout', 'interval', 'progress_every', 'codes', 'problems',
                             'last_round', 'report_dir', 'report_slice'))
    NAME = 'authorization_wait'
    DEFAULT_HOSTS = 'ansible_play_batch'
    NOTHING_DONE = 'nothing was sent to the printer'
    EXTRA_OPTIONS = {'timeout': {'type': 'float', 'default': AUTHORIZATION_TIMEOUT},
                     'interval': {'type': 'float', 'default': 5},
                     'progress_every': {'type': 'float', 'default': 20},
                     'codes': {'type': 'dict', 'default': {}, 'no_log': True},
                     'problems': {'type': 'dict', 'default': {}},
                     'last_round': {'type': 'bool', 'default': True},
                     'report_dir': {'type': 'path'},
                     'report_slice': {'type': 'str', 'default': 'all'}}

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        options, hosts, workers = self.fleet_options(task_vars)
        hostvars = task_vars.get('hostvars')
        pending, outcomes, raws = {}, recorded_outcomes(hostvars), {}
        for host in hosts:
            raws[host] = hostvars.raw_get(host) if hostvars is not None and host in hostvars else None
            facts = host_facts(raws[host], host, PENDING_FACTS, outcomes)
            if facts.get('printer_pending') and not facts.get('printer_error'):
                pending[host] = plain(facts.get('printer_authorization') or {})
        printers, refused = self.checked_printers(pending, task_vars, raws)
        updates = dict((host, failure_facts(outcome['msg'], '', step='validate'))
                       for host, outcome in refused.items())
        codes = dict((str(host), str(code)) for host, code in (options['codes'] or {}).items())
        secrets = sorted(codes.values())

        # Google printers: the code given at the prompt is entered now; one given in the inventory was at the push.
        waiting, to_enter = [], []
        for printer in printers:
            if not asks_code_back(printer.provider) or pending[printer.name].get('code_submitted'):
                waiting.append(printer)
            elif printer.name in codes:
                to_enter.append(printer)
            else:
                problem = options['problems'].get(printer.name) or 'no authorization code was given'
                updates[printer.name] = failure_facts(self._named(printer, (
                    '%s. Open its authorization URL, allow access, and give the code (or the browser\'s whole address) '
                    'at the prompt or in cloudmail_google_authorization_codes (for example -e @google-codes.yml), then '
                    'run reauthorize.yml.' % problem)), 'missing_code', step=AUTHORIZE)
        entered = run_fleet(to_enter, workers, lambda printer: {'problem': submit_code(printer, codes[printer.name])})
        for printer in to_enter:
            problem = entered[printer.name]['problem']
            if problem:
                updates[printer.name] = failure_facts(redact(self._named(printer, problem), secrets), '', step=AUTHORIZE)
            else:
                waiting.append(printer)

        sheet = sign_in_sheet(pending, printers, updates, options, display.warning)
        statuses = wait_for_sign_ins(
            dict((printer.name, printer) for printer in waiting), options['timeout'], poll_printer, display.display,
            workers=workers, interval=options['interval'], progress_every=min(options['progress_every'], 30),
            on_round=sheet)
        expired = []
        for printer in waiting:
            outcome, detail = statuses[printer.name]
            if outcome == 'active':
                updates[printer.name] = {'printer_pending': False}
            elif outcome in STILL_WAITING:
                updates[printer.name] = failure_facts(self._named(printer, (
                    'nobody signed in with its code within cloudmail_authorization_timeout (%d s)%s. Sign in, then run '
                    'playbooks/reauthorize.yml (or set cloudmail_authorization_timeout higher).' % (
                        options['timeout'], ' (last poll: %s)' % detail if outcome == 'unreadable' else ''))),
                    'timeout', step=AUTHORIZE)
            elif outcome == 'code_expired' and not options['last_round']:
                expired.append(printer.name)
                updates[printer.name] = {'printer_pending': True, 'printer_last_expiry': self._named(
                    printer, str(authorization_failure(printer.params['host'], outcome, detail)))}
            else:
                updates[printer.name] = failure_facts(self._named(
                    printer, str(authorization_failure(printer.params['host'], outcome, detail or None))),
                    outcome, step=AUTHORIZE)

        if sheet:
            # Done, unless the next round issues new codes to the expired ones (the page then keeps reloading).
            sheet(statuses, done=options['last_round'] or not expired)
        failed = sorted(host for host, facts in updates.items() if facts.get('printer_error'))
        active = sorted(host for host, status in statuses.items() if status[0] == 'active')
        result.update(
            changed=bool(entered), active=active, failed_hosts=failed, expired=sorted(expired),
            waiting=sorted(host for host, status in statuses.items() if status[0] in STILL_WAITING),
            statuses=dict((host, status[0]) for host, status in statuses.items()),
            ansible_facts={OUTCOMES_FACT: merged_outcomes(outcomes, updates)},
            msg='%d printer(s) signed in, %d failed, %d with an expired code to issue again' % (
                len(active), len(failed), len(expired)))
        if result['waiting']:
            display.warning('%d printer(s) still wait for a sign-in after %d s (%s): sign in with the codes of the '
                            'table, then run playbooks/reauthorize.yml, or give the sign-in more time with '
                            'cloudmail_authorization_timeout.' % (
                                len(result['waiting']), options['timeout'], ', '.join(result['waiting'])))
        return result

    @staticmethod
    def _named(printer, message):
        label = printer_label(printer.name, printer.params['host'], printer.params['port'])
        for known in (printer.params['host'], printer.name):
            if message.startswith(known + ': '):
                message = message[len(known) + 2:]
        return '%s: %s' % (label, message)
