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

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import RemoteUIError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import OAuthDevice, token_outcome
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import Task
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_status import FleetInterrupted

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


def wait_for_sign_ins(printers, timeout, poll, show, workers=1, interval=5.0, progress_every=20.0,
                      sleep=interrupts.pause, clock=time.monotonic):
    """Poll every waiting printer until none waits or the timeout passes.

    ``printers`` maps host -> what ``poll`` takes; ``poll`` returns ``(outcome, detail)``.
    ``show`` gets a progress line at the start and at least every ``progress_every`` seconds.
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
