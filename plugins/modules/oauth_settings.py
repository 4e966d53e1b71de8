#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: oauth_settings
short_description: Set a printer's OAuth 2.0 e-mail settings for Microsoft or Google
version_added: 0.1.0
description:
  - Sets the OAuth 2.0 settings of a printer's Remote UI, as the manual's steps
    [Settings/Registration] > [Send] > [OAuth 2.0 (Microsoft) Settings] or [OAuth 2.0 Settings (Google)]
    > [Basic Settings] > [Edit] do by hand.
  - Reads the current settings first and writes only when they differ; after a write it reads them back and
    waits (bounded) for the server connection status.
  - The device never shows the Google client secret back, so O(update_secret) decides when it is written.
  - Authorizing the device (user code or authorization code) is the job of M(printfleet.cloudmail.oauth_authorize).
extends_documentation_fragment:
  - printfleet.cloudmail.connection
attributes:
  check_mode:
    support: full
    description: Reads the device and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows the fields that change; the client secret only ever as C(********).
options:
  provider:
    description:
      - Cloud mail provider whose OAuth 2.0 settings are set.
    type: str
    required: true
    choices: [microsoft, google]
  state:
    description:
      - V(present) turns OAuth 2.0 on for O(provider) with these settings.
      - V(absent) turns it off for O(provider) and leaves the other fields as they are.
      - Turning OAuth off and on drops the device's token; it must be authorized again.
    type: str
    default: present
    choices: [present, absent]
  verify_server_certificate:
    description:
      - Whether the device verifies the authorization server's certificate ([Verify Server Certificate]).
    type: bool
    default: true
  add_cn_to_verification:
    description:
      - Whether the device also checks the certificate's common name ([Add CN to Verification Items]).
    type: bool
    default: false
  tenant:
    description:
      - Microsoft Entra ID tenant, used to build the authorization server endpoint
        C(https://login.microsoftonline.com/<tenant>/oauth2/v2.0).
      - V(common), V(consumers), V(organizations), a tenant ID (GUID) or a verified domain name.
      - Mutually exclusive with O(authority_url); one of them is required when O(provider=microsoft) and
        O(state=present).
    type: str
  authority_url:
    description:
      - Full authorization server endpoint for Microsoft, for clouds other than the global one.
      - Mutually exclusive with O(tenant).
    type: str
  client_id:
    description:
      - Google OAuth client ID from the Google Cloud console ([Client ID]).
      - Required when O(provider=google) and O(state=present).
    type: str
  client_secret:
    description:
      - Google OAuth client secret ([Client Secret]). Never shown in results, diffs or logs.
      - Required when O(provider=google) and O(state=present).
    type: str
  update_secret:
    description:
      - V(on_create) writes O(client_secret) only when OAuth is being turned on or O(client_id) changes, so
        that runs stay idempotent.
      - V(always) writes it on every run (the task then always reports a change), for example after rotating
        the secret.
    type: str
    default: on_create
    choices: [always, on_create]
  settle_timeout:
    description:
      - Seconds to wait after a write for the server connection status to leave C(unknown).
      - V(0) does not wait.
    type: float
    default: 30
seealso:
  - module: printfleet.cloudmail.oauth_info
  - module: printfleet.cloudmail.oauth_authorize
author:
  - printfleet.cloudmail contributors (@printfleet)
'''

EXAMPLES = r'''
- name: Use OAuth 2.0 with Microsoft Exchange Online
  printfleet.cloudmail.oauth_settings:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: imagerunner_advance
    ca_path: /etc/pki/printers-ca.pem
    provider: microsoft
    tenant: organizations
  delegate_to: localhost

- name: Use OAuth 2.0 with Google Workspace
  printfleet.cloudmail.oauth_settings:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: isensys_mf
    provider: google
    client_id: 1234567890-abc.apps.googleusercontent.com
    client_secret: "{{ vault_google_client_secret }}"
  delegate_to: localhost

- name: Turn OAuth 2.0 with Google off
  printfleet.cloudmail.oauth_settings:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: isensys_mf
    provider: google
    state: absent
  delegate_to: localhost
'''

RETURN = r'''
provider:
  description: The provider whose settings were handled.
  returned: always
  type: str
  sample: microsoft
settings:
  description:
    - The provider's settings after the run (in check mode, as they would be).
    - C(client_secret) is C(********) when a secret is or is being set, else null; the secret itself is never returned.
  returned: always
  type: dict
  sample:
    enabled: true
    verify_server_certificate: true
    add_cn_to_verification: false
    authority_url: https://login.microsoftonline.com/organizations/oauth2/v2.0
drops_token:
  description:
    - Why the change makes the device discard its current token (OAuth turned off, authority URL or
      client ID changed), or null when the token is kept. Also given in check mode, with a warning.
  returned: always
  type: str
  sample: OAuth 2.0 is turned off
connection_status:
  description: Server connection status after the run, normalized.
  returned: always
  type: str
  sample: connected
  choices: [connected, not_connected, unknown]
token_status:
  description: Token status after the run, normalized.
  returned: always
  type: str
  sample: inactive
  choices: [active, inactive, authorizing, expired, error]
step:
  description:
    - The step of the failure, C(settings), recorded by the playbooks as C(printer_error_step).
    - C(reason) then says its kind (C(unreachable), C(wrong_password)...), from the error's class.
  returned: failed
  type: str
'''

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import SETTINGS, run_module


def main():
    # Playbooks run this through the action plugin of the same name, in the worker process;
    # this entry point serves direct use, with the same argument spec and logic.
    run_module(SETTINGS)


if __name__ == '__main__':
    main()
