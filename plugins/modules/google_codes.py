#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: google_codes
short_description: Take every Google printer's authorization code at once, checked before use
version_added: 0.2.0
description:
  - Takes the Google authorization codes of a batch from O(given) (the C(cloudmail_google_authorization_codes)
    map of inventory host to code) and, when O(interactive), from one prompt for all the other Google printers.
  - Accepts the code, the percent-encoded code (C(4%2F0A...)) or the whole address from the browser's bar
    (its C(code) is taken, an C(error) is reported). In the prompt, codes go one per line or separated by spaces;
    an address whose C(state) matches a printer's authorization URL goes to that printer, the other entries go
    to the printers in the order of the table.
  - An unusable entry is refused here, so that a single-use code is never spent on a malformed value; the
    printer it was meant for is listed in RV(problems). Nothing is sent to any printer.
  - Runs on the controller as an action plugin; use it with C(run_once) and C(no_log), since codes are secrets.
    The prompt closes by itself after O(timeout) seconds, so a terminal without a person does not hang the run.
author:
  - printfleet.cloudmail contributors (@printfleet)
options:
  pending:
    description: The RV(printfleet.cloudmail.authorization_summary#module:pending) rows; only Google rows are used.
    type: list
    elements: dict
    required: true
  interactive:
    description: Whether to prompt for the codes not in O(given).
    type: bool
    default: false
  given:
    description: Inventory host -> code or browser address, normally C(cloudmail_google_authorization_codes).
    type: dict
    default: {}
  timeout:
    description: Seconds after which the prompt closes by itself.
    type: float
    default: 900
  given_at:
    description:
      - When the codes of O(given) were given, as seconds since the epoch (the playbooks pass the time the run
        started). A given code older than O(code_lifetime) is warned about, naming the printer, since Google has
        most likely expired it, and the printer will refuse it.
    type: float
  code_lifetime:
    description: Seconds a Google authorization code is valid after consent (600 for Google).
    type: float
    default: 600
attributes:
  check_mode:
    support: full
    description: "Reads input only."
  diff_mode:
    support: none
    description: "Nothing changes, so there is no diff."
  action:
    support: full
    description: "Runs on the controller as an action plugin."
'''

EXAMPLES = r'''
- name: Take the Google codes of the batch
  printfleet.cloudmail.google_codes:
    pending: "{{ fleet_authorizations.pending }}"
    interactive: "{{ fleet_authorizations.interactive }}"
    given: "{{ cloudmail_google_authorization_codes | default({}) }}"
  run_once: true
  no_log: true
  register: fleet_google_codes
'''

RETURN = r'''
codes:
  description: Inventory host -> usable authorization code.
  returned: always
  type: dict
problems:
  description: Inventory host -> why that printer has no usable code (never the value given).
  returned: always
  type: dict
  sample: {"printer-0003": "entry 1 of the answer is unusable: the address has no code= parameter"}
'''
