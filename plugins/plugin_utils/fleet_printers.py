# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The printers of a fleet task: each inventory host's checked variables made a ``FleetPrinter``.

A ``FleetPrinter`` is what every fleet step works on (a read, a push, a rollout): the host's
connection options, its resolved profile and its provider. Each profile is resolved once per fleet.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.printfleet.cloudmail.plugins.module_utils.options import options_of
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import (
    CONNECTION_CONSTRAINTS,
    NEXT_PLAYBOOK,
    connection_argument_spec,
    in_inventory_terms,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import ProfileError, resolve_profile
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import checked_namespace_variables

__metaclass__ = type


class FleetPrinter:
    """One printer of a fleet task (read or written): its connection options, resolved profile and provider."""

    def __init__(self, name, params, profile, provider):
        self.name = name
        self.params = params
        self.profile = profile
        self.provider = provider

    def secrets(self):
        return [str(self.params.get('password') or '')]


class ProfileCache:
    """Each profile is resolved (files read, schema checked) once per fleet, not once per printer."""

    def __init__(self):
        self._resolved = {}

    def resolve(self, name, profile_file):
        key = (name, profile_file)
        if key not in self._resolved:
            try:
                self._resolved[key] = (resolve_profile(name, profile_file), None)
            except ProfileError as exc:
                self._resolved[key] = (None, exc)
        return self._resolved[key]


def connection_params(host, variables):
    """The connection options from a host's rendered cloudmail_ variables, checked as the modules check them.

    Returns ``(params, problem)``; the problem names the inventory variables, never a value.
    """
    spec = connection_argument_spec()
    given = options_of(variables, spec)
    validation = ArgumentSpecValidator(argument_spec=spec, **CONNECTION_CONSTRAINTS).validate(given)
    if validation.error_messages:
        return None, '%s: %s; %s' % (host, in_inventory_terms('; '.join(validation.error_messages)), NEXT_PLAYBOOK)
    return validation.validated_parameters, None


def fleet_printer(host, variables, profiles):
    """A FleetPrinter for the host, or the message that says why it cannot be read."""
    params, problem = connection_params(host, variables)
    if problem:
        return None, problem
    profile, error = profiles.resolve(params['profile'], params['profile_file'])
    if error is not None:
        return None, '%s: %s; fix %s in the inventory, check it with playbooks/status.yml, then run the playbook ' \
                     'again' % (host, error, error.variable)
    return FleetPrinter(host, params, profile, variables['cloudmail_provider']), None


def printer_from_hostvars(templar, host, hostvars, validator, profiles, secret_variables=('cloudmail_password',),
                          raw=None):
    """``(variables, printer, problems)`` of one host: its checked cloudmail_ variables and its FleetPrinter.

    Validation never decrypts a vaulted value; the ``secret_variables`` the device needs are
    rendered for real here, and never put in a message. ``raw``: the host's variables when the
    caller already has them (gathering them is the costly part).
    """
    if raw is None and (hostvars is None or host not in hostvars):
        return None, None, ['%s: not in the inventory' % host]
    raw = hostvars.raw_get(host) if raw is None else raw
    templar = templar.copy_with_new_env(available_variables=raw)
    variables, problems = checked_namespace_variables(templar, host, raw, validator)
    if problems:
        return None, None, [str(problem) for problem in problems]
    for name in secret_variables:
        if raw.get(name) is not None:
            variables[name] = str(templar.template(raw[name]))
    printer, problem = fleet_printer(host, variables, profiles)
    return variables, printer, [problem] if problem else []
