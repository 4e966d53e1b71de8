# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one registry of the options a user sets through inventory variables.

Each option is defined here once: the module option, the ``cloudmail_*`` inventory variable
that sets it, its default, its type, whether it is a secret, the group it belongs to and a
line of documentation. The argument specs take their defaults from here, the messages their
variable names, the fleet actions their variable-to-option mapping and their masking list.
Files that cannot import Python (``playbooks/vars/connection.yml``, the playbooks'
``default(...)`` filters, ``schemas/printer.schema.json``, the ``connection`` doc fragment)
are checked against this registry by ``tests/unit/plugins/module_utils/test_options.py``.
"""

from __future__ import annotations

__metaclass__ = type

from collections import namedtuple

Option = namedtuple('Option', 'name variable default type secret group doc')

# group: 'connection' (every device module), 'microsoft' / 'google' (oauth_settings of that provider),
# 'settings' (oauth_settings, any provider), 'smtp' (smtp_settings), 'authorization', 'mail_test', 'probe'.
OPTIONS = (
    Option('host', 'cloudmail_host', None, 'str', False, 'connection', 'Name or address of the printer.'),
    Option('port', 'cloudmail_port', 443, 'int', False, 'connection', 'HTTPS port of the Remote UI.'),
    Option('username', 'cloudmail_username', None, 'str', False, 'connection', 'Administrator user of the Remote UI.'),
    Option('password', 'cloudmail_password', None, 'str', True, 'connection', 'Password (PIN) of the administrator.'),
    Option('profile', 'cloudmail_profile', None, 'str', False, 'connection', 'Built-in device profile.'),
    Option('profile_file', 'cloudmail_profile_file', None, 'path', False, 'connection', 'Device profile file of your own.'),
    Option('validate_certs', 'cloudmail_validate_certs', True, 'bool', False, 'connection',
           "Whether to verify the printer's TLS certificate."),
    Option('ca_path', 'cloudmail_ca_path', None, 'path', False, 'connection', "PEM file of the printers' CAs."),
    Option('timeout', 'cloudmail_timeout', 10, 'float', False, 'connection', 'Seconds each HTTP request may take.'),
    Option('retries', 'cloudmail_retries', 3, 'int', False, 'connection', 'Retries of a request that failed in transit.'),
    Option('task_budget', 'cloudmail_task_budget', 180, 'float', False, 'connection',
           'Seconds one task may spend on one printer.'),
    Option('state_dir', 'cloudmail_state_dir', None, 'path', False, 'connection', 'Directory of the login ledger.'),
    Option('provider', 'cloudmail_provider', None, 'str', False, 'settings', 'OAuth provider of the printer.'),
    Option('verify_server_certificate', 'cloudmail_verify_server_certificate', True, 'bool', False, 'settings',
           "Whether the printer verifies its provider's certificate."),
    Option('add_cn_to_verification', 'cloudmail_add_cn_to_verification', False, 'bool', False, 'settings',
           'Whether the printer adds the CN to that verification.'),
    Option('tenant', 'cloudmail_microsoft_tenant', None, 'str', False, 'microsoft', 'Entra ID tenant.'),
    Option('authority_url', 'cloudmail_microsoft_authority_url', None, 'str', False, 'microsoft',
           'Entra ID authority URL (instead of the tenant).'),
    Option('client_id', 'cloudmail_google_client_id', None, 'str', False, 'google', 'Google OAuth client ID.'),
    Option('client_secret', 'cloudmail_google_client_secret', None, 'str', True, 'google', 'Google OAuth client secret.'),
    Option('update_secret', 'cloudmail_google_update_secret', None, 'str', False, 'google',
           'When to write the client secret again.'),
    Option('wait_timeout', 'cloudmail_authorization_timeout', 900, 'float', False, 'authorization',
           'Seconds to wait for the sign-ins.'),
    Option('max_pages', 'cloudmail_probe_max_pages', 40, 'int', False, 'probe', 'Pages the probe may read.'),
    Option('draft_dir', 'cloudmail_report_dir', None, 'path', False, 'probe', 'Directory of the reports and drafts.'),
    Option('sender', 'cloudmail_smtp_sender', None, 'str', False, 'smtp', 'Sender address of the printer.'),
    Option('smtp_server', 'cloudmail_smtp_server', None, 'str', False, 'smtp', 'SMTP server (default: the provider\'s).'),
    Option('smtp_port', 'cloudmail_smtp_port', None, 'int', False, 'smtp', 'SMTP port (default: the provider\'s).'),
    Option('encryption', 'cloudmail_smtp_encryption', None, 'str', False, 'smtp', 'SMTP encryption.'),
    Option('recipient', 'cloudmail_mail_test_recipient', None, 'str', False, 'mail_test', 'Recipient of the test mail.'),
)

BY_NAME = dict((option.name, option) for option in OPTIONS)
# Module option -> the inventory variable that sets it; messages speak of the variables.
INVENTORY_VARIABLES = dict((option.name, option.variable) for option in OPTIONS)
# The variables whose values are removed from every result, report cell and message.
SECRET_VARIABLES = tuple(option.variable for option in OPTIONS if option.secret)
# Host -> secret: the Google authorization codes typed into the inventory (no module option; each host masks its own).
PER_HOST_SECRETS = ('cloudmail_google_authorization_codes',)
# The seconds the sign-ins are waited for, unless cloudmail_authorization_timeout says otherwise.
AUTHORIZATION_TIMEOUT = BY_NAME['wait_timeout'].default


def default(name):
    """The default of one option (None when it has none)."""
    return BY_NAME[name].default


def in_group(*groups):
    """The options of the given groups, in registry order."""
    return tuple(option for option in OPTIONS if option.group in groups)


def secret_variables(*groups):
    """The secret inventory variables of the given groups."""
    return tuple(option.variable for option in in_group(*groups) if option.secret)


def options_of(variables, names):
    """Option -> value for the registered options among ``names`` (an argument spec's, say) whose inventory
    variable is set: one option, one variable, whichever module takes it."""
    return dict((name, variables[BY_NAME[name].variable]) for name in names
                if name in BY_NAME and variables.get(BY_NAME[name].variable) not in (None, ''))


def options_from_variables(variables, *groups):
    """Option -> value for the options of ``groups`` whose inventory variable is set (not None, not '')."""
    return dict((option.name, variables[option.variable]) for option in in_group(*groups)
                if variables.get(option.variable) not in (None, ''))
