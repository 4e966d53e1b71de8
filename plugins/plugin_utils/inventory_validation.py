# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a printer's inventory variables against the collection's JSON Schemas.

Runs on the controller only and never contacts a device. Used by the
``printfleet.cloudmail.validate_inventory`` action and, unchanged, as a command
for CI pipelines::

    python plugins/plugin_utils/inventory_validation.py -i inventories/prod

which runs ``ansible-inventory --list`` and prints one line per problem
(exit code 1 when any host is invalid, 2 when the inventory cannot be read).

This file imports nothing from the collection, so it also runs by path.
Messages name the host and the variable, and never contain the value of a
secret (schema properties marked ``writeOnly``), of a vault-encrypted value or
of a template that could not be rendered.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import os
import re
import subprocess
import sys

__metaclass__ = type

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'schemas')
PRINTER_SCHEMA = 'printer.schema.json'
FLEET_DEFAULTS_SCHEMA = 'fleet_defaults.schema.json'
NAMESPACE_PREFIX = 'cloudmail_'
DEFAULT_GROUP = 'printers'

# Only these checks can be made on a value whose content is not known here.
_CONTENT_CHECKS = frozenset(['pattern', 'format', 'enum', 'const', 'minLength', 'maxLength', 'type',
                             'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'])
_MAX_ECHO_LENGTH = 80
_TYPE_NAMES = {'string': 'a string', 'integer': 'an integer', 'number': 'a number', 'boolean': 'true or false',
               'object': 'a mapping', 'array': 'a list', 'null': 'null'}


class OpaqueValue(str):
    """A string whose content is not known here: vault-encrypted, or a template not rendered.

    Validated as "some string": checks of its content are skipped and it is never shown.
    """

    def __new__(cls, kind):
        return super().__new__(cls, '<%s>' % kind)


class VariableProblem:
    """One thing wrong with one host's variables."""

    __slots__ = ('host', 'path', 'message')

    def __init__(self, host, path, message):
        self.host = host
        self.path = path
        self.message = message

    def __str__(self):
        return '%s: %s: %s' % (self.host, self.path, self.message)

    def __repr__(self):
        return 'VariableProblem(%r)' % str(self)

    def __eq__(self, other):
        return isinstance(other, VariableProblem) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))

    def as_dict(self):
        return {'host': self.host, 'variable': self.path, 'message': self.message}


def load_schema(name=PRINTER_SCHEMA, schema_dir=SCHEMA_DIR):
    with open(os.path.join(schema_dir, name), encoding='utf-8') as schema_file:
        return json.load(schema_file)


def _schema_registry(schema_dir=SCHEMA_DIR):
    from referencing import Registry, Resource

    resources = []
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith('.schema.json'):
            schema = load_schema(name, schema_dir)
            resources.append((schema['$id'], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


class InventoryValidator:
    """Validates one host's variables at a time against one schema (printer or fleet defaults)."""

    def __init__(self, schema_name=PRINTER_SCHEMA, schema_dir=SCHEMA_DIR):
        import jsonschema

        self.schema = load_schema(schema_name, schema_dir)
        self._validator = jsonschema.Draft202012Validator(self.schema, registry=_schema_registry(schema_dir))
        self._properties = _namespace_properties(load_schema(PRINTER_SCHEMA, schema_dir))
        # Variables whose value, or part of it, is a secret: never shown in a message.
        self.secret_variables = frozenset(
            name for name, subschema in self._properties.items() if _contains_write_only(subschema))

    def validate(self, host, variables):
        """Return the sorted problems of one host's variables (a dict of plain or OpaqueValue data)."""
        problems = set()
        for error in self._validator.iter_errors(variables):
            for problem in self._describe(host, error, variables):
                problems.add(problem)
        problems.update(_profile_problems(host, variables))
        return sorted(problems, key=lambda problem: (problem.path, problem.message))

    # Turning a jsonschema error into words. jsonschema's own messages quote the
    # value (and for whole-object checks, every value), so they are never used.
    def _describe(self, host, error, variables):
        path = _path_text(error.absolute_path)
        instance = error.instance
        if isinstance(instance, OpaqueValue) and error.validator in _CONTENT_CHECKS:
            return []
        custom = _schema_error_message(error.schema)
        if custom and error.validator in ('anyOf', 'oneOf', 'not', 'allOf'):
            return [VariableProblem(host, path or _names_in(error.schema), custom)]
        if error.validator == 'required':
            missing = [name for name in error.validator_value if name not in instance]
            condition = _condition_text(error, variables)
            return [VariableProblem(host, _join_path(path, name), 'is required%s: %s' % (
                condition, self._short_description(name))) for name in missing]
        if error.validator == 'additionalProperties':
            return [self._unknown_variable(host, path, name)
                    for name in _additional_names(error.schema, instance)]
        secret = self._is_secret_path(error.absolute_path)
        shown = '' if secret else _shown_value(instance)
        description = error.schema.get('description') or (
            self._short_description(error.absolute_path[0]) if len(error.absolute_path) == 1 else '')
        if error.validator == 'type':
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            message = 'must be %s%s' % (' or '.join(_TYPE_NAMES.get(name, name) for name in expected),
                                        ', got %s' % _type_article(instance))
        elif error.validator == 'enum':
            message = 'must be one of %s%s' % (', '.join(str(value) for value in error.validator_value), shown)
        elif error.validator == 'const':
            message = 'must be %s%s' % (error.validator_value, shown)
        elif error.validator == 'minLength' and error.validator_value == 1:
            message = 'must not be empty'
        elif error.validator == 'minLength':
            message = 'must be at least %s characters long' % error.validator_value
        elif error.validator == 'maxLength':
            message = 'must be at most %s characters long' % error.validator_value
        elif error.validator == 'minimum':
            message = 'must be at least %s%s' % (error.validator_value, shown)
        elif error.validator == 'maximum':
            message = 'must be at most %s%s' % (error.validator_value, shown)
        elif error.validator == 'exclusiveMinimum':
            message = 'must be more than %s%s' % (error.validator_value, shown)
        elif error.validator == 'exclusiveMaximum':
            message = 'must be less than %s%s' % (error.validator_value, shown)
        elif error.validator == 'minItems':
            message = 'must not be empty'
        elif error.validator in ('pattern', 'format', 'anyOf', 'oneOf'):
            message = 'is not valid%s. Expected: %s' % (shown, description or 'see the schema')
        else:
            message = custom or 'is not valid (%s)%s' % (error.validator, shown)
        return [VariableProblem(host, path or '(variables)', message)]

    def _unknown_variable(self, host, path, name):
        message = 'unknown variable'
        # Compare without the shared prefix, which would make every name look close.
        suffixes = {known[len(NAMESPACE_PREFIX):]: known for known in self._properties}
        close = difflib.get_close_matches(name[len(NAMESPACE_PREFIX):], sorted(suffixes), n=1, cutoff=0.7)
        if close:
            message += ' (did you mean %s?)' % suffixes[close[0]]
        else:
            message += ' (not a printfleet.cloudmail variable; see schemas/printer.schema.json)'
        return VariableProblem(host, _join_path(path, name), message)

    def _short_description(self, name):
        description = self._properties.get(name, {}).get('description', '')
        return description.split('. ')[0].rstrip('.') if description else 'see the schema'

    def _is_secret_path(self, path):
        return bool(path) and path[0] in self.secret_variables


@functools.lru_cache(maxsize=1)
def _device_profiles():
    """The collection's profile resolver, loaded by path so that this file still runs on its own."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'device_profiles.py')
    spec = importlib.util.spec_from_file_location('printfleet_cloudmail_device_profiles', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _profile_problems(host, variables):
    """A profile name must be a built-in one and a profile file must resolve and validate."""
    name, path = variables.get('cloudmail_profile'), variables.get('cloudmail_profile_file')
    if isinstance(path, OpaqueValue) or isinstance(name, OpaqueValue) or not isinstance(path or name or '', str):
        return []
    if path:
        variable = 'cloudmail_profile_file'
    elif name and re.match(r'^[a-z0-9][a-z0-9_]*$', name):
        variable = 'cloudmail_profile'
        known = _device_profiles().profile_names()
        if name not in known:
            # Worded as the schema's other choices are; the names are the collection's profile files.
            return [VariableProblem(host, variable, 'must be one of %s (got "%s")' % (', '.join(known), name))]
    else:
        return []
    error = _profile_error(None if path else name, path)
    return [VariableProblem(host, variable, error)] if error else []


@functools.lru_cache(maxsize=64)
def _profile_error(name, path):
    """Why a profile does not resolve, or None; resolved once per process, not once per printer."""
    device_profiles = _device_profiles()
    try:
        device_profiles.resolve_profile(name, path)
    except device_profiles.ProfileError as exc:
        return str(exc)
    return None


def _namespace_properties(printer_schema):
    return printer_schema['$defs']['cloudmail_variables']['properties']


def _contains_write_only(schema):
    if isinstance(schema, dict):
        return schema.get('writeOnly') is True or any(_contains_write_only(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_contains_write_only(value) for value in schema)
    return False


def _schema_error_message(schema):
    return schema.get('errorMessage') if isinstance(schema, dict) else None


def _names_in(schema):
    """Variable names a combined rule is about, e.g. both alternatives of an anyOf."""
    names = []

    def collect(node):
        if isinstance(node, dict):
            for name in node.get('required', []):
                if name not in names:
                    names.append(name)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schema)
    return ', '.join(names) or '(variables)'


def _condition_text(error, variables):
    """' when cloudmail_provider is google' for a requirement that comes from an if/then rule."""
    if 'then' not in error.schema_path:
        return ''
    provider = variables.get('cloudmail_provider')
    if isinstance(provider, str) and not isinstance(provider, OpaqueValue):
        return ' when cloudmail_provider is %s' % provider
    return ' for this provider'


def _additional_names(schema, instance):
    properties = schema.get('properties', {})
    patterns = list(schema.get('patternProperties', {}))
    return [name for name in instance
            if name not in properties and not any(re.search(pattern, name) for pattern in patterns)]


def _path_text(path):
    return '.'.join(str(part) for part in path)


def _join_path(path, name):
    return '%s.%s' % (path, name) if path else name


def _type_article(value):
    if isinstance(value, bool):
        return 'true or false'
    if isinstance(value, int):
        return 'an integer'
    if isinstance(value, float):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, dict):
        return 'a mapping'
    if isinstance(value, list):
        return 'a list'
    if value is None:
        return 'nothing (null)'
    return type(value).__name__


def _shown_value(value):
    """' (got 70000)' for a short non-secret scalar, else ''."""
    if isinstance(value, OpaqueValue) or isinstance(value, (dict, list)) or value is None:
        return ''
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    if len(text) > _MAX_ECHO_LENGTH:
        return ''
    return ' (got %s)' % text


def namespace_variables(variables):
    """The cloudmail_ variables of a host, the only ones the schema is strict about."""
    return {name: value for name, value in variables.items() if name.startswith(NAMESPACE_PREFIX)}


# ---------------------------------------------------------------- inventory data
def from_inventory_json(value):
    """Plain data from ``ansible-inventory --list`` output: vault blobs and templates become opaque."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_vault'}:
            return OpaqueValue('vault-encrypted')
        return {key: from_inventory_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_inventory_json(item) for item in value]
    if isinstance(value, str) and ('{{' in value or '{%' in value):
        return OpaqueValue('template')
    return value


def group_hosts(inventory, group):
    """Every host of a group and of its child groups, from ``ansible-inventory --list`` output."""
    hosts, seen, pending = set(), set(), [group]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        entry = inventory.get(name, {})
        hosts.update(entry.get('hosts', []))
        pending.extend(entry.get('children', []))
    if group == 'all':
        hosts.update(inventory.get('_meta', {}).get('hostvars', {}))
    return sorted(hosts)


def validate_inventory_json(inventory, group=DEFAULT_GROUP, extra_vars=None, validator=None):
    """Problems of every host of ``group`` in parsed ``ansible-inventory --list`` output."""
    validator = validator or InventoryValidator()
    hostvars = inventory.get('_meta', {}).get('hostvars', {})
    problems = []
    for host in group_hosts(inventory, group):
        variables = dict(hostvars.get(host, {}))
        variables.update(extra_vars or {})
        problems.extend(validator.validate(host, from_inventory_json(namespace_variables(variables))))
    return problems


def _load_extra_vars(paths):
    import yaml

    merged = {}
    for path in paths:
        with open(path, encoding='utf-8') as extra_file:
            merged.update(yaml.safe_load(extra_file) or {})
    return merged


def main(argv=None):
    parser = argparse.ArgumentParser(
        description='Check every printer of an Ansible inventory against the printfleet.cloudmail schema '
                    '(no device is contacted, vault values are never decrypted).')
    parser.add_argument('-i', '--inventory', action='append', required=True, help='inventory source (repeatable)')
    parser.add_argument('--group', default=DEFAULT_GROUP, help='group holding the printers (default: printers)')
    parser.add_argument('-e', '--extra-vars-file', action='append', default=[], metavar='FILE',
                        help='YAML file of playbook settings given with -e @FILE (repeatable)')
    parser.add_argument('--ansible-inventory', default='ansible-inventory', help='ansible-inventory command to run')
    args = parser.parse_args(argv)

    command = [args.ansible_inventory, '--list']
    for source in args.inventory:
        command += ['-i', source]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        print('cannot run %s: %s' % (args.ansible_inventory, exc), file=sys.stderr)
        return 2
    if completed.returncode != 0:
        print('ansible-inventory failed:\n%s' % completed.stderr.strip(), file=sys.stderr)
        return 2
    try:
        inventory = json.loads(completed.stdout)
        extra_vars = _load_extra_vars(args.extra_vars_file)
    except (ValueError, OSError) as exc:
        print('cannot read the inventory or extra vars: %s' % exc, file=sys.stderr)
        return 2
    hosts = group_hosts(inventory, args.group)
    if not hosts:
        print('no host in group %s' % args.group, file=sys.stderr)
        return 2
    problems = validate_inventory_json(inventory, args.group, extra_vars)
    for problem in problems:
        print(problem)
    print('%d host(s) checked, %d problem(s)' % (len(hosts), len(problems)), file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
