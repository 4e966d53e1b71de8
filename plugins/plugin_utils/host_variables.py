# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turn a host's variables, as an action plugin receives them, into plain data.

The rendering itself lives in inventory_validation (which also runs as a
command by path), so that the rollout and the command see the same values.
"""

from __future__ import annotations

from ansible_collections.printfleet.cloudmail.plugins.module_utils.device_session import RemoteUISession
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import resolve_profile
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_validation import (
    render_namespace_variables,
    validate_rendered,
)

__metaclass__ = type


def rendered_namespace_variables(templar, task_vars, secret_variables=frozenset()):
    """The host's cloudmail_ variables, templates rendered and vault values decrypted, and what cannot be used.

    Returns ``(variables, unresolved)`` where ``unresolved`` maps a variable name
    to why it cannot be used (no value of a secret variable is ever in it).
    """
    variables, unresolved, _hidden = render_namespace_variables(templar, task_vars, secret_variables)
    return variables, unresolved


def checked_namespace_variables(templar, host, task_vars, validator):
    """The host's rendered cloudmail_ variables and their problems against the validator's schema, sorted."""
    return validate_rendered(host, templar, task_vars, validator)


# The connection of a printer from its inventory variables, as playbooks/vars/connection.yml maps them:
# option -> (inventory variable, default; None when required).
CONNECTION_VARIABLES = {
    'host': ('cloudmail_host', None),
    'port': ('cloudmail_port', 443),
    'username': ('cloudmail_username', None),
    'password': ('cloudmail_password', None),
    'profile': ('cloudmail_profile', None),
    'profile_file': ('cloudmail_profile_file', None),
    'validate_certs': ('cloudmail_validate_certs', True),
    'ca_path': ('cloudmail_ca_path', None),
    'timeout': ('cloudmail_timeout', 10),
    'retries': ('cloudmail_retries', 3),
    'task_budget': ('cloudmail_task_budget', 180),
}
TYPES = {'port': int, 'timeout': float, 'retries': int, 'task_budget': float}


def connection_from_variables(variables):
    """Connection options from a host's (rendered) inventory variables; ``profile``/``profile_file`` unresolved."""
    connection = {}
    for option, (variable, default) in CONNECTION_VARIABLES.items():
        value = variables[variable] if variable in variables else default
        if option == 'validate_certs':
            value = str(value).lower() in ('true', 'yes', '1', 'on')
        elif option in TYPES:
            value = TYPES[option](value)
        elif value is not None:
            value = str(value)
        connection[option] = value
    return connection


def session_from_variables(variables, **kwargs):
    """A RemoteUISession on the controller for a host, from its rendered inventory variables.

    Raises ProfileError (naming cloudmail_profile / cloudmail_profile_file) for a bad profile.
    """
    connection = connection_from_variables(variables)
    profile = resolve_profile(connection.pop('profile'), connection.pop('profile_file'))
    return RemoteUISession(profile=profile, **dict(connection, **kwargs))
