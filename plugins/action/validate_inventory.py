# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check this host's cloudmail_ variables against the collection's schema, on the controller."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import checked_namespace_variables
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_validation import (
    FLEET_DEFAULTS_SCHEMA,
    PRINTER_SCHEMA,
    InventoryValidator,
)

__metaclass__ = type

_SCHEMAS = {'printer': PRINTER_SCHEMA, 'fleet_defaults': FLEET_DEFAULTS_SCHEMA}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('schema', 'fail_on_error'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'schema': {'type': 'str', 'choices': sorted(_SCHEMAS), 'default': 'printer'},
            'fail_on_error': {'type': 'bool', 'default': True},
        })[1]
        host = task_vars.get('inventory_hostname', '?')
        validator = InventoryValidator(_SCHEMAS[args['schema']])
        templar = self._templar.copy_with_new_env(available_variables=task_vars)
        variables, problems = checked_namespace_variables(templar, host, task_vars, validator)

        result.update(
            changed=False,
            valid=not problems,
            problems=[str(problem) for problem in problems],
            variables_checked=sorted(variables),
        )
        if problems:
            result['msg'] = '%d problem(s) in the variables of %s:\n%s' % (
                len(problems), host, '\n'.join(result['problems']))
            result['failed'] = args['fail_on_error']
        else:
            result['msg'] = 'The variables of %s are valid.' % host
        return result
