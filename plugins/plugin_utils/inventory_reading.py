# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An inventory read as ansible-playbook reads it, and every printer of a group checked.

``read_inventory`` gives Ansible's own loader, inventory and variable manager (directories,
group_vars, host_vars, YAML or INI, vault secrets), raising ``InventoryReadError`` with one
line per file that cannot be read; ``validate_fleet`` renders and checks each host of a group.
"""

from __future__ import annotations

import functools
import os
import re

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.host_variables import first_line, validate_rendered
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import DEFAULT_GROUP, InventoryValidator

__metaclass__ = type


class InventoryReadError(Exception):
    """The inventory (or a group_vars/host_vars file) cannot be read; one line per file."""


def _error_text(exc):
    """An Ansible error as one line, with the file, line and column it comes from when known."""
    message = first_line(exc)
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        origin = getattr(exc, 'obj', None)
        origin = getattr(origin, 'path', None) and origin or _origin_of(origin)
        if origin is not None and getattr(origin, 'path', None):
            where = origin.path + ''.join(':%d' % part for part in (origin.line_num, origin.col_num) if part)
            return '%s: %s' % (where, message)
        exc = exc.__cause__ or exc.__context__
    return message


def _origin_of(value):
    if value is None:
        return None
    from ansible.module_utils._internal._datatag import AnsibleTagHelper

    return next((tag for tag in AnsibleTagHelper.tags(value) if type(tag).__name__ == 'Origin'), None)


class _InventoryFailures:
    """Collects what the inventory manager would only warn about: a source no plugin could parse."""

    def __init__(self):
        self.failures = []   # the exceptions of the plugins that tried a source
        self.unparsed = []

    def __enter__(self):
        from ansible.inventory import manager

        self._manager, self._display = manager, manager.display
        collector = self

        class _Display:
            def __getattr__(self, name):
                return getattr(collector._display, name)

            def error_as_warning(self, msg, exception, **kwargs):
                collector.failures.append(exception)

            def warning(self, msg, *args, **kwargs):
                match = re.match(r'Unable to parse (.*) as an inventory source$', str(msg))
                if match:
                    collector.unparsed.append(match.group(1))

        manager.display = _Display()
        return self

    def __exit__(self, *exc_info):
        self._manager.display = self._display

    def lines(self):
        files = [source for source in self.unparsed if not os.path.isdir(source)] or self.unparsed
        lines = []
        for source in files:
            reasons = [exc for exc in self.failures if source in _error_text(exc) or source in str(exc.obj)]
            # The YAML and INI plugins both try every file: the one that got furthest says the most.
            located = [exc for exc in reasons if re.match(r'.*:\d+(:\d+)?: ', _error_text(exc))]
            best = (located or reasons or [None])[0]
            if best is None:
                lines.append('%s: not an inventory file or directory that Ansible can read (does it exist?)' % source)
            elif _error_text(best).startswith(source):
                lines.append(_error_text(best))
            else:
                lines.append('%s: %s' % (source, first_line(best)))
        return lines


def _activate_vault_secrets(secrets):
    """Make ``secrets`` the ones templating decrypts with (once per process in Ansible's own CLI)."""
    from ansible.parsing.vault import VaultSecretsContext

    current = VaultSecretsContext.current(optional=True)
    if current is None:
        VaultSecretsContext.initialize(VaultSecretsContext(secrets))
    else:
        current.secrets = secrets


def read_inventory(sources, vault_ids=(), vault_password_files=(), extra_vars_files=()):
    """Ansible's loader, inventory and variable manager for ``sources``, and whether vault secrets were given.

    Raises InventoryReadError naming the file when a source cannot be parsed.
    """
    from ansible.cli import CLI
    from ansible.errors import AnsibleError
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.utils.collection_loader._collection_config import AnsibleCollectionConfig
    from ansible.vars.manager import VariableManager

    if AnsibleCollectionConfig.collection_finder is None:
        from ansible.plugins.loader import init_plugin_loader

        init_plugin_loader()
    loader = DataLoader()
    try:
        secrets = CLI.setup_vault_secrets(loader, list(vault_ids), list(vault_password_files), ask_vault_pass=False,
                                          auto_prompt=False, initialize_context=False)
    except AnsibleError as exc:
        raise InventoryReadError('cannot read the vault secret: %s' % _error_text(exc))
    loader.set_vault_secrets(secrets)
    _activate_vault_secrets(secrets)
    with _InventoryFailures() as failures:
        try:
            inventory = InventoryManager(loader=loader, sources=list(sources))
        except AnsibleError as exc:
            raise InventoryReadError(_error_text(exc))
    if failures.unparsed:
        raise InventoryReadError('\n'.join(failures.lines()))
    variable_manager = VariableManager(loader=loader, inventory=inventory)
    extra_vars = {}
    for path in extra_vars_files:
        try:
            data = loader.load_from_file(path)
        except AnsibleError as exc:
            raise InventoryReadError(_error_text(exc))
        if not isinstance(data, dict):
            raise InventoryReadError('%s: an extra vars file must hold a mapping of variables' % path)
        extra_vars.update(data)
    variable_manager._extra_vars = dict(variable_manager.extra_vars, **extra_vars)
    return loader, inventory, variable_manager, bool(secrets)


def group_hosts(inventory, group):
    """The hosts of a group and of its child groups, in inventory order (no warning for an unknown group)."""
    entry = inventory.groups.get(group)
    return entry.get_hosts() if entry is not None else []


def validate_fleet(loader, inventory, variable_manager, group=DEFAULT_GROUP, decrypt_vault=True, validator=None):
    """``(hosts, problems)`` for every host of ``group``: rendered as the rollout would, then checked."""
    from ansible.errors import AnsibleError
    from ansible.template import Templar

    validator = validator or _printer_validator()
    hosts = group_hosts(inventory, group)
    problems, file_errors = [], []
    for host in hosts:
        try:
            variables = variable_manager.get_vars(host=host, include_hostvars=True)
        except AnsibleError as exc:
            file_errors.append('%s (while reading the variables of %s)' % (_error_text(exc), host.name))
            continue
        problems.extend(validate_rendered(host.name, Templar(loader=loader, variables=variables), variables,
                                          validator, decrypt_vault)[1])
    if file_errors:
        raise InventoryReadError('\n'.join(sorted(set(file_errors), key=file_errors.index)))
    return [host.name for host in hosts], problems


@functools.lru_cache(maxsize=1)
def _printer_validator():
    return InventoryValidator()
