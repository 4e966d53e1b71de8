# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Device profiles as data: find, extend, merge and validate them, on the controller.

A profile is a YAML file. The built-in ones live in the collection's ``profiles/``
directory (their file names are the only list of profile names); an operator's
own file is named by ``cloudmail_profile_file`` and may ``extends`` a built-in
one, overriding only what differs. Mappings are merged key by key, lists and
plain values are replaced. The result is checked against
``schemas/device_profile.schema.json`` and handed to the client as a plain dict.

This file imports nothing from the collection (only PyYAML and jsonschema), so
the test simulator loads it by path to serve exactly what the profiles say.
"""

from __future__ import annotations

import copy
import json
import os

__metaclass__ = type

COLLECTION_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
PROFILE_DIR = os.path.normpath(os.path.join(COLLECTION_ROOT, 'profiles'))
SCHEMA_PATH = os.path.normpath(os.path.join(COLLECTION_ROOT, 'schemas', 'device_profile.schema.json'))
PROFILE_SUFFIX = '.yml'
# Files named "_something.yml" are bases that profiles extend, never chosen directly.
BASE_PREFIX = '_'
MAX_EXTENDS_DEPTH = 8


class ProfileError(Exception):
    """A profile that cannot be used; ``variable`` is the inventory variable to fix."""

    def __init__(self, message, variable='cloudmail_profile'):
        super(ProfileError, self).__init__(message)
        self.variable = variable


def profile_names(profile_dir=PROFILE_DIR):
    """The built-in profiles a host may name in ``cloudmail_profile``."""
    return sorted(name[:-len(PROFILE_SUFFIX)] for name in os.listdir(profile_dir)
                  if name.endswith(PROFILE_SUFFIX) and not name.startswith(BASE_PREFIX))


def deep_merge(base, override):
    """``override`` on top of ``base``: mappings merged key by key, anything else replaced."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _read_yaml(path, variable):
    import yaml
    try:
        with open(path, encoding='utf-8') as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise ProfileError('cannot read the profile file %s (%s)' % (path, exc.strerror or exc), variable)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = ' at line %d' % (mark.line + 1) if mark is not None else ''
        raise ProfileError('the profile file %s is not valid YAML%s' % (path, where), variable)
    if not isinstance(data, dict):
        raise ProfileError('the profile file %s holds no mapping of profile keys' % path, variable)
    return data


def _built_in_path(name, profile_dir, variable, referrer=None):
    path = os.path.join(profile_dir, name + PROFILE_SUFFIX)
    if os.sep in name or '/' in name or not os.path.isfile(path):
        where = ' (extended by %s)' % referrer if referrer else ''
        raise ProfileError('unknown profile %r%s; known profiles: %s' % (
            name, where, ', '.join(profile_names(profile_dir))), variable)
    return path


def _resolve_file(path, profile_dir, variable, seen):
    if len(seen) > MAX_EXTENDS_DEPTH or path in seen:
        raise ProfileError('the profile %s extends itself (%s)' % (path, ' -> '.join(seen + [path])), variable)
    data = _read_yaml(path, variable)
    parent = data.pop('extends', None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ProfileError('%s: extends must name a built-in profile' % path, variable)
    base = _resolve_file(_built_in_path(parent, profile_dir, variable, path), profile_dir, variable, seen + [path])
    return deep_merge(base, data)


def resolve_profile(name=None, profile_file=None, profile_dir=PROFILE_DIR, schema_path=SCHEMA_PATH):
    """The complete, validated profile for a host: a built-in name, or an operator's file.

    ``profile_file`` wins over ``name`` (the file names its own base with ``extends``).
    The result carries ``name`` (the built-in name or the file path) for messages.
    """
    if profile_file:
        variable = 'cloudmail_profile_file'
        path = os.path.abspath(os.path.expanduser(profile_file))
        label = profile_file
    elif name:
        variable = 'cloudmail_profile'
        if name.startswith(BASE_PREFIX):
            raise ProfileError('%r is a base for other profiles, not a profile; known profiles: %s' % (
                name, ', '.join(profile_names(profile_dir))), variable)
        path = _built_in_path(name, profile_dir, variable)
        label = name
    else:
        raise ProfileError('no profile: set cloudmail_profile (one of %s) or cloudmail_profile_file'
                           % ', '.join(profile_names(profile_dir)))
    profile = _resolve_file(path, profile_dir, variable, [])
    profile['name'] = label
    problems = profile_problems(profile, schema_path)
    if problems:
        raise ProfileError('the profile %s is not valid: %s' % (label, '; '.join(problems)), variable)
    return profile


def missing_provider(profile, provider, profile_file=None, profile_dir=PROFILE_DIR):
    """Why ``profile`` cannot serve a printer of ``provider`` (it names no pages for it), or None.

    A profile carries only the providers its firmware has; the message names the profile and its file,
    the providers it has, and what to set.
    """
    have = sorted(profile.get('providers') or {})
    if provider is None or provider in have:
        return None
    if profile_file:
        source = os.path.abspath(os.path.expanduser(profile_file))
    else:
        source = os.path.join(profile_dir, profile['name'] + PROFILE_SUFFIX)
    return ('the profile %s (file %s) has no %s pages (no providers.%s): the firmware it describes offers %s only. '
            'Set cloudmail_provider to %s, or name a profile whose firmware offers %s (cloudmail_profile, or a file '
            'of your own in cloudmail_profile_file: playbooks/probe.yml drafts one), then run playbooks/rollout.yml' % (
                profile['name'], source, provider, provider, ' and '.join(have) or 'no provider',
                ' or '.join(have) or 'a provider it has', provider))


def profile_problems(profile, schema_path=SCHEMA_PATH):
    """What is wrong with a resolved profile, one text per problem naming the field."""
    import jsonschema
    with open(schema_path, encoding='utf-8') as handle:
        schema = json.load(handle)
    problems = []
    for error in sorted(jsonschema.Draft202012Validator(schema).iter_errors(profile), key=lambda e: list(e.path)):
        field = '.'.join(str(part) for part in error.path) or '(top level)'
        problems.append('%s: %s' % (field, _short(error)))
    return problems


def _short(error):
    if error.validator == 'additionalProperties' and isinstance(error.instance, dict):
        unknown = sorted(set(error.instance) - set(error.schema.get('properties', {})))
        return 'unknown key(s) %s (known: %s)' % (', '.join(repr(key) for key in unknown),
                                                  ', '.join(sorted(error.schema.get('properties', {}))))
    if error.validator == 'required':
        return error.message.replace("is a required property", 'is missing')
    return error.message if len(error.message) < 200 else error.message[:200] + '...'


def fitting_profiles(field_names, profile_dir=PROFILE_DIR):
    """The built-in profiles whose login form fields are all among ``field_names`` (a login page's fields)."""
    names = set(field_names or ())
    fitting = []
    for name in profile_names(profile_dir):
        try:
            login = resolve_profile(name, None, profile_dir)['login']
        except ProfileError:
            continue
        if login['username_field'] in names and login['password_field'] in names:
            fitting.append(name)
    return fitting


def fitting_profile_hint(field_names, current=None, profile_dir=PROFILE_DIR):
    """' The built-in profile X has these login fields: set cloudmail_profile: X.' or '' when none fits."""
    fitting = [name for name in fitting_profiles(field_names, profile_dir) if name != current]
    if not fitting:
        return ''
    return ' The login form holds the fields of the built-in profile %s: set cloudmail_profile: %s (and remove ' \
        'cloudmail_profile_file), then run rollout.yml.' % (' or '.join(fitting), fitting[0])
