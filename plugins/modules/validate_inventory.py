#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
module: validate_inventory
short_description: Check a printer's inventory variables against the collection's schema
version_added: 0.1.0
description:
  - Validates the host's merged C(cloudmail_*) variables (host_vars, group_vars, extra vars) against
    C(schemas/printer.schema.json) (or the fleet defaults schema) on the controller, without contacting the device.
  - The values are checked as the rollout uses them. Templates are rendered first (an undefined variable is a
    problem); vault-encrypted values are decrypted and checked, and a value that cannot be decrypted with the
    vault secrets of the run is a problem; C(!unsafe) values are taken literally. No decrypted or secret value
    ever appears in a message.
  - Values the modules cannot use are refused, for example a C(cloudmail_host) that is no valid DNS name or IP
    address, a C(cloudmail_timeout) that is not a finite number, a number written in a form YAML reads
    differently (C(443_000)), or a C(cloudmail_ca_path) that is not a readable PEM file on the controller.
  - Unknown C(cloudmail_*) names are reported, with the closest known name, so typos are caught.
  - Messages name the host, the variable and what is wrong, and never contain a secret value.
  - The same check runs without a playbook with
    C(python plugins/plugin_utils/inventory_validation.py -i INVENTORY), for CI pipelines.
author:
  - printfleet.cloudmail contributors (@printfleet)
requirements:
  - jsonschema >= 4.18 on the controller (the collection's C(requirements.txt))
options:
  schema:
    description:
      - Which schema to check against. C(printer) requires everything a printer needs;
        C(fleet_defaults) only checks names and forms.
    type: str
    choices: [printer, fleet_defaults]
    default: printer
  fail_on_error:
    description:
      - Fail the host when its variables are invalid. With V(false) the result only reports the problems
        (used by the playbooks to decide for the whole fleet at once).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: "Validation changes nothing, so it runs the same in check mode."
  diff_mode:
    support: none
    description: "Nothing changes, so there is no diff."
  action:
    support: full
    description: "Runs on the controller as an action plugin; never contacts a printer."
notes:
  - Runs on the controller only (action plugin).
'''

EXAMPLES = r'''
- name: Check the printer's variables before any write
  printfleet.cloudmail.validate_inventory:

- name: Collect problems without failing, to decide for the whole fleet
  printfleet.cloudmail.validate_inventory:
    fail_on_error: false
  register: cloudmail_validation
'''

RETURN = r'''
valid:
  description: Whether the variables are valid.
  returned: always
  type: bool
problems:
  description: "One line per problem, C(host: variable: what is wrong), sorted."
  returned: always
  type: list
  elements: str
  sample: ["mfp-paris-01: cloudmail_port: must be at most 65535 (got 70000)"]
variables_checked:
  description: Names of the C(cloudmail_*) variables that were checked.
  returned: always
  type: list
  elements: str
step:
  description: The step of the failure, C(validate), which the playbooks record as C(printer_error_step).
  returned: failed (one host's check)
  type: str
'''
