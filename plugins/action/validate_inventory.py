# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check this host's cloudmail_ variables against the collection's schema, on the controller."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import checked_namespace_variables
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import (
    FLEET_DEFAULTS_SCHEMA,
    PRINTER_SCHEMA,
    InventoryValidator,
)

__metaclass__ = type

_SCHEMAS = {'printer': PRINTER_SCHEMA, 'fleet_defaults': FLEET_DEFAULTS_SCHEMA}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('schema', 'fail_on_error', 'hosts'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'schema': {'type': 'str', 'choices': sorted(_SCHEMAS), 'default': 'printer'},
            'fail_on_error': {'type': 'bool', 'default': True},
            'hosts': {'type': 'list', 'elements': 'str'},
        })[1]
        host = task_vars.get('inventory_hostname', '?')
        validator = InventoryValidator(_SCHEMAS[args['schema']])
        if args['hosts'] is not None:
            return self._fleet(result, args, validator, task_vars.get('hostvars'))
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
            result['step'] = 'validate'   # what the rescue blocks record (tasks/record_error.yml)
        else:
            result['msg'] = 'The variables of %s are valid.' % host
        return result

    def _fleet(self, result, args, validator, hostvars):
        """Every host of ``hosts`` in one task (run_once): each with its own variables, as it would see them."""
        invalid = {}
        for host in sorted(set(args['hosts'])):
            if hostvars is None or host not in hostvars:
                invalid[host] = '%s: not in the inventory' % host
                continue
            raw = hostvars.raw_get(host)
            templar = self._templar.copy_with_new_env(available_variables=raw)
            problems = checked_namespace_variables(templar, host, raw, validator)[1]
            if problems:
                invalid[host] = '%d problem(s) in the variables of %s:\n%s' % (
                    len(problems), host, '\n'.join(str(problem) for problem in problems))
        result.update(changed=False, valid=not invalid, invalid=invalid, invalid_hosts=sorted(invalid),
                      msg='%d of %d host(s) have invalid variables%s' % (
                          len(invalid), len(set(args['hosts'])), (': ' + ', '.join(sorted(invalid))) if invalid else ''))
        if invalid:
            result['failed'] = args['fail_on_error']
        return result
