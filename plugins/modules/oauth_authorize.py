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
'''

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import (
    AuthorizationFailed,
    OAuthDevice,
    authorization_failure,
    wait_for_token,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import failure_reason
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    RemoteUIError,
    connection_argument_spec,
    session_from_module,
    warn_all,
)

# The connection status shows "checking" for a few seconds after a settings change.
CONNECTION_SETTLE_SECONDS = 30


def start(device, status, check_mode):
    """Start an authorization; returns (changed, authorization)."""
    if device.provider == 'google':
        # Reading the register page changes nothing (the change comes with the code), so this is
        # unchanged, and check mode shows the URL too.
        return False, {'authorization_url': device.google_authorization_url()}
    if status['token_status'] == 'authorizing' and status['authorization']:
        return False, status['authorization']
    if check_mode:
        return True, None
    return True, device.start_microsoft_authorization()


def check_completable(device, status, authorization_code):
    """Fail early, with a reason, when there is nothing the wait could complete."""
    if device.provider == 'google':
        if not authorization_code:
            raise authorization_failure(device.host, 'missing_code', provider='google')
    elif status['token_status'] != 'authorizing':
        details = status['error_details']
        raise authorization_failure(device.host, failure_reason(details or '') or 'missing_code', details)


def steps_in_one_session(module, device, completing):
    """What needs the device in one session; returns the result, or None when the token must be waited for."""
    params = module.params
    status = device.wait_for_connection(min(CONNECTION_SETTLE_SECONDS, params['wait_timeout']))
    if status['token_status'] == 'active' and not params['force']:
        return dict(changed=False, token_status='active', authorization=None)
    if status['connection_status'] == 'unknown':
        raise AuthorizationFailed(
            device.host, 'not_connected', 'the device is still checking its connection to the authorization '
            'server; run again in a minute (the settings were saved moments ago, or the device is slow)')
    if status['connection_status'] != 'connected':
        raise authorization_failure(device.host, 'not_connected', status['error_details'])
    if not completing:
        changed, authorization = start(device, status, module.check_mode)
        token_status = 'authorizing' if authorization and device.provider == 'microsoft' else status['token_status']
        return dict(changed=changed, token_status=token_status, authorization=authorization)
    check_completable(device, status, params['authorization_code'])
    if module.check_mode:
        return dict(changed=True, token_status=status['token_status'], authorization=None)
    if device.provider == 'google':
        device.submit_google_code(params['authorization_code'])
    return None


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        provider=dict(type='str', required=True, choices=['microsoft', 'google']),
        state=dict(type='str', default='started', choices=['started', 'completed']),
        force=dict(type='bool', default=False),
        authorization_code=dict(type='str', no_log=True),
        wait_timeout=dict(type='float', default=900),
        wait_interval=dict(type='float', default=5),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    provider, completing = params['provider'], params['state'] == 'completed'

    session = session_from_module(module)
    warnings = session.warnings
    try:
        with session:
            result = steps_in_one_session(module, OAuthDevice(session, provider), completing)
        if result is None:
            # The session is closed while the person signs in; each poll logs in briefly.
            status = wait_for_token(lambda: session_from_module(module), provider, params['wait_timeout'],
                                    params['wait_interval'], warnings=warnings)
            result = dict(changed=True, token_status=status['token_status'], authorization=None)
    except AuthorizationFailed as exc:
        warn_all(module, warnings)
        module.fail_json(msg=str(exc), reason=exc.reason)
    except RemoteUIError as exc:
        warn_all(module, warnings)
        module.fail_json(msg=str(exc))
    # Exits only after the logout, so that a failed logout still reaches the result as a warning.
    warn_all(module, warnings)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
