#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: smtp_settings
short_description: Point a printer's e-mail sending at Exchange Online or Gmail with OAuth 2.0
version_added: 0.2.0
description:
  - Sets the SMTP settings of a printer's Remote UI, [Settings/Registration] > [Send] > [E-mail/I-Fax Settings]
    in the manual, that is SMTP server, port, encryption, the device's sender address and authentication by OAuth 2.0 with the
    printer's provider, so that scan to e-mail uses the token that M(printfleet.cloudmail.oauth_authorize) got.
  - Without O(smtp_server), O(smtp_port) and O(encryption) the provider's published submission endpoint is used,
    C(smtp.office365.com:587) with STARTTLS for Microsoft, C(smtp.gmail.com:587) with STARTTLS for Google
    (C(smtp.gmail.com:465) with SSL/TLS when O(smtp_port=465)).
  - Reads the current settings first and writes only when they differ; after a write it reads them back.
  - The provider's OAuth 2.0 settings must be set as well (M(printfleet.cloudmail.oauth_settings)); proving the
    whole chain is the job of M(printfleet.cloudmail.mail_test).
extends_documentation_fragment:
  - printfleet.cloudmail.connection
attributes:
  check_mode:
    support: full
    description: Reads the device and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows the settings that change.
options:
  provider:
    description:
      - Cloud mail provider whose OAuth 2.0 token authenticates the device to the SMTP server.
    type: str
    required: true
    choices: [microsoft, google]
  sender:
    description:
      - The device's e-mail address ([E-mail Address]), used as the sender of every scan.
      - Must be the mailbox that signed in during the authorization (or one it may send as); Exchange Online
        refuses other senders with C(5.7.60) or C(5.2.252), Gmail authenticates the token against it.
    type: str
    required: true
  smtp_server:
    description:
      - SMTP server name. Defaults to the provider's submission server.
    type: str
  smtp_port:
    description:
      - SMTP port. Defaults to 587.
      - With the provider's own server only its published ports are accepted (587 for Microsoft, 587 or 465 for Google).
    type: int
  encryption:
    description:
      - V(starttls) upgrades the connection with STARTTLS (port 587); V(ssl) uses SSL/TLS from the start (port 465).
      - Defaults to what the provider publishes for O(smtp_port).
    type: str
    choices: [starttls, ssl]
  tenant:
    description:
      - The Microsoft Entra ID tenant the printer authorizes with (as for M(printfleet.cloudmail.oauth_settings)).
      - Only used to warn when O(sender) is outside a tenant given as a domain name; Exchange Online accepts such
        a sender only when its domain is a verified domain of the tenant and the mailbox may send as it.
    type: str
seealso:
  - module: printfleet.cloudmail.oauth_settings
  - module: printfleet.cloudmail.mail_test
author:
  - printfleet.cloudmail contributors (@printfleet)
'''

EXAMPLES = r'''
- name: Send scans through Exchange Online with the printer's OAuth 2.0 token
  printfleet.cloudmail.smtp_settings:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: imagerunner_advance
    provider: microsoft
    sender: scanner@contoso.com
  delegate_to: localhost

- name: Send scans through Gmail on port 465 (SSL/TLS)
  printfleet.cloudmail.smtp_settings:
    host: "{{ cloudmail_host }}"
    username: "{{ cloudmail_username }}"
    password: "{{ cloudmail_password }}"
    profile: isensys_mf
    provider: google
    sender: scanner@example.org
    smtp_port: 465
  delegate_to: localhost
'''

RETURN = r'''
settings:
  description: The SMTP settings after the run (in check mode, as they would be).
  returned: success
  type: dict
  sample:
    server: smtp.office365.com
    port: 587
    encryption: starttls
    sender: scanner@contoso.com
    authentication: oauth_microsoft
step:
  description:
    - The step of the failure, C(smtp), recorded by the playbooks as C(printer_error_step).
    - C(reason) then says its kind (C(unreachable), C(wrong_password)...), from the error's class.
  returned: failed
  type: str
'''

from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_tasks import SMTP_SETTINGS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import run_module


def main():
    # Playbooks run this through the action plugin of the same name, in the worker process;
    # this entry point serves direct use, with the same argument spec and logic.
    run_module(SMTP_SETTINGS)


if __name__ == '__main__':
    main()
