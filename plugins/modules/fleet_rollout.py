#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: fleet_rollout
short_description: Pre-flight, configure and start the sign-in of every printer of the batch, one session each
version_added: 1.1.0
description:
  - Checks each host's C(cloudmail_*) variables against the collection's schema, then does on each printer, in one
    administrator session (one login, always logged out), what C(rollout.yml) used to do one task at a time.
  - The pre-flight (unless O(preflight=false) or the host's C(cloudmail_preflight) is false), as
    M(printfleet.cloudmail.preflight) does it; the cloud half (Entra ID tenant discovery with msal, the Google client
    ID) is asked once per tenant or client, proxy and CA, not once per printer. Nothing is written to a printer whose
    pre-flight failed, and no password is posted into a login form that does not match the profile.
  - The OAuth settings (unless O(settings=false)), as M(printfleet.cloudmail.oauth_settings) does it with the host's
    variables (C(cloudmail_provider), C(cloudmail_verify_server_certificate), C(cloudmail_add_cn_to_verification),
    C(cloudmail_microsoft_tenant) or C(cloudmail_microsoft_authority_url), C(cloudmail_google_client_id),
    C(cloudmail_google_client_secret), C(cloudmail_google_update_secret)), read back after the write, the connection
    status waited for when a sign-in follows (O(authorize)). A printer whose settings are on but that cannot reach
    its provider then fails with reason C(not_connected).
  - The SMTP settings when the host has C(cloudmail_smtp_sender), as M(printfleet.cloudmail.smtp_settings) does it.
  - The start of the sign-in (with O(authorize=true)), as M(printfleet.cloudmail.oauth_authorize) with
    C(state=started) does it; in check mode nothing is started, and the plan (RV(planned_writes), and with C(--diff)
    one diff per write, for the OAuth settings, the SMTP settings, the sign-in and the Google code, secrets masked) shows what the real run
    would write; an active token is left alone unless C(cloudmail_force_authorization) is true or
    it lapses within C(cloudmail_expiry_horizon_days). A Google printer whose code is in its own view of
    C(cloudmail_google_authorization_codes) gets that code entered right away, seconds after its own push, while the
    code is fresh (a warning says when the code is older than Google's 600 s).
  - The printers are handled from the controller in a bounded pool of threads. A printer that fails fails only its
    own entry in RV(printers) (with the step, the module of that step and the reason the fleet report derives its
    next action from); the task itself does not fail. When the run is stopped (Ctrl-C, SIGTERM, the controller gone),
    printers not yet started are left alone, each printer in progress finishes its request in flight and logs out,
    and the task records every printer in RV(record) and fails.
  - >-
    What each printer ends with is returned as the fact C(fleet_outcomes) (host -> C(printer_error),
    C(printer_error_step), the step that failed, C(printer_error_reason), C(printer_preflight), C(printer_pending),
    C(printer_authorization)), merged with what earlier steps recorded, for
    M(printfleet.cloudmail.authorization_summary), M(printfleet.cloudmail.authorization_wait) and
    M(printfleet.cloudmail.fleet_report). Use it with C(run_once), C(delegate_to: localhost) and
    C(delegate_facts: true), as C(rollout.yml) does; the fact is read from localhost.
author:
  - printfleet.cloudmail contributors (@printfleet)
extends_documentation_fragment:
  - printfleet.cloudmail.fleet
options:
  hosts:
    description: Hosts to handle, by default C(ansible_play_batch) (the hosts of the current C(serial) batch).
    type: list
    elements: str
  preflight:
    description: Run the pre-flight on each printer whose C(cloudmail_preflight) is not false.
    type: bool
    default: true
  settings:
    description: Push the OAuth settings (and, with O(smtp), the SMTP settings where C(cloudmail_smtp_sender) is set).
    type: bool
    default: true
  smtp:
    description: With O(settings), also push the SMTP settings of the printers whose C(cloudmail_smtp_sender) is set.
    type: bool
    default: true
  authorize:
    description: Start the sign-in where the token is not active (ignored in check mode).
    type: bool
    default: true
  run_started_at:
    description:
      - When the run started (seconds since the epoch), to warn about a Google code given then and older than its
        lifetime when it is entered.
    type: float
attributes:
  check_mode:
    support: full
    description: "The pre-flight runs and each printer is read; what would change is reported, nothing is written."
  diff_mode:
    support: full
    description: "One diff per changed printer, headed by its host; a client secret shows as a mask."
  action:
    support: full
    description: "Runs on the controller as an action plugin, with one thread per printer being handled."
seealso:
  - module: printfleet.cloudmail.preflight
  - module: printfleet.cloudmail.oauth_settings
  - module: printfleet.cloudmail.oauth_authorize
  - module: printfleet.cloudmail.authorization_wait
'''

EXAMPLES = r'''
- name: Check, configure and start the sign-in of every printer of the batch
  printfleet.cloudmail.fleet_rollout:
    authorize: "{{ not ansible_check_mode }}"
  run_once: true
  delegate_to: localhost
  delegate_facts: true
  register: fleet_rollout

- name: Start a sign-in where the token is not active, without pushing anything (as reauthorize.yml does)
  printfleet.cloudmail.fleet_rollout:
    preflight: false
    settings: false
  run_once: true
  delegate_to: localhost
  delegate_facts: true
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
  sample: /home/ops/printfleet/reports/interrupted-20261203T115738Z-fleet_rollout.json
printers:
  description:
    - Per host, the result of its steps (C(changed), C(provider), C(settings) with the secret masked,
      C(drops_token), C(connection_status), C(token_status), C(smtp), C(checks) of the pre-flight,
      C(authorization) with the user code or the authorization URL, C(pending), C(code_submitted), C(diff) in diff
      mode, C(warnings)), or the failure (C(failed), C(msg), C(step) that failed, C(reason), C(problems) for invalid
      variables).
  returned: always
  type: dict
  sample:
    printer-0001:
      changed: true
      failed: false
      provider: microsoft
      connection_status: connected
      token_status: authorizing
      authorization:
        user_code: ABCD-EFGH
        verification_url: https://microsoft.com/devicelogin
        expires_at: "2026-11-28T17:05:00Z"
      pending: true
      code_submitted: false
    printer-0002:
      changed: false
      failed: true
      step: preflight
      reason: check_failed
      msg: "printer-0002 (127.1.0.2): pre-flight failed, nothing was written to the printer: ..."
failed_hosts:
  description: Hosts whose variables were invalid or one of whose steps failed, sorted.
  returned: always
  type: list
  elements: str
changed_hosts:
  description: Hosts where something was written (or would be, in check mode), sorted.
  returned: always
  type: list
  elements: str
planned_writes:
  description:
    - In check mode, host -> what the real run would write on it, in order, among C(oauth_settings),
      C(smtp_settings), C(sign_in) (a sign-in started) and C(google_code) (the given Google code entered).
  returned: in check mode
  type: dict
  sample:
    printer-0001: [oauth_settings, smtp_settings, sign_in]
pending_hosts:
  description: Hosts waiting for a sign-in, sorted.
  returned: always
  type: list
  elements: str
msg:
  description: How many printers were handled, changed, wait for a sign-in and failed.
  returned: always
  type: str
'''
