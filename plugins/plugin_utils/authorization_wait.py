# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wait for the sign-ins of a whole batch on the controller, telling the operator how it goes.

One loop for every printer (instead of one silent wait per printer) can print a
progress line while it waits. Each poll is a short session: devices allow few
administrator sessions, and none is held while a person signs in.
"""

from __future__ import annotations

import time

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import RemoteUIError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import OAuthDevice
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import ProfileError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import session_from_variables

__metaclass__ = type


def poll_token(variables):
    """The printer's token status now, in one short session; ``unreadable`` with the reason when unreadable."""
    try:
        with session_from_variables(variables) as session:
            status = OAuthDevice(session, variables.get('cloudmail_provider')).read_status()
        return status['token_status'], status.get('error_details') or ''
    except (RemoteUIError, ProfileError) as exc:
        return 'unreadable', str(exc)


def progress_line(waiting, seconds_left):
    return 'Waiting for sign-ins: %d code(s) left (%s), %d s left.' % (
        len(waiting), ', '.join(sorted(waiting)), max(0, int(seconds_left)))


def wait_for_sign_ins(printers, timeout, poll, show, interval=5.0, progress_every=20.0,
                      sleep=time.sleep, clock=time.monotonic):
    """Poll every waiting printer until none waits or the timeout passes.

    ``printers`` maps host -> anything ``poll(host)`` needs; ``poll`` returns the token status.
    ``show`` gets a progress line at the start and at least every ``progress_every`` seconds.
    Returns host -> last token status; ``authorizing`` means still waiting at the end.
    """
    start = clock()
    statuses = dict((host, 'authorizing') for host in printers)
    last_shown = None
    while True:
        for host in sorted(printers):
            if statuses[host] == 'authorizing':
                statuses[host] = poll(host)
                if statuses[host] == 'unreadable':
                    # One bad poll ends nothing: the per-host step after the wait gives the reason.
                    statuses[host] = 'authorizing'
        waiting = [host for host, status in statuses.items() if status == 'authorizing']
        left = timeout - (clock() - start)
        if not waiting or left <= 0:
            return statuses
        if last_shown is None or clock() - last_shown >= progress_every:
            show(progress_line(waiting, left))
            last_shown = clock()
        sleep(min(interval, max(0.0, left)))
