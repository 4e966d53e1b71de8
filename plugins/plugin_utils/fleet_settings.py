# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a fleet push writes to each printer: its ``oauth_settings`` options from its inventory variables.

The push itself is the rollout's step (``fleet_rollout.push_printer``, ``printer_steps``); this module holds
the options each printer is given (mapped by the option registry), checked as the module checks them.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import SETTINGS_SPEC
from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import in_group, options_from_variables, secret_variables
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES, PROVIDERS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import NEXT_PLAYBOOK, in_inventory_terms, printer_label

__metaclass__ = type

# The secrets of a settings push (the device password, the Google client secret), from the option registry.
SECRET_VARIABLES = secret_variables('connection', *NAMES)


def settings_options(variables):
    """The oauth_settings options of a host, from its rendered cloudmail_ variables (mapped by the option registry)."""
    provider = variables.get('cloudmail_provider')
    options = dict((option.name, variables.get(option.variable, option.default)) for option in in_group('settings'))
    if provider in PROVIDERS:
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


def not_connected_message(printer):
    """Why a printer whose settings are on but which cannot reach its provider fails (reason ``not_connected``)."""
    params = printer.params
    return ("%s cannot reach %s (connection status not_connected): check the printer's network, DNS and "
            "proxy, and cloudmail_verify_server_certificate / cloudmail_add_cn_to_verification, then run rollout.yml "
            "again." % (printer_label(printer.name, params['host'], params['port']), params['provider']))
