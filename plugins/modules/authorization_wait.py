#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: authorization_wait
short_description: Complete the sign-ins of a batch of printers, with a progress line
version_added: 0.2.0
description:
  - Takes the printers of O(hosts) that wait for a sign-in (C(printer_pending) in the C(fleet_outcomes) fact that
    M(printfleet.cloudmail.fleet_rollout) sets, or the host's own fact), enters the Google codes of O(codes) on
    their printers, then polls every waiting printer's token status until none waits or O(timeout) passes. Each
    printer's poll is a short administrator session (none is held while a person signs in); the printers of one
    round are polled in a bounded pool of threads.
  - Prints a progress line (codes left, seconds left) at the start and at least every 30 seconds, and a
    warning naming the printers still waiting, C(reauthorize.yml) and C(cloudmail_authorization_timeout)
    when the time is over. Never prompts, so it cannot hang without a person.
  - >-
    Records each printer's outcome in the fact C(fleet_outcomes) for the report (use it with
    C(delegate_to: localhost) and C(delegate_facts: true), as C(rollout.yml) does) - an active token, a Google
    printer without a usable code (reason C(missing_code)), nobody signed in in time (C(timeout)), a code that
    expired, was declined or rejected (C(code_expired), C(declined), C(code_rejected)). Unless O(last_round), a
    printer whose Microsoft code expired stays pending and is listed in RV(expired), for a new code.
author:
  - printfleet.cloudmail contributors (@printfleet)
extends_documentation_fragment:
  - printfleet.cloudmail.fleet
options:
  hosts:
    description: Hosts to look at, by default C(ansible_play_batch); only those waiting for a sign-in are polled.
    type: list
    elements: str
  codes:
    description: Host -> Google authorization code to enter before the wait (from M(printfleet.cloudmail.google_codes)).
    type: dict
    default: {}
  problems:
    description: Host -> why no usable Google code was given, for the message of that printer.
    type: dict
    default: {}
  last_round:
    description: Whether an expired Microsoft code fails the printer (true) or leaves it pending for a new code.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for all of them.
    type: float
    default: 900
  interval:
    description: Seconds between two rounds of polls.
    type: float
    default: 5
  progress_every:
    description: Seconds between two progress lines (at most 30).
    type: float
    default: 20
  report_dir:
    description:
      - Directory of the sign-in sheet C(sign-in-<report_slice>.html) that M(printfleet.cloudmail.authorization_summary)
        wrote; it is rewritten after each round of polls (each printer's status, the time left) and marked done when
        the wait ends. By default C(reports/) in the directory ansible-playbook runs in.
    type: path
  report_slice:
    description: Name part of the sign-in sheet's file (C(cloudmail_report_slice)).
    type: str
    default: all
attributes:
  check_mode:
    support: none
    description: "Waiting for a sign-in that check mode never started makes no sense."
  diff_mode:
    support: none
    description: "Nothing changes, so there is no diff."
  action:
    support: full
    description: "Runs on the controller as an action plugin."
'''

EXAMPLES = r'''
- name: Enter the Google codes and wait for the sign-ins of the batch
  printfleet.cloudmail.authorization_wait:
    codes: "{{ fleet_google_codes.codes | default({}) }}"
    timeout: "{{ cloudmail_authorization_timeout | default(omit) }}"
  run_once: true
  delegate_to: localhost
  delegate_facts: true
  register: fleet_wait
'''

RETURN = r'''
interrupted:
  description:
    - True when the run was stopped during this task (Ctrl-C, SIGTERM, the controller gone); the task then fails.
      No printer was started after the stop; each printer in progress finished its request in flight and logged out.
    - RV(record) then lists every printer, C(done), C(stopped mid-way, logged out) or C(not started) (nothing was
      sent to it); C(counts) has how many of each.
  returned: when the run was stopped
  type: bool
  sample: true
record:
  description:
    - The file where the stopped task recorded every printer, C(interrupted-<UTC time>-<task>.json) in
      C(cloudmail_report_dir) (C(reports/) of the current directory by default), mode C(0600).
  returned: when the run was stopped
  type: str
  sample: /home/ops/printfleet/reports/interrupted-20261203T115738Z-authorization_wait.json
statuses:
  description:
    - Host -> where its sign-in stood at the last poll (C(active), C(waiting), C(unreadable), or the reason it
      ended without a token).
  returned: always
  type: dict
  sample: {"printer-0001": "active", "printer-0002": "waiting"}
waiting:
  description: Hosts still waiting for a sign-in when the wait ended.
  returned: always
  type: list
  elements: str
active:
  description: Hosts whose token became active.
  returned: always
  type: list
  elements: str
expired:
  description: Hosts whose Microsoft code expired and that stay pending for a new code (not in the last round).
  returned: always
  type: list
  elements: str
failed_hosts:
  description: Hosts whose sign-in failed in this task, sorted.
  returned: always
  type: list
  elements: str
msg:
  description: What is left to do.
  returned: always
  type: str
'''
