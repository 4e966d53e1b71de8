# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Push the OAuth settings of many printers at once, from the controller, in a bounded thread pool.

Each printer gets exactly what ``oauth_settings`` does with the options rollout.yml gives it
from the host's inventory variables: its own session, the read-back after the write, the wait
for the connection status, check and diff mode. A failing printer only fails its own entry.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import (
    SETTINGS_SPEC,
    Task,
    TaskFailed,
    run_settings,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import in_group, options_from_variables, secret_variables
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import NEXT_PLAYBOOK, in_inventory_terms
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_engine import published

__metaclass__ = type

# The secrets of a settings push (the device password, the Google client secret), from the option registry.
SECRET_VARIABLES = secret_variables('connection', 'microsoft', 'google')


def settings_options(variables):
    """The oauth_settings options of a host, from its rendered cloudmail_ variables (mapped by the option registry)."""
    provider = variables.get('cloudmail_provider')
    options = dict((option.name, variables.get(option.variable, option.default)) for option in in_group('settings'))
    if provider in ('microsoft', 'google'):
        options.update(options_from_variables(variables, provider))
    return options


class PrinterPush:
    """What to push to one printer: its validated oauth_settings parameters and resolved profile."""

    def __init__(self, name, params, profile, no_log_values):
        self.name = name
        self.params = params
        self.profile = profile
        self.no_log_values = no_log_values


def printer_to_push(printer, variables):
    """A PrinterPush from a host's FleetPrinter and variables, or the message that says why not."""
    given = dict(printer.params, **settings_options(variables))
    validation = ArgumentSpecValidator(**SETTINGS_SPEC).validate(given)
    if validation.error_messages:
        return None, '%s: %s; %s' % (printer.name, in_inventory_terms('; '.join(validation.error_messages)),
                                     NEXT_PLAYBOOK)
    no_log_values = set(validation._no_log_values) | set(value for value in printer.secrets() if value)
    return PrinterPush(printer.name, validation.validated_parameters, printer.profile, no_log_values), None


def not_connected(printer, result):
    """The failure of a printer whose settings are on but which cannot reach its provider."""
    params = printer.params
    return dict(result, failed=True, reason='not_connected', msg=(
        "%s (%s:%d) cannot reach %s (connection status not_connected): check the printer's network, DNS and "
        "proxy, and cloudmail_verify_server_certificate / cloudmail_add_cn_to_verification, then run rollout.yml "
        "again." % (printer.name, params['host'], params['port'], params['provider'])))


def push_printer(printer, check_mode=False, diff=False, connection_required=False):
    """One printer's ``oauth_settings`` result, or its failure; no secret in it.

    With ``connection_required``, a printer whose settings are on but whose connection status is
    ``not_connected`` fails too (reason ``not_connected``): authorizing it cannot work.
    """
    task = Task(printer.params, printer.profile, check_mode=check_mode, diff=diff)
    try:
        result = dict(run_settings(task), failed=False)
        if connection_required and result['settings'].get('enabled') and result['connection_status'] == 'not_connected':
            result = not_connected(printer, result)
    except TaskFailed as exc:
        result = dict(exc.result, changed=False, failed=True, msg=exc.msg)
    except Exception as exc:  # noqa: BLE001 - one printer's surprise must not stop the fleet
        result = dict(changed=False, failed=True, msg='%s: pushing the settings failed (%s: %s)' % (
            printer.name, type(exc).__name__, exc))
    if task.warnings:
        result['warnings'] = list(task.warnings)
    return published(result, printer.name, printer.params['host'], sorted(printer.no_log_values), printer.no_log_values)
