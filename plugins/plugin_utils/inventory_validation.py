# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory check as a command: every printer's variables against the collection's JSON Schemas.

Runs on the controller only and never contacts a device. The same checks as the
``printfleet.cloudmail.validate_inventory`` action (validation_rules, host_variables,
inventory_reading), as a command for CI pipelines::

    python plugins/plugin_utils/inventory_validation.py -i inventories/prod [--vault-password-file FILE]

which reads the inventory with Ansible's own inventory manager (as
ansible-playbook does: directories, group_vars, host_vars, YAML or INI),
renders templates and decrypts vault values the way the rollout would, and
prints one line per problem (exit code 1 when any host is invalid, 2 when the
inventory cannot be read).

Run by path, this file first makes its own collection importable (see
``_import_own_collection``), then imports the collection's modules by name.
Messages name the host and the variable, and never contain the value of a
secret (schema properties marked ``writeOnly``), of a vault-encrypted value or
of a template that could not be rendered.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import types

__metaclass__ = type

_COLLECTION = 'ansible_collections.printfleet.cloudmail'
_COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _import_own_collection():
    """Run by path (the CI command), make this file's own collection importable under its name, once.

    An installed copy (.../ansible_collections/printfleet/cloudmail) is found through ansible-core's
    collection loader, its collection path first; a checkout is registered as the collection package.
    Every module is then imported by its collection name: one device_profiles module, one profile cache.
    """
    if _COLLECTION in sys.modules or __name__.startswith(_COLLECTION + '.'):
        return   # imported as part of the collection (action plugins, tests)
    from ansible.plugins.loader import init_plugin_loader
    from ansible.utils.collection_loader._collection_config import AnsibleCollectionConfig

    parts = _COLLECTION_ROOT.split(os.sep)
    installed = parts[-3:-1] == ['ansible_collections', 'printfleet'] and parts[-1] == 'cloudmail'
    if AnsibleCollectionConfig.collection_finder is None:
        init_plugin_loader([os.sep.join(parts[:-3])] if installed else None)
    if installed:
        return
    importlib.import_module('ansible_collections')   # the loader's root package, as for any collection
    for name, path in (('ansible_collections.printfleet', []), (_COLLECTION, [_COLLECTION_ROOT])):
        package = types.ModuleType(name)
        package.__path__, package.__package__ = path, name
        sys.modules[name] = package
    # What the loader keeps from meta/runtime.yml: plugin routing, which no module imported here goes through.
    sys.modules[_COLLECTION]._collection_meta = {}


_import_own_collection()

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_reading import (
    InventoryReadError,
    read_inventory,
    validate_fleet,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import DEFAULT_GROUP


def _source_lines_hidden():
    """Ansible's own warnings quote the lines around a value, which can hold a secret: show only file and line."""
    try:
        from ansible._internal._errors._error_utils import RedactAnnotatedSourceContext
    except ImportError:   # another ansible-core: its warnings are shown as it formats them
        return contextlib.nullcontext()
    return RedactAnnotatedSourceContext.when(True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Check every printer of an Ansible inventory against the printfleet.cloudmail schema, with the '
                    'values the rollout would use (templates rendered, vault values decrypted when a vault secret is '
                    'given). No device is contacted.')
    parser.add_argument('-i', '--inventory', action='append', required=True, help='inventory source (repeatable)')
    parser.add_argument('--group', default=DEFAULT_GROUP, help='group holding the printers (default: printers)')
    parser.add_argument('-e', '--extra-vars-file', action='append', default=[], metavar='FILE',
                        help='YAML file of playbook settings given with -e @FILE (repeatable)')
    parser.add_argument('--vault-id', action='append', default=[], help='vault identity, as for ansible-playbook')
    parser.add_argument('--vault-password-file', action='append', default=[], metavar='FILE',
                        help='vault password file, as for ansible-playbook (ANSIBLE_VAULT_PASSWORD_FILE works too)')
    parser.add_argument('--ansible-inventory', help=argparse.SUPPRESS)   # accepted for older CI scripts; unused
    args = parser.parse_args(argv)

    try:
        with _source_lines_hidden():
            loader, inventory, variable_manager, has_secrets = read_inventory(
                args.inventory, args.vault_id, args.vault_password_file,
                [path.lstrip('@') for path in args.extra_vars_file])
            hosts, problems = validate_fleet(loader, inventory, variable_manager, args.group,
                                             decrypt_vault=has_secrets)
    except InventoryReadError as exc:
        print('the inventory cannot be read:\n%s' % exc, file=sys.stderr)
        return 2
    if not hosts:
        print('no host in group %s' % args.group, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    print('%d host(s) checked, %d problem(s)%s' % (
        len(hosts), len(problems),
        '' if has_secrets else ' (vault-encrypted values checked for presence only: no vault secret given)'),
        file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
