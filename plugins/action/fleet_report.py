# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Write the fleet report (JSON, CSV, HTML) on the controller, or merge the reports of several slices."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_report import (
    build_row,
    merge_reports,
    write_report,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import plain

__metaclass__ = type

# Their values are removed from every report cell, should a device message ever echo one.
SECRET_VARIABLES = ('cloudmail_password', 'cloudmail_google_client_secret')


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = False
    _VALID_ARGS = frozenset(('dest', 'slice', 'hosts', 'status_var', 'error_var', 'statuses', 'merge'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'dest': {'type': 'path', 'required': True},
            'slice': {'type': 'str', 'default': 'all'},
            'hosts': {'type': 'list', 'elements': 'str'},
            'status_var': {'type': 'str', 'default': 'printer_status'},
            'error_var': {'type': 'str', 'default': 'printer_error'},
            'statuses': {'type': 'dict'},
            'merge': {'type': 'bool', 'default': False},
        })[1]
        try:
            if args['merge']:
                document, paths, changed, sources = merge_reports(args['dest'])
                result['sources'] = sources
            else:
                hosts = args['hosts'] if args['hosts'] is not None else task_vars.get('ansible_play_hosts_all', [])
                rows, failed = [], []
                for host in sorted(set(hosts)):
                    row, error = self._row(host, task_vars.get('hostvars', {}), args)
                    rows.append(row)
                    if error:
                        failed.append(host)
                result['failed_hosts'] = failed
                document, paths, changed = write_report(args['dest'], args['slice'], rows)
        except (OSError, ValueError) as exc:
            raise AnsibleError('cannot write the fleet report in %s: %s' % (args['dest'], exc)) from exc
        result.update(changed=bool(changed), paths=paths, changed_files=changed, summary=document['summary'],
                      printers=document['printers'])
        result['msg'] = 'fleet report: %d printer(s), %d need an action' % (
            document['summary']['printers'], document['summary']['need_action'])
        return result

    def _row(self, host, hostvars, args):
        """The host's report row, and the error that stopped it in this run (empty when none)."""
        variables = hostvars[host] if host in hostvars else {}
        error = plain(variables.get(args['error_var']) or '')
        if args['statuses'] is not None:
            # One fleet-wide read (fleet_status): its failure is the host's latest error.
            status = plain(args['statuses'].get(host) or {})
            error = (status.get('msg') if status.get('failed') else '') or error
        else:
            status = plain(variables.get(args['status_var']) or {})
        row = build_row(
            host,
            {name: plain(variables.get(name)) for name in ('cloudmail_provider', 'cloudmail_profile', 'cloudmail_host')},
            status,
            error,
            secrets=self._secrets(variables, host),
        )
        return row, error

    @staticmethod
    def _secrets(variables, host):
        """The host's secret values, where they can be read, to scrub them from the report."""
        values = []
        for name in SECRET_VARIABLES:
            try:
                value = variables.get(name)
                values.append(str(value) if value is not None else '')
            except AnsibleError:
                continue  # undefined or undecryptable: it cannot be in a message either
        try:
            codes = variables.get('cloudmail_google_authorization_codes') or {}
            code = codes.get(host) if isinstance(codes, dict) else None
            if code is not None:
                values.append(str(code))
        except AnsibleError:
            pass  # undecryptable: it cannot be in a message either
        # Codes typed at the play's prompt (registered by the run-once pause, so every host has them).
        answers = variables.get('google_answers') or {}
        for answer in (answers.get('results') or []) if isinstance(answers, dict) else []:
            if isinstance(answer, dict) and answer.get('user_input'):
                values.append(str(answer['user_input']))
        return values
