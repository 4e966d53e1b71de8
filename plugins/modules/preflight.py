#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: preflight
short_description: Check a printer's cloud settings before anything is written to it
version_added: 0.2.0
description:
  - Runs on the controller, for the current host, from its inventory variables, and contacts no printer.
  - Microsoft (C(cloudmail_provider=microsoft)) - the authority (C(cloudmail_microsoft_authority_url), else
    C(cloudmail_microsoft_tenant)) must resolve to a tenant Entra ID knows, by OpenID discovery through the
    C(msal) library. A well-formed but wrong tenant would otherwise be written to the printer and drop its token.
  - Google (C(cloudmail_provider=google)) - C(cloudmail_google_client_id) must be well formed and, when Google
    answers, known to it (an unknown client is answered with C(invalid_client)). When Google cannot be reached
    the format check alone counts.
  - The clouds are reached through C(cloudmail_cloud_proxy), else the HTTPS_PROXY and NO_PROXY environment,
    and trusted with C(cloudmail_cloud_ca_path), else REQUESTS_CA_BUNDLE, else the system's CAs.
  - Fails the host, naming the variable and its value, when a check fails; the results are also set as a fact
    (O(fact)) for the fleet report.
author:
  - printfleet.cloudmail contributors (@printfleet)
requirements:
  - msal
  - requests
  - html5lib >= 1.1
options:
  fact:
    description: Name of the fact that receives the list of checks.
    type: str
    default: printer_preflight
attributes:
  check_mode:
    support: full
    description: "Only reads, so it runs the same in check mode."
  diff_mode:
    support: none
    description: "Nothing changes, so there is no diff."
  action:
    support: full
    description: "Runs on the controller as an action plugin."
'''

EXAMPLES = r'''
- name: Check the printer's cloud settings before any write
  printfleet.cloudmail.preflight:
'''

RETURN = r'''
checks:
  description: One entry per check made; also set as the fact named by O(fact).
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: 'microsoft_tenant, google_client_id, login_form or device_clock.', type: str}
    ok: {description: Whether the check passed., type: bool}
    message: {description: 'What was found, naming the inventory variable.', type: str}
  sample: [{"name": "microsoft_tenant", "ok": false, "message": "cloudmail_microsoft_tenant='contoso.com' is not a tenant Entra ID knows ..."}]
step:
  description:
    - The step of the failure, C(preflight), recorded by the playbooks as C(printer_error_step).
    - C(reason) then says its kind (C(unreachable), C(wrong_password)...), from the error's class.
  returned: failed
  type: str
'''
