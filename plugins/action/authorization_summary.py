# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Gather every printer's pending sign-in into one table for one pause (controller side)."""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import AUTHORIZATION_TIMEOUT
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_summary import (
    hosts_by_provider,
    needs_operator,
    operator_text,
    pending_row,
    render_table,
    resolve_interactive,
    write_sign_in_sheet,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_outcomes import host_facts, recorded_outcomes
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import plain

__metaclass__ = type

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _VALID_ARGS = frozenset(('hosts', 'result_var', 'pending_var', 'error_var', 'interactive', 'wait_timeout',
                             'report_dir', 'report_slice'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'hosts': {'type': 'list', 'elements': 'str', 'required': True},
            'result_var': {'type': 'str', 'default': 'printer_authorization'},
            'pending_var': {'type': 'str', 'default': 'printer_pending'},
            'error_var': {'type': 'str', 'default': 'printer_error'},
            'interactive': {'type': 'raw', 'default': 'auto'},
            'wait_timeout': {'type': 'float', 'default': AUTHORIZATION_TIMEOUT},
            'report_dir': {'type': 'path'},
            'report_slice': {'type': 'str', 'default': 'all'},
        })[1]
        hostvars = task_vars.get('hostvars', {})
        rows, outcomes = [], recorded_outcomes(hostvars)
        for host in sorted(set(args['hosts'])):
            variables = hostvars[host] if host in hostvars else {}
            # The host's own facts, or what the fleet-wide rollout recorded for it.
            facts = host_facts(variables, host, (args['error_var'], args['pending_var'], args['result_var']), outcomes)
            if facts.get(args['error_var']) or not facts.get(args['pending_var'], False):
                continue
            started = plain(facts.get(args['result_var']) or {})
            authorization = started.get('authorization') if isinstance(started, dict) else None
            provider = variables.get('cloudmail_provider')
            # A printer whose code (Google's) was entered right after its push needs nothing more from the operator.
            if authorization and needs_operator(provider, started):
                rows.append(pending_row(host, provider, authorization))

        interactive = resolve_interactive(args['interactive'], task_vars)
        result.update(
            changed=False,
            interactive=interactive,
            pending=rows,
            table=render_table(rows) if rows else [],
            lines=operator_text(rows, interactive, args['wait_timeout']) if rows else [],
        )
        result.update(hosts_by_provider(rows))
        result['sign_in_sheet'] = write_sign_in_sheet(rows, args['report_dir'], args['report_slice'], args['wait_timeout'],
                                                      result['lines']) if rows and not self._task.check_mode else None
        result['prompt'] = '\n'.join(result['lines'])
        result['msg'] = '%d printer(s) wait for a sign-in' % len(rows)
        if rows:
            # Shown by Display, not in a pause: it must reach the operator whether or not a terminal is there.
            display.display(result['prompt'])
        return result
