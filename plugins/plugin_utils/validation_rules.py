# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rules a printer's variables must follow, and the words that say what is wrong.

``InventoryValidator`` checks one host's variables against the collection's JSON Schemas
(printer or fleet defaults), plus what a schema cannot say (values YAML made into dates,
bytes or NaN; a profile that must resolve), and turns each error into a ``VariableProblem``
that names the host and the variable. A message never shows the value of a secret (schema
properties marked ``writeOnly``), of a vault-encrypted value or of a template not rendered.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import functools
import json
import math
import os
import re

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import device_profiles
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import OpaqueValue
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.variable_formats import format_checker

__metaclass__ = type

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'schemas')
PRINTER_SCHEMA = 'printer.schema.json'
FLEET_DEFAULTS_SCHEMA = 'fleet_defaults.schema.json'
NAMESPACE_PREFIX = 'cloudmail_'
DEFAULT_GROUP = 'printers'

# Only these checks can be made on a value whose content is not known here.
_CONTENT_CHECKS = frozenset(['pattern', 'format', 'enum', 'const', 'minLength', 'maxLength', 'type',
                             'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'])
MAX_ECHO_LENGTH = 80
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
            self.schema, registry=_schema_registry(schema_dir), format_checker=format_checker())
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
    if error:
        return [VariableProblem(host, variable, error)]
    # Only a provider the schema knows (another value is the schema's problem, reported once).
    provider = variables.get('cloudmail_provider')
    known = _namespace_properties(_load_schema(PRINTER_SCHEMA, SCHEMA_DIR))['cloudmail_provider']['enum']
    missing = _missing_provider(None if path else name, path, provider) if provider in known else None
    return [VariableProblem(host, 'cloudmail_provider', missing)] if missing else []


@functools.lru_cache(maxsize=64)
def _profile_error(name, path):
    """Why a profile does not resolve, or None; resolved once per process, not once per printer."""
    try:
        device_profiles.resolve_profile(name, path)
    except device_profiles.ProfileError as exc:
        return str(exc)
    return None


@functools.lru_cache(maxsize=64)
def _missing_provider(name, path, provider):
    """Why the (valid) profile has no pages for the host's provider, or None: a profile carries only the
    providers its firmware has."""
    return device_profiles.missing_provider(device_profiles.resolve_profile(name, path), provider, path)


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


# What a value is, in words; bool before int, since true is an int to Python.
_ARTICLES = ((bool, 'true or false'), (int, 'an integer'), (float, 'a number'), (str, 'a string'), (dict, 'a mapping'),
             (list, 'a list'), (type(None), 'nothing (null)'))


def _type_article(value):
    return next((article for kind, article in _ARTICLES if isinstance(value, kind)), type(value).__name__)


def _shown_value(value):
    """' (got 70000)' for a short non-secret scalar, else ''."""
    if isinstance(value, OpaqueValue) or isinstance(value, (dict, list)) or value is None:
        return ''
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    if len(text) > MAX_ECHO_LENGTH:
        return ''
    return ' (got %s)' % text
