#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: fleet_report
short_description: Write the printer fleet's OAuth e-mail report (JSON, CSV, HTML)
version_added: 0.1.0
description:
  - Writes C(fleet-report-<slice>.json), C(.csv) and C(.html) in O(dest) on the controller, one row per printer
    with host, state, next action, last error, address, provider, profile, connection status and token status,
    and counts by state.
  - Each printer's state is derived from what the run saw (the step that failed and why, the pre-flight, the
    printer's settings, connection and token status), and its next action comes from one table of states,
    naming the playbook to run and the inventory variable to fix. See the user guide, section 6.
  - Rows are sorted by severity, then host, so the printers needing an action come first.
  - The files carry the run's date and time (UTC, ISO 8601), the inventory sources and the collection version
    (from the collection's C(MANIFEST.json), or C(galaxy.yml) in a checkout).
  - Rows come from each host's registered M(printfleet.cloudmail.oauth_info) result (O(status_var)), the error
    the play recorded for it (O(error_var), with the facts C(printer_error_reason), the reason its exception's class
    gave, and C(printer_error_step), the step that failed, which every fleet task and device module carries),
    and optional per-host facts shown as extra columns, such as C(printer_preflight), a list of pre-flight
    checks C({name, ok, message}). Use with C(run_once).
  - C(changed) is true only when the rows or the counts differ from the JSON file already there (the expiry
    watch times and the send test, which move by themselves or belong to one run, are not compared).
  - Text from printers is untrusted. Control characters are replaced in every file, CSV cells that a spreadsheet
    would run as a formula (starting with C(=), C(+), C(-), C(@), a tab or a carriage return, also after spaces)
    get a leading C('), and all HTML text is escaped; the HTML page loads nothing and runs no script.
  - No secret is written; the values of C(cloudmail_password) and C(cloudmail_google_client_secret) and the
    Google authorization codes are also scrubbed from every cell.
  - Safe with AWX job slicing, each slice writes its own files (O(slice)); O(merge=true) joins them.
author:
  - printfleet.cloudmail contributors (@printfleet)
options:
  dest:
    description:
      - Directory of the report files (created when missing).
      - Default C(reports/) in the current working directory of C(ansible-playbook), never the collection's own
        directory.
    type: path
  slice:
    description: Name of this part of the fleet in the file names. Letters, digits, C(.), C(-) and C(_).
    type: str
    default: all
  hosts:
    description: Hosts to report. Default C(ansible_play_hosts_all).
    type: list
    elements: str
  status_var:
    description: Name of each host's registered C(oauth_info) result.
    type: str
    default: printer_status
  error_var:
    description: Name of each host's fact holding the last error of the play.
    type: str
    default: printer_error
  statuses:
    description:
      - The RV(printfleet.cloudmail.fleet_status#module:printers) of one fleet-wide M(printfleet.cloudmail.fleet_status)
        read, used instead of each host's O(status_var). A host whose read failed gets that failure as its last error.
    type: dict
  merge:
    description:
      - Instead of reporting hosts, join every C(fleet-report-*.json) of O(dest) into C(fleet-report-merged.*).
    type: bool
    default: false
  fail_on_attention:
    description:
      - Sets RV(fail_on_attention), which the playbooks use to fail every printer needing an action.
      - V(auto) means true when nobody is at a terminal to read the report, that is when the environment variable
        C(CI) is true, or when the run is not interactive by the rule of C(cloudmail_interactive) (an AWX or Tower
        job, no terminal on the standard input).
      - The module itself never fails for printers' states.
    type: raw
    default: auto
  intended:
    description:
      - V(absent) when the run turned OAuth 2.0 off on purpose (C(rollback.yml)); a printer whose OAuth settings
        are off is then C(rolled_back), a state that needs no action, and stays so in later reports while its
        settings stay off.
    type: str
    choices: [present, absent]
    default: present
  fleet:
    description:
      - Every printer of the inventory (default the group C(printers)). The report written for O(slice) keeps the
        rows of the printers of O(fleet) that this run did not read (a run with C(--limit)), each with the date it
        was last read (column C(read_at)); rows of hosts no longer in the inventory are dropped.
    type: list
    elements: str
attributes:
  check_mode:
    support: none
    description: "None: in check mode the task is skipped unless it sets C(check_mode: false), as the playbooks do (the report only reads results)."
  diff_mode:
    support: none
    description: "No diff is shown."
  action:
    support: full
    description: "Runs on the controller as an action plugin; never contacts a printer."
'''

EXAMPLES = r'''
- name: Write the fleet report in reports/ of the current directory
  printfleet.cloudmail.fleet_report:
  run_once: true
  register: fleet_report

- name: Show the counts and the report files
  ansible.builtin.debug:
    msg: "{{ fleet_report.lines }}"
  run_once: true

- name: Merge the reports of a sliced job
  printfleet.cloudmail.fleet_report:
    dest: /srv/reports
    merge: true
'''

RETURN = r'''
paths:
  description: Paths of the JSON, CSV and HTML files.
  returned: always
  type: dict
generated_at:
  description: The run's date and time, UTC, ISO 8601.
  returned: always
  type: str
  sample: "2026-11-28T13:05:06Z"
summary:
  description:
    - C(printers), C(by_state), C(by_severity), C(by_token_status), C(by_connection_status), C(need_action)
      (printers whose state asks for an action, that is of a severity other than C(ok)), C(need_action_hosts)
      and C(with_error).
  returned: always
  type: dict
printers:
  description: The report rows, problems first (by severity, then host).
  returned: always
  type: list
  elements: dict
attention:
  description: Host -> next action, for every printer whose state asks for an action (severity other than C(ok)).
  returned: always
  type: dict
errors:
  description:
    - Host -> the error that stopped it in this run (a recorded O(error_var), or else a failed read in O(statuses)).
  returned: when O(merge=false)
  type: dict
fail_on_attention:
  description: The resolved O(fail_on_attention).
  returned: always
  type: bool
lines:
  description: Counts by state, one line per printer needing an action, and the report paths, for a final message.
  returned: always
  type: list
  elements: str
kept_hosts:
  description: The printers whose rows were kept from the report already there, as last read (not read in this run).
  returned: when O(merge=false)
  type: list
  elements: str
sources:
  description: The slice files merged.
  returned: when O(merge=true)
  type: list
  elements: str
'''
