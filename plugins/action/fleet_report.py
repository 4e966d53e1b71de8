# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Write the fleet report (JSON, CSV, HTML) on the controller, or merge the reports of several slices."""

from __future__ import annotations

import os

from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import PER_HOST_SECRETS, SECRET_VARIABLES
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.authorization_summary import resolve_interactive
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_files import (
    collection_version,
    merge_reports,
    previous_rows,
    run_metadata,
    summary_lines,
    write_report,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_rows import FACT_COLUMNS, build_row, merged_rows
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.report_states import needs_action
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_outcomes import host_facts, recorded_outcomes
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import OpaqueValue, plain

__metaclass__ = type

# The host variables a row shows or compares with the printer's settings.
ROW_VARIABLES = ('cloudmail_provider', 'cloudmail_profile', 'cloudmail_host', 'cloudmail_microsoft_tenant',
                 'cloudmail_microsoft_authority_url', 'cloudmail_google_client_id', 'cloudmail_expiry_horizon_days',
                 'cloudmail_clock_tolerance')
DEFAULT_REPORT_DIRECTORY = 'reports'
OUTCOME_FACTS = ('printer_error_reason', 'printer_error_step') + tuple(column.fact for column in FACT_COLUMNS)
# And what a row names the printer by: its own profile file (which wins over cloudmail_profile), its groups.
ROW_VARIABLES += ('cloudmail_profile_file', 'group_names')


def fail_on_attention(setting, task_vars, environment=None, is_interactive=resolve_interactive):
    """Whether printers needing an action fail the run.

    true / false as given; "auto" (the default): true when no person runs the play, that is when
    the environment has CI set to a true value (as CI services do), or when the run is not
    interactive by the same rule as cloudmail_interactive (AWX or Tower job, no terminal).
    """
    environment = os.environ if environment is None else environment
    if str(setting).lower() != 'auto':
        return boolean(setting, strict=True)
    if boolean(environment.get('CI') or 'false', strict=False):
        return True
    return not is_interactive(task_vars.get('cloudmail_interactive', 'auto'), task_vars)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = False
    _VALID_ARGS = frozenset(('dest', 'slice', 'hosts', 'status_var', 'error_var', 'statuses', 'merge',
                             'fail_on_attention', 'intended', 'fleet'))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec={
            'dest': {'type': 'path'},
            'slice': {'type': 'str', 'default': 'all'},
            'hosts': {'type': 'list', 'elements': 'str'},
            'status_var': {'type': 'str', 'default': 'printer_status'},
            'error_var': {'type': 'str', 'default': 'printer_error'},
            'statuses': {'type': 'dict'},
            'merge': {'type': 'bool', 'default': False},
            'fail_on_attention': {'type': 'raw', 'default': 'auto'},
            'intended': {'type': 'str', 'choices': ['present', 'absent'], 'default': 'present'},
            'fleet': {'type': 'list', 'elements': 'str'},
        })[1]
        # The directory the command runs in, never the collection's own (it may be installed read-only).
        dest = args['dest'] or os.path.join(os.getcwd(), DEFAULT_REPORT_DIRECTORY)
        try:
            attention_fails = fail_on_attention(args['fail_on_attention'], task_vars)
        except TypeError as exc:
            raise AnsibleError('cloudmail_fail_on_attention must be true, false or auto: %s' % exc) from exc
        metadata = run_metadata(plain(task_vars.get('ansible_inventory_sources') or []), collection_version())
        kept = []
        try:
            if args['merge']:
                document, paths, changed, sources = merge_reports(dest, metadata=metadata)
                result['sources'] = sources
            else:
                hosts = args['hosts'] if args['hosts'] is not None else task_vars.get('ansible_play_hosts_all', [])
                rows, errors = [], {}
                outcomes = recorded_outcomes(task_vars.get('hostvars'))
                for host in sorted(set(hosts)):
                    row, error = self._row(host, task_vars.get('hostvars', {}), args, outcomes)
                    rows.append(row)
                    if error:
                        errors[host] = error
                result['errors'] = errors
                # A run of some printers (--limit) updates their rows and keeps the others' as last read.
                fleet = args['fleet'] if args['fleet'] is not None else \
                    plain((task_vars.get('groups') or {}).get('printers') or [])
                rows, kept = merged_rows(rows, previous_rows(dest, args['slice']), fleet, metadata['generated_at'],
                                         errors)
                document, paths, changed = write_report(dest, args['slice'], rows, metadata)
        except (OSError, ValueError) as exc:
            raise AnsibleError('cannot write the fleet report in %s (cloudmail_report_dir): %s' % (dest, exc)) from exc
        summary = document['summary']
        lapsing = [row for row in document['printers'] if row['state'] == 'token_lapsing']
        if lapsing:
            result['warnings'] = ['%s: its %s token is expected to lapse at %s (in %s days, '
                                  'basis %s), within cloudmail_expiry_horizon_days: %s' % (
                                      row['host'], row['provider'], row.get('token_expected_lapse_at'),
                                      row.get('token_lapses_in_days'), row.get('token_lapse_basis'),
                                      row['next_action']) for row in lapsing]
        result.update(
            changed=changed, paths=paths, summary=summary, printers=document['printers'],
            generated_at=document['generated_at'], fail_on_attention=attention_fails,
            attention={row['host']: row['next_action'] for row in document['printers'] if needs_action(row)},
            kept_hosts=kept, lines=summary_lines(document, paths, kept),
            msg='fleet report: %d printer(s), %d need an action: %s' % (
                summary['printers'], summary['need_action'], paths['html']))
        return result

    def _row(self, host, hostvars, args, outcomes):
        """The host's report row, and the error that stopped it in this run (empty when none)."""
        variables = hostvars[host] if host in hostvars else {}
        # The host's own facts over what the fleet-wide steps of the run recorded for it.
        outcome = host_facts(variables, host, (args['error_var'],) + OUTCOME_FACTS, outcomes)
        row_variables = {}
        for name in ROW_VARIABLES:
            value = plain(variables.get(name))
            # A vaulted value is not known here: the printer's settings are then not compared with it.
            row_variables[name] = None if isinstance(value, OpaqueValue) else value
        message = plain(outcome.get(args['error_var']) or '')
        failure = None
        if message:
            failure = {'message': message,
                       'reason': plain(outcome.get('printer_error_reason')), 'step': plain(outcome.get('printer_error_step'))}
        if args['statuses'] is not None:
            # One fleet-wide read (fleet_status). An earlier step's failure is the one to fix first: it is kept.
            status = plain(args['statuses'].get(host) or {})
            if failure is None and status.get('failed'):
                message = status.get('msg') or 'the status could not be read'
                failure = {'message': message, 'reason': status.get('reason') or '',
                           'step': 'validate' if status.get('problems') else 'read'}
        else:
            status = plain(variables.get(args['status_var']) or {})
        facts = {column.fact: plain(outcome.get(column.fact, variables.get(column.fact))) for column in FACT_COLUMNS
                 if outcome.get(column.fact, variables.get(column.fact)) is not None}
        row = build_row(host, row_variables, status, failure, facts, secrets=self._secrets(variables, host),
                        intended=args['intended'])
        return row, message

    @staticmethod
    def _secrets(variables, host):
        """The host's secret values, where they can be read, to scrub them from the report."""
        values = []
        # Every secret of the option registry, should a device message ever echo one.
        for name in SECRET_VARIABLES:
            try:
                value = variables.get(name)
                values.append(str(value) if value is not None else '')
            except AnsibleError:
                continue  # undefined or undecryptable: it cannot be in a message either
        for name in PER_HOST_SECRETS:
            try:
                codes = variables.get(name) or {}
                code = codes.get(host) if isinstance(codes, dict) else None
                if code is not None:
                    values.append(str(code))
            except AnsibleError:
                continue  # undecryptable: it cannot be in a message either
        return values
