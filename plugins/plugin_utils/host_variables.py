# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turn a host's variables, as an action plugin receives them, into plain data.

The rendering itself lives in inventory_validation (which also runs as a
command by path), so that the rollout and the command see the same values.
"""

from __future__ import annotations

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
