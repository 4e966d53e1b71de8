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
    with host, address, provider, profile, connection status, token status, next action and last error,
    and counts by status.
  - Rows come from each host's registered M(printfleet.cloudmail.oauth_info) result (O(status_var)) and the error
    the play recorded for it (O(error_var)). Use with C(run_once).
  - The content is deterministic (sorted, no timestamps), so C(changed) is true only when a file's content changed.
  - No secret is written; the values of C(cloudmail_password) and C(cloudmail_google_client_secret) are also
    scrubbed from every cell.
  - Safe with AWX job slicing, each slice writes its own files (O(slice)); O(merge=true) joins them.
author:
  - printfleet.cloudmail contributors (@printfleet)
options:
  dest:
    description: Directory of the report files (created when missing).
    type: path
    required: true
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
- name: Write the fleet report
  printfleet.cloudmail.fleet_report:
    dest: "{{ playbook_dir }}/../reports"
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
changed_files:
  description: Which of json, csv, html had a new content.
  returned: always
  type: list
  elements: str
summary:
  description: Counts by token status and connection status, printers needing an action.
  returned: always
  type: dict
printers:
  description: The report rows, sorted by host.
  returned: always
  type: list
  elements: dict
failed_hosts:
  description:
    - Hosts that stopped with an error in this run (a recorded O(error_var), or a failed read in O(statuses)), sorted.
  returned: when O(merge=false)
  type: list
  elements: str
sources:
  description: The slice files merged.
  returned: when O(merge=true)
  type: list
  elements: str
'''
