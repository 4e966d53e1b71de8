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

# Module option -> the inventory variable that sets it; messages speak of the variables.
INVENTORY_VARIABLES = {
    'host': 'cloudmail_host',
    'port': 'cloudmail_port',
    'username': 'cloudmail_username',
    'password': 'cloudmail_password',
    'profile': 'cloudmail_profile',
    'profile_file': 'cloudmail_profile_file',
    'validate_certs': 'cloudmail_validate_certs',
    'ca_path': 'cloudmail_ca_path',
    'timeout': 'cloudmail_timeout',
    'retries': 'cloudmail_retries',
    'task_budget': 'cloudmail_task_budget',
    'state_dir': 'cloudmail_state_dir',
    'provider': 'cloudmail_provider',
    'tenant': 'cloudmail_microsoft_tenant',
    'authority_url': 'cloudmail_microsoft_authority_url',
    'client_id': 'cloudmail_google_client_id',
    'client_secret': 'cloudmail_google_client_secret',
    'wait_timeout': 'cloudmail_authorization_timeout',
    'max_pages': 'cloudmail_probe_max_pages',
    'draft_dir': 'cloudmail_report_dir',
    'sender': 'cloudmail_smtp_sender',
    'smtp_server': 'cloudmail_smtp_server',
    'smtp_port': 'cloudmail_smtp_port',
    'encryption': 'cloudmail_smtp_encryption',
    'recipient': 'cloudmail_mail_test_recipient',
}
# What to run after fixing the inventory.
NEXT_PLAYBOOK = 'fix it in the inventory, check it with playbooks/status.yml, then run playbooks/rollout.yml again'


def connection_argument_spec():
    """The options every module shares; documented once in the ``connection`` doc fragment."""
    return dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=443),
        username=dict(type='str', required=True),
        password=dict(type='str', required=True, no_log=True),
        # No choices here: the names are the files in the collection's profiles/ directory,
        # checked when the profile is resolved, with a message that lists them.
        profile=dict(type='str'),
        profile_file=dict(type='path'),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=10),
        retries=dict(type='int', default=3),
        task_budget=dict(type='float', default=180),
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


def naming_host(result, inventory_host, address):
    """``result`` with its ``msg`` and ``warnings`` starting with "inventory_host (address): ".

    The client names the address it connects to (``cloudmail_host``); the operator knows the printer
    by its inventory name. Every result of a device task goes through here on the controller.
    """
    if not inventory_host:
        return result
    label = inventory_host if not address or address == inventory_host else '%s (%s)' % (inventory_host, address)

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
