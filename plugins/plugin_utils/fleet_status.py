# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read the OAuth status of many printers at once, from the controller, in a bounded thread pool.

One task for the whole fleet instead of one task per printer: each printer still gets its own
session (login, status page, logout, always logged out), and a failing printer only fails its
own entry. Results never hold a secret: messages come from the shared client, which never puts
one in a message, and the host's own secrets are scrubbed from them once more.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import OAuthDevice
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import RemoteUIError, RemoteUISession
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_report import redact

__metaclass__ = type

# Inventory variable -> RemoteUISession argument, with the default the playbooks use (vars/connection.yml).
CONNECTION_VARIABLES = (
    ('cloudmail_host', 'host', None),
    ('cloudmail_port', 'port', 443),
    ('cloudmail_username', 'username', None),
    ('cloudmail_password', 'password', None),
    ('cloudmail_profile', 'profile', None),
    ('cloudmail_validate_certs', 'validate_certs', True),
    ('cloudmail_ca_path', 'ca_path', None),
    ('cloudmail_timeout', 'timeout', 10.0),
    ('cloudmail_retries', 'retries', 3),
)
_CONVERSIONS = {'port': int, 'timeout': float, 'retries': int,
                'validate_certs': lambda value: value if isinstance(value, bool) else str(value).lower() in (
                    'true', 'yes', 'on', '1')}


class PrinterRead:
    """What to read on one printer: its session settings and its provider."""

    def __init__(self, name, connection, provider):
        self.name = name
        self.connection = connection
        self.provider = provider

    def secrets(self):
        return [str(self.connection.get('password') or '')]


def connection_settings(variables):
    """RemoteUISession arguments from a host's rendered cloudmail_ variables."""
    settings = {}
    for variable, argument, default in CONNECTION_VARIABLES:
        value = variables.get(variable)
        if value is None or value == '':
            value = default
        if value is not None and argument in _CONVERSIONS:
            value = _CONVERSIONS[argument](value)
        settings[argument] = value
    return settings


def read_printer(printer, open_session=RemoteUISession):
    """One printer's status as ``oauth_info`` reports it (status page only), or its failure."""
    result = {'changed': False, 'failed': False}
    session = None
    try:
        session = open_session(**printer.connection)
        with session:
            status = OAuthDevice(session, printer.provider).read_status()
        result['providers'] = {printer.provider: status}
    except RemoteUIError as exc:
        result.update(failed=True, msg=str(exc))
    except Exception as exc:  # noqa: BLE001 - one printer's surprise must not stop the fleet
        result.update(failed=True, msg='%s: reading the status failed (%s: %s)' % (printer.name, type(exc).__name__, exc))
    if result['failed']:
        result['msg'] = redact(result['msg'], printer.secrets())
    if session is not None and session.warnings:
        result['warnings'] = [redact(warning, printer.secrets()) for warning in session.warnings]
    return result


def read_fleet(printers, workers, read=read_printer):
    """host -> result for every printer, at most ``workers`` at a time."""
    results = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(printers) or 1)))
    try:
        for printer, result in zip(printers, pool.map(read, printers)):
            results[printer.name] = result
    finally:
        # Interrupted: printers not yet started are left alone, those in progress still log out.
        pool.shutdown(wait=True, cancel_futures=True)
    return results
