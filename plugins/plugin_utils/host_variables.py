# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turn a host's variables, as an action plugin receives them, into plain data.

Vault-encrypted values (and values rendered from them) are never decrypted
here: they become an ``OpaqueValue`` so that checks and messages cannot reveal
them.
"""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.parsing.vault import VaultHelper

from ansible_collections.printfleet.cloudmail.plugins.module_utils.device_session import RemoteUISession
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import resolve_profile
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_validation import (
    NAMESPACE_PREFIX,
    OpaqueValue,
    VariableProblem,
)

__metaclass__ = type


def is_vaulted(value):
    return VaultHelper.get_ciphertext(value, with_tags=False) is not None


def plain(value):
    """Untagged builtin data; vaulted strings become opaque."""
    if is_vaulted(value):
        return OpaqueValue('vault-encrypted')
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def rendered_namespace_variables(templar, task_vars, secret_variables=frozenset()):
    """The host's cloudmail_ variables, templates rendered, and the names that could not be rendered.

    Returns ``(variables, unresolved)`` where ``unresolved`` maps a variable name
    to why it could not be rendered (no value of a secret variable is ever in it).
    """
    variables, unresolved = {}, {}
    for name in sorted(task_vars):
        if not name.startswith(NAMESPACE_PREFIX):
            continue
        raw = task_vars[name]
        if is_vaulted(raw):
            variables[name] = OpaqueValue('vault-encrypted')
            continue
        try:
            variables[name] = plain(templar.template(raw))
        except AnsibleError as exc:
            variables[name] = OpaqueValue('template')
            if name in secret_variables:
                unresolved[name] = 'cannot be rendered (undefined variable or template error)'
            else:
                unresolved[name] = 'cannot be rendered: %s' % str(exc.message if hasattr(exc, 'message') else exc).splitlines()[0]
    return variables, unresolved


def checked_namespace_variables(templar, host, task_vars, validator):
    """The host's rendered cloudmail_ variables and their problems against the validator's schema, sorted."""
    variables, unresolved = rendered_namespace_variables(templar, task_vars, validator.secret_variables)
    problems = [VariableProblem(host, name, why) for name, why in unresolved.items()]
    problems += validator.validate(host, variables)
    problems.sort(key=lambda problem: (problem.path, problem.message))
    return variables, problems


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
}
TYPES = {'port': int, 'timeout': float, 'retries': int}


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
