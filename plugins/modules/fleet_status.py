#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: fleet_status
short_description: Read the OAuth status of every printer of the play in one task
version_added: 0.1.0
description:
  - Checks each host's C(cloudmail_*) variables against the collection's schema, then reads on each printer what
    M(printfleet.cloudmail.oauth_info) reads for the host's C(cloudmail_provider) (settings, connection and token
    status), with the same client.
  - The reads run on the controller in a bounded pool of threads, each printer in its own administrator session,
    always logged out. A printer that fails (bad variables, unreachable, wrong password) fails only its own entry
    in RV(printers); the task itself does not fail.
  - One task for the whole fleet instead of one per printer, so that a status report costs about what reading the
    printers costs. Use with C(run_once). The connection settings come from each host's inventory variables
    (C(cloudmail_host), C(cloudmail_port), C(cloudmail_username), C(cloudmail_password), C(cloudmail_profile),
    C(cloudmail_validate_certs), C(cloudmail_ca_path), C(cloudmail_timeout), C(cloudmail_retries)), as in the
    playbooks.
author:
  - printfleet.cloudmail contributors (@printfleet)
extends_documentation_fragment:
  - printfleet.cloudmail.fleet
options:
  hosts:
    description: Hosts to read, by default C(ansible_play_hosts) (the hosts of the play that have not failed).
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    description: "Only reads, so it runs the same in check mode."
  diff_mode:
    support: none
    description: "Nothing changes, so there is no diff."
  action:
    support: full
    description: "Runs on the controller as an action plugin, with one thread per printer being read."
seealso:
  - module: printfleet.cloudmail.oauth_info
  - module: printfleet.cloudmail.fleet_report
'''

EXAMPLES = r'''
- name: Read every printer's OAuth status
  printfleet.cloudmail.fleet_status:
  run_once: true
  register: fleet_status

- name: Write the fleet report from it
  printfleet.cloudmail.fleet_report:
    dest: reports
    statuses: "{{ fleet_status.printers }}"
  run_once: true
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
  sample: /home/ops/printfleet/reports/interrupted-20261203T115738Z-fleet_status.json
printers:
  description:
    - Per host, the result M(printfleet.cloudmail.oauth_info) gives for the host's provider, or the failure (C(failed),
      C(msg), C(step) C(read), C(reason) from the error's class, C(problems) for invalid variables).
  returned: always
  type: dict
  sample:
    printer-0001:
      changed: false
      failed: false
      providers:
        microsoft:
          settings:
            enabled: true
            verify_server_certificate: true
            add_cn_to_verification: false
            authority_url: https://login.microsoftonline.com/organizations/oauth2/v2.0
          connection_status: connected
          token_status: active
          error_details: null
          authorization: null
    printer-0002:
      changed: false
      failed: true
      msg: "127.1.0.2: gave up on POST /login after 4 attempts: connection refused"
failed_hosts:
  description: Hosts whose variables were invalid or whose printer could not be read, sorted.
  returned: always
  type: list
  elements: str
msg:
  description: How many printers were read and which failed.
  returned: always
  type: str
'''
