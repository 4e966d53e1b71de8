#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: oauth_authorize
short_description: Authorize a printer for OAuth 2.0 e-mail with Microsoft or Google
version_added: 0.1.0
description:
  - Drives the authorization step of the manual's procedure on a printer whose OAuth 2.0 settings are in place
    (see M(printfleet.cloudmail.oauth_settings)).
  - "Microsoft (device authorization grant): O(state=started) makes the device ask Microsoft Entra ID for a user
    code and returns it with the verification URL; a person signs in there and enters the code.
    O(state=completed) waits until the device holds an active token."
  - "Google (authorization code): O(state=started) returns the authorization URL (reading it changes nothing,
    so C(changed=false)); a person opens it, consents, and copies the C(code) parameter from the address of the
    browser's error page. O(state=completed) enters that code (O(authorization_code)) on the device and waits
    until the token is active."
  - Waiting polls the status page with a new short session per poll, so no administrator session is held
    open while a person signs in. Every wait is bounded by O(wait_timeout).
  - A printer whose token is already active is left alone unless O(force=true).
extends_documentation_fragment:
  - printfleet.cloudmail.connection
attributes:
  check_mode:
    support: full
    description: Only reads the device and reports what would happen; no code is requested or submitted.
  diff_mode:
    support: none
    description: There are no settings to compare.
options:
  provider:
    description:
      - Provider to authorize with.
    type: str
    required: true
    choices: [microsoft, google]
  state:
    description:
      - V(started) starts an authorization and returns what the person needs.
      - V(completed) finishes it (Google - submits O(authorization_code)) and waits for an active token.
    type: str
    default: started
    choices: [started, completed]
  force:
    description:
      - Start a new authorization even when the token is already active.
    type: bool
    default: false
  authorization_code:
    description:
      - The Google authorization code, the C(code) parameter of the address the browser shows after consent.
      - Required for O(provider=google) with O(state=completed) unless the token is already active.
      - Never shown in results or logs.
    type: str
  wait_timeout:
    description:
      - Seconds to wait with O(state=completed) for the token to become active.
    type: float
    default: 900
  wait_interval:
    description:
      - Seconds between two polls of the device's status page while waiting.
    type: float
    default: 5
seealso:
  - module: printfleet.cloudmail.oauth_settings
  - module: printfleet.cloudmail.oauth_info
author:
  - printfleet.cloudmail contributors (@printfleet)
'''

EXAMPLES = r'''
- name: Ask each printer for a Microsoft user code
  printfleet.cloudmail.oauth_authorize:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: imagerunner_advance
    provider: microsoft
    state: started
  delegate_to: localhost
  register: started

- name: Show the codes to the operator
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }}: open {{ started.authorization.verification_url }} and enter {{ started.authorization.user_code }}"
  when: started.authorization is not none

- name: Wait until every printer holds a token
  printfleet.cloudmail.oauth_authorize:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: imagerunner_advance
    provider: microsoft
    state: completed
    wait_timeout: 900
  delegate_to: localhost

- name: Submit the Google authorization code the operator copied
  printfleet.cloudmail.oauth_authorize:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: isensys_mf
    provider: google
    state: completed
    authorization_code: "{{ google_codes[inventory_hostname] }}"
  delegate_to: localhost
'''

RETURN = r'''
token_status:
  description: Normalized token status at the end of the run.
  returned: always
  type: str
  sample: authorizing
  choices: [active, inactive, authorizing, expired, error]
authorization:
  description:
    - What the person needs to authorize the device, or null when nothing was started.
    - "Microsoft: C(user_code), C(verification_url), C(message), C(expires_in) (seconds), C(expires_at)
      (ISO 8601, UTC, from the controller's clock)."
    - "Google: C(authorization_url)."
  returned: always
  type: dict
  sample:
    user_code: ABCD2345
    verification_url: https://microsoft.com/devicelogin
    message: To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD2345.
    expires_in: 899
    expires_at: "2026-11-28T10:15:00Z"
reason:
  description: Why the authorization failed, with a C(msg) that says what to do next.
  returned: failed
  type: str
  choices: [code_expired, declined, code_rejected, timeout, not_connected, missing_code]
  sample: code_expired
step:
  description: The step of the failure, C(authorize), which the playbooks record as C(printer_error_step).
  returned: failed
  type: str
'''

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import AUTHORIZE, run_module


def main():
    # Playbooks run this through the action plugin of the same name, in the worker process;
    # this entry point serves direct use, with the same argument spec and logic.
    run_module(AUTHORIZE)


if __name__ == '__main__':
    main()
