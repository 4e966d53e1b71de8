# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type

DOCUMENTATION = r'''
name: printers
short_description: The printers group as a play's hosts, or a failed run saying why there is no printer
version_added: 1.1.0
description:
  - Returns the name of the printers group when it has hosts that the run's C(--limit) leaves.
  - Fails the run, before any play, when the inventory could not be read (the parse error of each source is
    named, as Ansible's inventory manager reads it), when the group is empty or missing, or when C(--limit)
    matches no host of the group. The message gives the validation command to run. ansible-playbook itself
    only warns and skips every play with C(no hosts matched), exiting 0.
  - Used in the C(hosts) line of the first play of every playbook of the collection.
  - With C(--syntax-check), C(--list-tasks) or C(--list-tags) it returns the group without any check, since these
    look at the playbook, not at the printers.
author:
  - printfleet.cloudmail contributors (@printfleet)
options:
  _terms:
    description: The playbook being run (named in the message), then optionally the group (default V(printers)).
    type: list
    elements: str
    required: true
'''

EXAMPLES = r'''
- name: Validate every printer's variables before any write
  hosts: "{{ lookup('printfleet.cloudmail.printers', 'rollout.yml') }}"
  gather_facts: false
  tasks: []
'''

RETURN = r'''
_raw:
  description: The group name, as one string, when the run has printers to work on.
  type: list
  elements: str
'''

from ansible import context
from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_check import NoPrinters, printers_or_fail
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import plain


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        playbook = str(terms[0]) if terms else 'the playbook'
        group = str(terms[1]) if len(terms) > 1 else 'printers'
        if any(context.CLIARGS.get(option) for option in ('syntax', 'listtasks', 'listtags')):
            return [group]  # --syntax-check (ansible-lint) and the listings look at the playbook, not at printers
        try:
            return [printers_or_fail(group, plain(variables.get('groups') or {}), variables.get('ansible_limit'),
                                     plain(variables.get('ansible_inventory_sources') or []), playbook)]
        except NoPrinters as exc:
            raise AnsibleError(str(exc)) from None
