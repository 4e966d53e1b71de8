#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: authorization_summary
short_description: One table of every printer's pending sign-in, printed once for the batch
version_added: 0.1.0
description:
  - Reads, for each host given, the result of M(printfleet.cloudmail.oauth_authorize) with O(ignore:state=started)
    registered by the play, and returns one table of the sign-ins the operator must do (Microsoft user code and
    verification URL, Google authorization URL), prints it on the controller (also without a terminal) and returns it.
  - Decides whether a person can answer prompts (O(interactive)).
  - Runs on the controller only and contacts no device. Use with C(run_once).
author:
  - printfleet.cloudmail contributors (@printfleet)
options:
  hosts:
    description: Hosts to include, normally C(ansible_play_hosts).
    type: list
    elements: str
    required: true
  result_var:
    description: Name of each host's registered C(oauth_authorize state=started) result.
    type: str
    default: printer_authorization
  pending_var:
    description: Name of each host's fact telling that its authorization is still to be completed.
    type: str
    default: printer_pending
  error_var:
    description: Name of the fact that marks a host as failed; such hosts are left out.
    type: str
    default: printer_error
  interactive:
    description:
      - V(true) or V(false), or V(auto) to prompt only when ansible-playbook reads from a terminal in the
        foreground and does not run under AWX or Automation Controller.
    type: raw
    default: auto
  wait_timeout:
    description: Seconds the play then waits per printer, quoted in the text shown.
    type: float
    default: 900
  report_dir:
    description:
      - Directory of the sign-in sheet C(sign-in-<report_slice>.html), the same sign-ins as the table as a page to
        click (a copy button per Microsoft code, the sign-in and Google consent pages as links, the time left of each
        code). By default C(reports/) in the directory ansible-playbook runs in, as for the fleet report.
      - The page holds no secret (user codes and consent URLs only) and is written only its owner can read.
        Nothing is written in check mode or when no printer waits.
    type: path
  report_slice:
    description: Name part of the sign-in sheet's file, as for the fleet report (C(cloudmail_report_slice)).
    type: str
    default: all
attributes:
  check_mode:
    support: full
    description: "Only reads host variables, so it runs the same in check mode."
  diff_mode:
    support: none
    description: "Nothing changes, so there is no diff."
  action:
    support: full
    description: "Runs on the controller as an action plugin; never contacts a printer."
'''

EXAMPLES = r'''
- name: Summarize the sign-ins this batch waits for
  printfleet.cloudmail.authorization_summary:
    hosts: "{{ ansible_play_hosts }}"
    interactive: "{{ cloudmail_interactive | default('auto') }}"
  run_once: true
  register: fleet_authorizations
'''

RETURN = r'''
interactive:
  description: Whether the play may prompt.
  returned: always
  type: bool
pending:
  description: One entry per printer waiting for a sign-in, sorted by host.
  returned: always
  type: list
  elements: dict
  contains:
    host: {description: Inventory host., type: str}
    provider: {description: microsoft or google., type: str}
    user_code: {description: Microsoft user code (empty for Google)., type: str}
    expires_at: {description: When the Microsoft user code expires (ISO 8601 UTC)., type: str}
    open: {description: Verification URL (Microsoft) or authorization URL (Google)., type: str}
microsoft_hosts:
  description: Hosts waiting for a Microsoft sign-in.
  returned: always
  type: list
  elements: str
google_hosts:
  description: Hosts waiting for a Google authorization code.
  returned: always
  type: list
  elements: str
table:
  description: The table as lines of text.
  returned: always
  type: list
  elements: str
lines:
  description: Instructions, the table, and what the play waits for, as lines of text.
  returned: always
  type: list
  elements: str
sign_in_sheet:
  description: Path of the sign-in sheet written (its path is also the last line of RV(lines)), or null.
  returned: always
  type: str
prompt:
  description: RV(lines) joined, for C(ansible.builtin.pause).
  returned: always
  type: str
'''
