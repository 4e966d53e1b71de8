#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: mail_test
short_description: Have a printer send a test e-mail, proving SMTP settings, token and mailbox together
version_added: 0.2.0
description:
  - Starts the device's own [Send Test E-mail] in its Remote UI. The printer connects to its SMTP server,
    authenticates with its OAuth 2.0 token and sends one e-mail to O(recipient). The module reports what the
    device shows afterwards.
  - The result is V(sent), V(rejected) (with the server's reply, for example C(535 5.7.3 Authentication
    unsuccessful) or C(550 5.7.30) for a password set-up), V(failed) (no connection to the server) or
    V(not_tried) (check mode, or O(send=false), which only reads the last result).
  - A refused or failed test does not fail the task; the playbook decides (see RV(result) and RV(reason)).
extends_documentation_fragment:
  - printfleet.cloudmail.connection
attributes:
  check_mode:
    support: full
    description: Sends nothing; reports the device's last result.
  diff_mode:
    support: none
    description: Sending an e-mail changes no setting, so there is nothing to show as a diff.
options:
  recipient:
    description:
      - Address the test e-mail goes to. Required when O(send=true).
    type: str
  send:
    description:
      - V(false) only reads the result of the device's last test e-mail.
    type: bool
    default: true
seealso:
  - module: printfleet.cloudmail.smtp_settings
  - module: printfleet.cloudmail.oauth_info
author:
  - printfleet.cloudmail contributors (@printfleet)
'''

EXAMPLES = r'''
- name: Prove that the printer can send
  printfleet.cloudmail.mail_test:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: imagerunner_advance
    recipient: it-scans@contoso.com
  delegate_to: localhost
  register: mail

- name: Stop when the server refused it
  ansible.builtin.assert:
    that: mail.result == 'sent'
    fail_msg: "{{ mail.server_reply }}"
'''

RETURN = r'''
result:
  description: Outcome of the test e-mail as the device shows it.
  returned: success
  type: str
  choices: [sent, rejected, failed, not_tried]
  sample: rejected
server_reply:
  description: The SMTP server's reply (or the connection error) the device shows; null when not tried.
  returned: success
  type: str
  sample: 535 5.7.3 Authentication unsuccessful
reason:
  description:
    - Why the e-mail did not go out, from the reply; null when sent or not tried.
    - V(token_refused) the server refused the token (revoked, expired, or issued for another sender),
      V(basic_auth_refused) the device tried a password, V(sender_refused) the sender is not the mailbox,
      V(smtp_auth_disabled) SMTP AUTH is off for the mailbox or tenant, V(connection_failed) no connection.
  returned: success
  type: str
  sample: token_refused
tested_at:
  description: When the device sent its last test e-mail, in the device's own clock and format.
  returned: success
  type: str
  sample: 2026-11-28 14:05 UTC
step:
  description: The step of the failure, C(mail_test), which the playbooks record as C(printer_error_step).
  returned: failed
  type: str
'''

from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_tasks import MAIL_TEST
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import run_module


def main():
    # Playbooks run this through the action plugin of the same name, in the worker process;
    # this entry point serves direct use, with the same argument spec and logic.
    run_module(MAIL_TEST)


if __name__ == '__main__':
    main()
