# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A host's cloudmail_ variables as the rollout uses them: rendered, decrypted, plain.

Templates are rendered as the rollout would (``!unsafe`` values stay literal), vault values
decrypted when a secret is given, and values YAML read as numbers nobody meant (0443, 7:23)
refused, so that the action plugins and the inventory check command see the same values.
"""

from __future__ import annotations

import re

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import OpaqueValue, plain
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import MAX_ECHO_LENGTH, NAMESPACE_PREFIX, VariableProblem

__metaclass__ = type


def is_vaulted(value):
    """True for a vault-encrypted value, or one rendered from vault-encrypted data (also nested)."""
    from ansible.parsing.vault import VaultHelper

    if VaultHelper.get_ciphertext(value, with_tags=True) is not None:
        return True
    if isinstance(value, dict):
        return any(is_vaulted(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_vaulted(item) for item in value)
    return False


def render_namespace_variables(templar, variables, secret_variables=frozenset(), decrypt_vault=True):
    """The cloudmail_ variables of one host as the rollout would use them.

    Templates are rendered with ``templar`` (``!unsafe`` values stay literal, as
    in the rollout), vault values decrypted when ``decrypt_vault``. Returns
    ``(values, problems, hidden)``: plain values, a map of variable name to why
    it cannot be used (never quoting a secret), and the names whose value came
    from the vault and must never be shown.
    """
    from ansible.errors import AnsibleError

    values, problems, hidden = {}, {}, set()
    for name in sorted(variables):
        if not name.startswith(NAMESPACE_PREFIX):
            continue
        raw = variables[name]
        if is_vaulted(raw):
            hidden.add(name)
            if not decrypt_vault:
                values[name] = OpaqueValue('vault-encrypted')
                continue
        oddity = _yaml_number_oddity(raw)
        if oddity:
            values[name], problems[name] = OpaqueValue('value'), oddity
            continue
        try:
            rendered = templar.template(raw)
        except AnsibleError as exc:
            values[name] = OpaqueValue('template')
            if _is_vault_error(exc) and not decrypt_vault:
                hidden.add(name)
            elif _is_vault_error(exc):
                problems[name] = ('is vault-encrypted (or rendered from a vault value) and cannot be decrypted with '
                                  'the vault secrets given (--vault-id, --vault-password-file or '
                                  'ANSIBLE_VAULT_PASSWORD_FILE)')
            elif name in secret_variables or name in hidden:
                problems[name] = 'cannot be rendered (undefined variable or template error)'
            else:
                problems[name] = 'cannot be rendered: %s' % first_line(exc)
            continue
        if is_vaulted(rendered):
            hidden.add(name)
        values[name] = plain(rendered)
    return values, problems, frozenset(hidden)


def _is_vault_error(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if 'Vault' in type(exc).__name__ or 'undecryptable' in str(getattr(exc, 'message', '')):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def first_line(exc):
    text = str(getattr(exc, 'message', None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_YAML_SCALAR = re.compile(r'[^\s,#\]}]+')


def _yaml_number_oddity(value):
    """YAML 1.1 reads 443_000, 0443 (octal), 0x1bb and 7:23 (base 60) as numbers nobody meant."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    from ansible.module_utils._internal._datatag import AnsibleTagHelper

    origin = next((tag for tag in AnsibleTagHelper.tags(value) if type(tag).__name__ == 'Origin'), None)
    if origin is None or not origin.path or not origin.line_num or not origin.col_num:
        return None
    try:
        with open(origin.path, encoding='utf-8', errors='replace') as source:
            for number, line in enumerate(source, 1):
                if number == origin.line_num:
                    break
            else:
                return None
    except OSError:
        return None
    token = _YAML_SCALAR.match(line, origin.col_num - 1)
    written = token.group(0) if token else ''
    if not written or written.lstrip('+-') == str(abs(int(value))):
        return None
    return ('is written %s, which YAML reads as the number %d; write the number in plain decimal digits'
            % (written[:MAX_ECHO_LENGTH], int(value)))


def validate_rendered(host, templar, variables, validator, decrypt_vault=True):
    """``(values, problems)`` of one host: its cloudmail_ variables rendered as the rollout would, and what is
    wrong with them against the validator's schema, sorted."""
    values, unusable, hidden = render_namespace_variables(templar, variables, validator.secret_variables,
                                                          decrypt_vault)
    problems = [VariableProblem(host, name, why) for name, why in unusable.items()]
    problems += validator.validate(host, values, hidden)
    return values, sorted(problems, key=lambda problem: (problem.path, problem.message))


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
