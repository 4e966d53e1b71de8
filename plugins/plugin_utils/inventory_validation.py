# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a printer's inventory variables against the collection's JSON Schemas.

Runs on the controller only and never contacts a device. Used by the
``printfleet.cloudmail.validate_inventory`` action and, unchanged, as a command
for CI pipelines::

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
import copy
import datetime
import difflib
import functools
import importlib
import ipaddress
import json
import math
import os
import re
import ssl
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

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import device_profiles
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import OpaqueValue, plain

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


def load_schema(name=PRINTER_SCHEMA, schema_dir=SCHEMA_DIR):
    return copy.deepcopy(_load_schema(name, schema_dir))


@functools.lru_cache(maxsize=None)
def _load_schema(name, schema_dir):
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
        self.schema = load_schema(schema_name, schema_dir)
        self._validator = _strict_validator_class()(
            self.schema, registry=_schema_registry(schema_dir), format_checker=_format_checker())
        self._properties = _namespace_properties(load_schema(PRINTER_SCHEMA, schema_dir))
        # Variables whose value, or part of it, is a secret: never shown in a message.
        self.secret_variables = frozenset(
            name for name, subschema in self._properties.items() if _contains_write_only(subschema))

    def validate(self, host, variables, hidden=frozenset()):
        """Return the sorted problems of one host's variables (a dict of plain or OpaqueValue data).

        ``hidden`` names variables whose value must never be shown (vault-encrypted ones).
        """
        problems = set(_unusable_values(host, variables))
        unusable = {problem.path for problem in problems}
        errors = list(self._validator.iter_errors(variables))
        # A format check says precisely what is wrong; the pattern of the same value would only repeat it.
        precise = {_path_text(error.absolute_path) for error in errors if _is_precise(error)}
        for error in errors:
            path = _path_text(error.absolute_path)
            if path in unusable or (path in precise and not _is_precise(error)):
                continue
            for problem in self._describe(host, error, variables, hidden):
                problems.add(problem)
        problems.update(_profile_problems(host, variables))
        return sorted(problems, key=lambda problem: (problem.path, problem.message))

    # Turning a jsonschema error into words. jsonschema's own messages quote the
    # value (and for whole-object checks, every value), so they are never used.
    def _describe(self, host, error, variables, hidden=frozenset()):
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
        secret = self._is_secret_path(error.absolute_path) or (
            bool(error.absolute_path) and error.absolute_path[0] in hidden)
        shown = '' if secret else _shown_value(instance)
        description = error.schema.get('description') or (
            self._short_description(error.absolute_path[0]) if len(error.absolute_path) == 1 else '')
        if error.validator == 'type':
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            message = 'must be %s%s' % (' or '.join(_TYPE_NAMES.get(name, name) for name in expected),
                                        ', got %s' % _type_article(instance))
            if 'string' in expected and isinstance(instance, (int, float)) and not isinstance(instance, bool):
                # A department ID or PIN written as digits: YAML read a number (and dropped any leading zero).
                message += '; write it in quotes so that YAML reads it as text, for example %s: "%s"' % (
                    path or 'cloudmail_username', '...' if secret else instance)
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
        elif error.validator == 'format' and error.cause is not None:
            message = 'is not valid%s: %s' % (shown, error.cause)
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


def _is_precise(error):
    return error.validator == 'format' and error.cause is not None


# ---------------------------------------------------------------- checks JSON Schema cannot express
class _FormatProblem(ValueError):
    """Why a value does not have its schema ``format``; the text ends up in the message."""


@functools.lru_cache(maxsize=1)
def _strict_validator_class():
    """Draft 2020-12, except that a pattern ending in $ must match up to the very end of the text.

    Python's $ also matches before a final newline, so "mfp-01.example.com\\n" would pass the host pattern.
    """
    import jsonschema

    def pattern(validator, expected, instance, schema):
        if not validator.is_type(instance, 'string'):
            return
        whole = expected[:-1] + r'\Z' if expected.endswith('$') and not expected.endswith('\\$') else expected
        if not re.search(whole, instance):
            yield jsonschema.ValidationError('does not match %r' % expected)

    return jsonschema.validators.extend(jsonschema.Draft202012Validator, {'pattern': pattern})


def _format_checker():
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks('cloudmail-host', raises=_FormatProblem)(_check_host)
    checker.checks('pem-file', raises=_FormatProblem)(_check_pem_file)
    return checker


_HOST_LABEL = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')


def _check_host(value):
    """A DNS name or an IP address the modules can connect to; no port, scheme or path."""
    if not isinstance(value, str) or isinstance(value, OpaqueValue):
        return True
    if '://' in value or '/' in value:
        raise _FormatProblem('give the address only, without scheme or path')
    address = value[1:-1] if value.startswith('[') and value.endswith(']') else value
    if ':' in address:
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            raise _FormatProblem('not an IPv6 address; give the port in cloudmail_port, not in the host')
        return True
    if address != value:
        raise _FormatProblem('brackets are only for IPv6 addresses')
    labels = value[:-1].split('.') if value.endswith('.') else value.split('.')
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise _FormatProblem('not an IPv4 address (four numbers from 0 to 255, without leading zeros)')
        return True
    if not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise _FormatProblem('not a DNS name: labels of letters, digits and dashes, separated by dots')
    if labels[-1].isdigit():
        raise _FormatProblem('not a DNS name (its last label is a number) nor an IPv4 address')
    return True


_PEM_CERTIFICATE = re.compile(r'-----BEGIN (TRUSTED )?CERTIFICATE-----')
_MAX_CA_FILE_BYTES = 16 * 1024 * 1024


def _check_pem_file(value):
    """A file on the controller that the modules can load as their CA bundle."""
    if not isinstance(value, str) or isinstance(value, OpaqueValue):
        return True
    path = os.path.expanduser(os.path.expandvars(value))
    if not os.path.exists(path):
        raise _FormatProblem('no such file on the controller (%s)' % os.path.abspath(path))
    if os.path.isdir(path):
        raise _FormatProblem('is a directory; give the PEM file of the CA certificates')
    try:
        with open(path, 'rb') as ca_file:
            content = ca_file.read(_MAX_CA_FILE_BYTES + 1)
    except OSError as exc:
        raise _FormatProblem('cannot be read on the controller (%s)' % (exc.strerror or exc))
    if len(content) > _MAX_CA_FILE_BYTES:
        raise _FormatProblem('is larger than %d MB, which is no CA bundle' % (_MAX_CA_FILE_BYTES // 1024 // 1024))
    if not _PEM_CERTIFICATE.search(content.decode('latin-1')):
        raise _FormatProblem('is not a PEM file of certificates (no "-----BEGIN CERTIFICATE-----" line; '
                             'convert a DER file with: openssl x509 -inform der -in FILE -out FILE.pem)')
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, ValueError) as exc:
        raise _FormatProblem('holds no certificate that TLS can use (%s)' % (getattr(exc, 'reason', None) or exc))
    return True


def _unusable_values(host, variables, path=''):
    """Values no schema type describes, or that JSON Schema would let through: NaN, infinity, bytes, dates."""
    if isinstance(variables, dict):
        items = variables.items()
    elif isinstance(variables, list):
        items = enumerate(variables)
    else:
        items = []
    for key, value in items:
        where = _join_path(path, str(key))
        if isinstance(value, float) and not math.isfinite(value):
            yield VariableProblem(host, where, 'must be a finite number (got %s)' % value)
        elif isinstance(value, (bytes, bytearray)):
            yield VariableProblem(host, where, 'must be text, got binary data (!!binary)')
        elif isinstance(value, (datetime.date, datetime.time)):
            yield VariableProblem(host, where, 'must not be a date or time (YAML reads an unquoted date as one; '
                                               'quote the value)')
        elif isinstance(value, (set, frozenset, tuple)):
            yield VariableProblem(host, where, 'must not be a set or tuple')
        elif isinstance(value, (dict, list)):
            yield from _unusable_values(host, value, where)


def _profile_problems(host, variables):
    """A profile name must be a built-in one and a profile file must resolve and validate."""
    name, path = variables.get('cloudmail_profile'), variables.get('cloudmail_profile_file')
    if isinstance(path, OpaqueValue) or isinstance(name, OpaqueValue) or not isinstance(path or name or '', str):
        return []
    if path:
        variable = 'cloudmail_profile_file'
    elif name and re.match(r'^[a-z0-9][a-z0-9_]*$', name):
        variable = 'cloudmail_profile'
        known = device_profiles.profile_names()
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


# ---------------------------------------------------------------- values as the rollout sees them
def is_vaulted(value):
    """True for a vault-encrypted value, or one rendered from vault-encrypted data (also nested)."""
    from ansible.parsing.vault import VaultHelper

    if VaultHelper.get_ciphertext(value, with_tags=True) is not None:
        return True
    if isinstance(value, dict):
        return any(is_vaulted(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_vaulted(item) for item in value)
    return False


def render_namespace_variables(templar, variables, secret_variables=frozenset(), decrypt_vault=True):
    """The cloudmail_ variables of one host as the rollout would use them.

    Templates are rendered with ``templar`` (``!unsafe`` values stay literal, as
    in the rollout), vault values decrypted when ``decrypt_vault``. Returns
    ``(values, problems, hidden)``: plain values, a map of variable name to why
    it cannot be used (never quoting a secret), and the names whose value came
    from the vault and must never be shown.
    """
    from ansible.errors import AnsibleError

    values, problems, hidden = {}, {}, set()
    for name in sorted(variables):
        if not name.startswith(NAMESPACE_PREFIX):
            continue
        raw = variables[name]
        if is_vaulted(raw):
            hidden.add(name)
            if not decrypt_vault:
                values[name] = OpaqueValue('vault-encrypted')
                continue
        oddity = _yaml_number_oddity(raw)
        if oddity:
            values[name], problems[name] = OpaqueValue('value'), oddity
            continue
        try:
            rendered = templar.template(raw)
        except AnsibleError as exc:
            values[name] = OpaqueValue('template')
            if _is_vault_error(exc) and not decrypt_vault:
                hidden.add(name)
            elif _is_vault_error(exc):
                problems[name] = ('is vault-encrypted (or rendered from a vault value) and cannot be decrypted with '
                                  'the vault secrets given (--vault-id, --vault-password-file or '
                                  'ANSIBLE_VAULT_PASSWORD_FILE)')
            elif name in secret_variables or name in hidden:
                problems[name] = 'cannot be rendered (undefined variable or template error)'
            else:
                problems[name] = 'cannot be rendered: %s' % _first_line(exc)
            continue
        if is_vaulted(rendered):
            hidden.add(name)
        values[name] = plain(rendered)
    return values, problems, frozenset(hidden)


def _is_vault_error(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if 'Vault' in type(exc).__name__ or 'undecryptable' in str(getattr(exc, 'message', '')):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _first_line(exc):
    text = str(getattr(exc, 'message', None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_YAML_SCALAR = re.compile(r'[^\s,#\]}]+')


def _yaml_number_oddity(value):
    """YAML 1.1 reads 443_000, 0443 (octal), 0x1bb and 7:23 (base 60) as numbers nobody meant."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    from ansible.module_utils._internal._datatag import AnsibleTagHelper

    origin = next((tag for tag in AnsibleTagHelper.tags(value) if type(tag).__name__ == 'Origin'), None)
    if origin is None or not origin.path or not origin.line_num or not origin.col_num:
        return None
    try:
        with open(origin.path, encoding='utf-8', errors='replace') as source:
            for number, line in enumerate(source, 1):
                if number == origin.line_num:
                    break
            else:
                return None
    except OSError:
        return None
    token = _YAML_SCALAR.match(line, origin.col_num - 1)
    written = token.group(0) if token else ''
    if not written or written.lstrip('+-') == str(abs(int(value))):
        return None
    return ('is written %s, which YAML reads as the number %d; write the number in plain decimal digits'
            % (written[:_MAX_ECHO_LENGTH], int(value)))


# ---------------------------------------------------------------- the inventory, read as ansible-playbook does
class InventoryReadError(Exception):
    """The inventory (or a group_vars/host_vars file) cannot be read; one line per file."""


def _error_text(exc):
    """An Ansible error as one line, with the file, line and column it comes from when known."""
    message = _first_line(exc)
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
                lines.append('%s: %s' % (source, _first_line(best)))
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


def validate_rendered(host, templar, variables, validator, decrypt_vault=True):
    """``(values, problems)`` of one host: its cloudmail_ variables rendered as the rollout would, and what is
    wrong with them against the validator's schema, sorted."""
    values, unusable, hidden = render_namespace_variables(templar, variables, validator.secret_variables,
                                                          decrypt_vault)
    problems = [VariableProblem(host, name, why) for name, why in unusable.items()]
    problems += validator.validate(host, values, hidden)
    return values, sorted(problems, key=lambda problem: (problem.path, problem.message))


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
