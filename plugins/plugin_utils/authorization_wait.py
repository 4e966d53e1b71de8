# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wait for the sign-ins of a whole batch on the controller, telling the operator how it goes.

One loop for every printer (instead of one silent wait per printer) can print a
progress line while it waits. Each poll is a short session: devices allow few
administrator sessions, and none is held while a person signs in. The printers of
one round are polled in a bounded pool of threads, so a round costs the device
latency of a few printers, not of the whole batch.
"""

from __future__ import annotations

import datetime
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import RemoteUIError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import OAuthDevice, token_outcome
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import Task
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_summary import needs_operator, pending_row, report_directory
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_html import (
    render_sign_in_sheet,
    sheet_path,
)

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_status import FleetInterrupted
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import write_private

__metaclass__ = type

# Outcomes of a poll that keep a printer in the wait.
STILL_WAITING = ('waiting', 'unreadable')


def _session(printer):
    return Task(dict(printer.params, provider=printer.provider), printer.profile).open_session()


def poll_printer(printer):
    """``(outcome, detail)`` of one printer now, in one short session (see ``token_outcome``), or ``unreadable``."""
    try:
        with _session(printer) as session:
            status = OAuthDevice(session, printer.provider).read_status()
    except RemoteUIError as exc:
        return 'unreadable', str(exc)
    return token_outcome(status, printer.provider, printer.profile), status.get('error_details') or ''


def submit_code(printer, code):
    """Enter a Google code on the printer in one short session; the problem, or None when it took it."""
    try:
        with _session(printer) as session:
            OAuthDevice(session, printer.provider).submit_google_code(code)
    except RemoteUIError as exc:
        return str(exc)
    return None


def progress_line(waiting, seconds_left):
    return 'Waiting for sign-ins: %d code(s) left (%s), %d s left.' % (
        len(waiting), ', '.join(sorted(waiting)), max(0, int(seconds_left)))


def sign_in_sheet(pending, printers, ended, options, warn, now=None):
    """A writer of the sign-in sheet for the wait: ``write(statuses, done=False)`` after each poll round.

    ``pending``: host -> its ``oauth_authorize state=started`` result; ``printers``: the checked printers;
    ``ended``: host -> facts of the printers whose sign-in already failed (their reason is shown);
    ``options``: the task's (report_dir, report_slice, timeout); ``statuses``: host -> ``(outcome, detail)``.
    Only outcomes are shown, never a device's text. A write that fails is reported once by ``warn``.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    deadline = now + datetime.timedelta(seconds=float(options['timeout']))
    providers = dict((printer.name, printer.provider) for printer in printers)
    # As in the table: a Google printer whose code was entered at its push needs nothing from the operator.
    rows = [pending_row(host, providers[host], started['authorization']) for host, started in sorted(pending.items())
            if host in providers and needs_operator(providers[host], started)]
    failed = dict((host, facts.get('printer_error_reason') or 'failed') for host, facts in ended.items()
                  if facts.get('printer_error'))
    path = sheet_path(report_directory(options['report_dir']), options['report_slice'])
    failures = []

    def write(statuses, done=False):
        outcomes = dict((row['host'], failed.get(row['host']) or (statuses.get(row['host']) or ('waiting', ''))[0])
                        for row in rows)
        try:
            write_private(path, render_sign_in_sheet(rows, deadline, outcomes, done))
        except (OSError, ValueError) as exc:
            if not failures:
                warn('the sign-in sheet %s could not be written (cloudmail_report_dir): %s' % (path, exc))
            failures.append(exc)
    return write if rows else None


def wait_for_sign_ins(printers, timeout, poll, show, workers=1, interval=5.0, progress_every=20.0,
                      sleep=interrupts.pause, clock=time.monotonic, on_round=None):
    """Poll every waiting printer until none waits or the timeout passes.

    ``printers`` maps host -> what ``poll`` takes; ``poll`` returns ``(outcome, detail)``.
    ``show`` gets a progress line at the start and at least every ``progress_every`` seconds.
    ``on_round`` (when given) gets the statuses after each round of polls (the sign-in sheet's refresh).
    Returns host -> last ``(outcome, detail)``; ``waiting`` or ``unreadable`` means still waiting at the end.
    A stop (interrupts.py) ends the wait after the polls in progress: ``FleetInterrupted``.
    """
    start = clock()
    statuses = dict((host, ('waiting', '')) for host in printers)
    last_shown = None
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(printers) or 1)))
    try:
        while True:
            polled = sorted(host for host, status in statuses.items() if status[0] in STILL_WAITING)
            for host, status in zip(polled, pool.map(lambda name: poll(printers[name]), polled)):
                statuses[host] = status
            if on_round:
                on_round(statuses)
            waiting = [host for host, status in statuses.items() if status[0] in STILL_WAITING]
            reason = interrupts.stop_reason()
            if reason is not None:
                raise FleetInterrupted(reason, dict(
                    (host, {'changed': False, 'failed': status[0] != 'active', 'outcome': status[0],
                            'interrupted': None if status[0] == 'active' else 'waiting for a sign-in'
                            if status[0] in STILL_WAITING else status[0],
                            'msg': '%s: %s when the run was stopped (%s)' % (
                                host, 'signed in' if status[0] == 'active' else 'still waiting for a sign-in'
                                if status[0] in STILL_WAITING else status[0], reason)})
                    for host, status in statuses.items()))
            left = timeout - (clock() - start)
            if not waiting or left <= 0:
                return statuses
            if last_shown is None or clock() - last_shown >= progress_every:
                show(progress_line(waiting, left))
                last_shown = clock()
            sleep(min(interval, max(0.0, left)))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
