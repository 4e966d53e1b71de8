#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: authorization_wait
short_description: Wait for the sign-ins of a batch of printers, with a progress line
version_added: 0.2.0
description:
  - Polls the token status of every printer given until none is still C(authorizing) or O(timeout) passes,
    with a short administrator session per printer and poll (none is held while a person signs in).
  - Prints a progress line (codes left, seconds left) at the start and at least every 30 seconds, and a
    warning naming the printers still waiting, C(reauthorize.yml) and C(cloudmail_authorization_timeout)
    when the time is over. Never prompts, so it cannot hang without a person.
  - Runs on the controller as an action plugin; use it with C(run_once). Each printer's connection comes from
    its inventory variables (C(cloudmail_host), C(cloudmail_port), C(cloudmail_username), C(cloudmail_password),
    C(cloudmail_profile), C(cloudmail_validate_certs), C(cloudmail_ca_path), C(cloudmail_timeout),
    C(cloudmail_retries)) and its provider from C(cloudmail_provider).
  - It changes nothing; the outcome of each printer is then read with M(printfleet.cloudmail.oauth_authorize).
author:
  - printfleet.cloudmail contributors (@printfleet)
options:
  hosts:
    description: Inventory hosts waiting for a sign-in.
    type: list
    elements: str
    required: true
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
- name: Wait for the Microsoft sign-ins of the batch
  printfleet.cloudmail.authorization_wait:
    hosts: "{{ fleet_authorizations.microsoft_hosts }}"
    timeout: "{{ cloudmail_authorization_timeout | default(900) }}"
  run_once: true
  register: fleet_wait
'''

RETURN = r'''
statuses:
  description: Host -> last token status read (C(authorizing) when still waiting at the end).
  returned: always
  type: dict
  sample: {"printer-0001": "active", "printer-0002": "authorizing"}
waiting:
  description: Hosts still waiting for a sign-in when the wait ended.
  returned: always
  type: list
  elements: str
msg:
  description: What is left to do.
  returned: always
  type: str
'''
