#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: fleet_settings
short_description: Push the OAuth settings of every printer of the batch in one task
version_added: 0.1.0
description:
  - Checks each host's C(cloudmail_*) variables against the collection's schema, then does on each printer what
    M(printfleet.cloudmail.oauth_settings) does with the options C(rollout.yml) gives it from the host's variables
    (C(cloudmail_provider), C(cloudmail_verify_server_certificate), C(cloudmail_add_cn_to_verification),
    C(cloudmail_microsoft_tenant) or C(cloudmail_microsoft_authority_url), C(cloudmail_google_client_id),
    C(cloudmail_google_client_secret), C(cloudmail_google_update_secret)), with one administrator session per printer,
    the form read once, the write read back, the connection status waited for after a change, always logged out.
  - The printers are written from the controller in a bounded pool of threads. A printer that fails (bad variables,
    unreachable, wrong password, a value the device did not keep) fails only its own entry in RV(printers); the task
    itself does not fail. When the run is stopped (Ctrl-C, SIGTERM, the controller gone), printers not yet started are
    left alone, each printer in progress finishes its request in flight and logs out, and the task records every
    printer in RV(record) and fails.
  - One task for the whole batch instead of one per printer, so that the push costs about what the printers' own
    latency costs. Use with C(run_once); the connection settings come from each host's inventory variables, as in
    M(printfleet.cloudmail.fleet_status).
author:
  - printfleet.cloudmail contributors (@printfleet)
deprecated:
  removed_in: 2.0.0
  why: No playbook of the collection uses it; C(rollout.yml) pushes the settings with M(printfleet.cloudmail.fleet_rollout).
  alternative: Use M(printfleet.cloudmail.fleet_rollout) (or the C(rollout.yml) playbook), or M(printfleet.cloudmail.oauth_settings) per printer.
extends_documentation_fragment:
  - printfleet.cloudmail.fleet
options:
  hosts:
    description: Hosts to write, by default C(ansible_play_batch) (the hosts of the current C(serial) batch).
    type: list
    elements: str
  connection_required:
    description:
      - Fail the entry of a printer whose settings are on but whose connection status is C(not_connected) after
        the push (reason C(not_connected)), with a message that names the variables to check. Never in check mode.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: "Reads each printer and reports what would change; nothing is written."
  diff_mode:
    support: full
    description: "One diff per changed printer, headed by its host; a client secret shows as a mask."
  action:
    support: full
    description: "Runs on the controller as an action plugin, with one thread per printer being written."
seealso:
  - module: printfleet.cloudmail.fleet_rollout
  - module: printfleet.cloudmail.oauth_settings
  - module: printfleet.cloudmail.fleet_status
'''

EXAMPLES = r'''
- name: Push every printer's OAuth settings from its inventory variables
  printfleet.cloudmail.fleet_settings:
  run_once: true
  register: fleet_push

- name: Fail the printers whose push failed (the others go on)
  ansible.builtin.fail:
    msg: "{{ fleet_push.printers[inventory_hostname].msg }}"
  when: fleet_push.printers[inventory_hostname].failed
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
  sample: /home/ops/printfleet/reports/interrupted-20261203T115738Z-fleet_settings.json
printers:
  description:
    - Per host, the result M(printfleet.cloudmail.oauth_settings) gives (C(changed), C(provider), C(settings) with
      the secret masked, C(drops_token), C(connection_status), C(token_status), C(diff) in diff mode, C(warnings)),
      or the failure (C(failed), C(msg), C(problems) for invalid variables, C(reason) C(not_connected) with
      O(connection_required)).
  returned: always
  type: dict
  sample:
    printer-0001:
      changed: true
      failed: false
      provider: microsoft
      settings:
        enabled: true
        verify_server_certificate: true
        add_cn_to_verification: false
        authority_url: https://login.microsoftonline.com/organizations/oauth2/v2.0
      drops_token: null
      connection_status: connected
      token_status: inactive
    printer-0002:
      changed: false
      failed: true
      msg: "127.1.0.2: gave up on POST /login after 4 attempts: connection refused"
failed_hosts:
  description: Hosts whose variables were invalid or whose push failed, sorted.
  returned: always
  type: list
  elements: str
changed_hosts:
  description: Hosts whose settings were written (or would be, in check mode), sorted.
  returned: always
  type: list
  elements: str
msg:
  description: How many printers were pushed, changed and failed.
  returned: always
  type: str
'''
