# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Ansible side of the Remote UI client: options, sessions from options, and messages.

The HTTP session is in ``device_session``, page parsing in ``page_parser`` and
the error classes in ``errors``. This file holds what ties them to a task: the
connection options every module shares, a session built from them, and the
wording of messages, which names the inventory variables a user sets (through
``playbooks/vars/connection.yml``) rather than module options.
"""

from __future__ import annotations

__metaclass__ = type

import re

from ansible_collections.printfleet.cloudmail.plugins.module_utils.device_session import RemoteUISession
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import INVENTORY_VARIABLES, default

# What to run after fixing the inventory.
NEXT_PLAYBOOK = 'fix it in the inventory, check it with playbooks/status.yml, then run playbooks/rollout.yml again'


def connection_argument_spec():
    """The options every module shares; documented once in the ``connection`` doc fragment, defaults in ``options``."""
    return dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=default('port')),
        username=dict(type='str', required=True),
        password=dict(type='str', required=True, no_log=True),
        # No choices here: the names are the files in the collection's profiles/ directory,
        # checked when the profile is resolved, with a message that lists them.
        profile=dict(type='str'),
        profile_file=dict(type='path'),
        validate_certs=dict(type='bool', default=default('validate_certs')),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=default('timeout')),
        retries=dict(type='int', default=default('retries')),
        task_budget=dict(type='float', default=default('task_budget')),
        state_dir=dict(type='path'),
        # Set by the action plugin for a background (async) run: the module then needs no profile files.
        resolved_profile=dict(type='dict'),
    )


CONNECTION_CONSTRAINTS = dict(required_one_of=[('profile', 'profile_file')])


def variable_for(option):
    """The inventory variable behind a module option (the option itself when none is mapped)."""
    return INVENTORY_VARIABLES.get(option, option)


def in_inventory_terms(message):
    """A validation message of Ansible's argument checks, with options named as inventory variables."""
    def replace(match):
        return variable_for(match.group(0))
    return re.sub(r'\b(%s)\b' % '|'.join(sorted(INVENTORY_VARIABLES, key=len, reverse=True)), replace, message)


def session_from_params(params, profile, **kwargs):
    """A ``RemoteUISession`` configured from the connection options and a resolved profile."""
    return RemoteUISession(
        host=params['host'], port=params['port'], username=params['username'],
        password=params['password'], profile=profile,
        validate_certs=params['validate_certs'], ca_path=params['ca_path'],
        timeout=params['timeout'], retries=params['retries'],
        task_budget=params['task_budget'], state_dir=params.get('state_dir'), **kwargs)


def printer_label(inventory_host, address=None, port=None):
    """How every message names a printer: "inventory_host (address:port)", the port left out when not given.

    The one format of the collection's messages (per-host modules, fleet tasks, the pre-flight).
    """
    if not address or (port is None and address == inventory_host):
        return str(inventory_host)
    return '%s (%s)' % (inventory_host, address if port is None else '%s:%s' % (address, port))


def naming_host(result, inventory_host, address):
    """``result`` with its ``msg`` and ``warnings`` starting with "inventory_host (address): ".

    The client names the address it connects to (``cloudmail_host``); the operator knows the printer
    by its inventory name. Every result of a device task goes through here on the controller.
    """
    if not inventory_host:
        return result
    label = printer_label(inventory_host, address)

    def named(message):
        if message.startswith(inventory_host + ' (') and '): ' in message:
            return message  # already "inventory_host (address:port): ..."
        for known in (label, address, inventory_host):
            if known and message.startswith(known + ': '):
                return label + message[len(known):]
        return '%s: %s' % (label, message)

    result = dict(result)
    if result.get('msg'):
        result['msg'] = named(result['msg'])
    if result.get('warnings'):
        result['warnings'] = [named(warning) for warning in result['warnings']]
    return result
