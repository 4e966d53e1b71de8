#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: oauth_info
short_description: Read a printer's OAuth 2.0 settings, connection status and token status
version_added: 0.1.0
description:
  - Reads the OAuth 2.0 pages of a printer's Remote UI for Microsoft, Google or both and returns the settings
    (secrets masked), the server connection status, the token status and a pending Microsoft user code.
  - Status words are normalized whatever the UI language of the device (for example C(Actif) and C(Active) are
    both V(active)).
  - Never changes anything on the device.
extends_documentation_fragment:
  - printfleet.cloudmail.connection
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs unchanged in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
options:
  provider:
    description:
      - Which provider's pages to read; V(all) reads those of every provider the printer's profile has.
    type: str
    default: all
    choices: [microsoft, google, all]
seealso:
  - module: printfleet.cloudmail.oauth_settings
  - module: printfleet.cloudmail.oauth_authorize
author:
  - printfleet.cloudmail contributors (@printfleet)
'''

EXAMPLES = r'''
- name: Read the token status of every provider
  printfleet.cloudmail.oauth_info:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: imagerunner_advance
  delegate_to: localhost
  register: oauth

- name: Show printers whose Microsoft token is not active
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }}: {{ oauth.providers.microsoft.token_status }}"
  when: oauth.providers.microsoft.token_status != 'active'
'''

RETURN = r'''
providers:
  description: Per provider read, its settings and statuses.
  returned: always
  type: dict
  contains:
    microsoft:
      description: The Microsoft pages; absent when O(provider=google).
      returned: when O(provider) is V(microsoft), or V(all) and the profile has Microsoft pages
      type: dict
      contains:
        settings:
          description: C(enabled), C(verify_server_certificate), C(add_cn_to_verification), C(authority_url).
          type: dict
          returned: always
        connection_status:
          description: Normalized server connection status.
          type: str
          returned: always
          choices: [connected, not_connected, unknown]
        token_status:
          description: Normalized token status.
          type: str
          returned: always
          choices: [active, inactive, authorizing, expired, error]
        error_details:
          description: The device's error text, or null.
          type: str
          returned: always
        authorization:
          description:
            - The pending user code while an authorization waits for a person, else null.
            - Keys C(user_code), C(verification_url), C(message), C(expires_in) (seconds) and C(expires_at)
              (ISO 8601, UTC, from the controller's clock).
          type: dict
          returned: always
        token_refreshed_at:
          description: When the printer last obtained an access token (ISO 8601, UTC, as the printer shows it), or null.
          type: str
          returned: always
        token_expected_lapse_at:
          description:
            - When the refresh token is expected to lapse (ISO 8601, UTC, in the printer's clock), or null when unknown.
            - See RV(providers.microsoft.token_lapse_basis).
          type: str
          returned: always
        token_lapse_basis:
          description:
            - V(google_testing_7_days) is the end of the authorization that the printer shows (Google, client in
              testing status, 7 days after consent).
            - V(entra_90_days_unused) is the last refresh plus 90 days (an Entra ID refresh token lapses after 90 days
              without use).
            - V(unknown) where the printer does not say.
          type: str
          returned: always
          choices: [google_testing_7_days, entra_90_days_unused, unknown]
        token_lapses_in_days:
          description:
            - Days left until RV(providers.microsoft.token_expected_lapse_at) (negative once past), or null.
            - Counted from the printer's own date and time where its status page shows it, else from the
              controller's clock (see RV(providers.microsoft.token_lapse_clock)).
          type: float
          returned: always
        token_lapse_clock:
          description: Which clock RV(providers.microsoft.token_lapses_in_days) is counted on.
          type: str
          returned: always
          choices: [printer, controller]
        device_time:
          description: The printer's date and time when it was read (ISO 8601, UTC), or null when it shows none.
          type: str
          returned: always
    google:
      description:
        - The Google pages; absent when O(provider=microsoft). Same keys as RV(providers.microsoft);
          C(settings) holds C(client_id) and C(client_secret) (C(********) or null, never the secret).
      returned: when O(provider) is V(google), or V(all) and the profile has Google pages
      type: dict
  sample:
    microsoft:
      settings:
        enabled: true
        verify_server_certificate: true
        add_cn_to_verification: false
        authority_url: https://login.microsoftonline.com/organizations/oauth2/v2.0
      connection_status: connected
      token_status: authorizing
      error_details: null
      authorization:
        user_code: ABCD2345
        verification_url: https://microsoft.com/devicelogin
        message: To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD2345.
        expires_in: 899
        expires_at: "2026-11-28T10:15:00Z"
      token_refreshed_at: null
      token_expected_lapse_at: null
      token_lapse_basis: unknown
      token_lapses_in_days: null
      token_lapse_clock: printer
      device_time: "2026-11-28T10:00:05Z"
step:
  description:
    - The step of the failure, C(read), recorded by the playbooks as C(printer_error_step).
    - C(reason) then says its kind (C(unreachable), C(wrong_password)...), from the error's class.
  returned: failed
  type: str
'''

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import INFO, run_module


def main():
    # Playbooks run this through the action plugin of the same name, in the worker process;
    # this entry point serves direct use, with the same argument spec and logic.
    run_module(INFO)


if __name__ == '__main__':
    main()
