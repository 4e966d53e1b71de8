# -*- coding: utf-8 -*-
"""Profiles as data: the built-in YAML files, extends with deep merge, and validation with clear messages."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip('jsonschema')

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (  # noqa: E402
    PROFILE_DIR,
    SCHEMA_PATH,
    ProfileError,
    deep_merge,
    profile_names,
    profile_problems,
    resolve_profile,
)

COLLECTION_ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture(scope='module')
def validator():
    schema = json.loads(Path(SCHEMA_PATH).read_text(encoding='utf-8'))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_profile_names_are_the_files_in_profiles_and_nothing_else():
    assert profile_names() == ['imagerunner_advance', 'isensys_mf']
    assert Path(PROFILE_DIR).resolve() == (COLLECTION_ROOT / 'profiles').resolve()
    # One list: neither the schemas nor the doc fragment repeat the names as an enum or choices.
    schema_text = (COLLECTION_ROOT / 'schemas' / 'device_profile.schema.json').read_text(encoding='utf-8')
    fragment = (COLLECTION_ROOT / 'plugins' / 'doc_fragments' / 'connection.py').read_text(encoding='utf-8')
    printer_schema = json.loads((COLLECTION_ROOT / 'schemas' / 'printer.schema.json').read_text(encoding='utf-8'))
    assert 'isensys_mf' not in schema_text
    assert 'choices: [imagerunner_advance' not in fragment
    assert 'enum' not in printer_schema['$defs']['cloudmail_variables']['properties']['cloudmail_profile']


@pytest.mark.parametrize('name', ['imagerunner_advance', 'isensys_mf'])
def test_built_in_profiles_resolve_complete_and_valid(validator, name):
    profile = resolve_profile(name)
    assert [error.message for error in validator.iter_errors(profile)] == []
    assert profile['name'] == name
    # Labels, status words and messages come from the shared base, per profile.
    assert 'Token Status' in profile['labels']['token_status']
    assert 'Vérification...' in profile['status_values']['connection_status']['unknown']
    assert profile['messages']['busy']


def test_deep_merge_merges_mappings_and_replaces_lists_and_values():
    base = {'login': {'path': '/login', 'extra_fields': {'uri': '/rps/'}}, 'after_login': ['/a'], 'x': {'y': 1}}
    merged = deep_merge(base, {'login': {'username_field': 'u', 'extra_fields': {'k': 'v'}},
                               'after_login': ['/b'], 'x': None})
    assert merged == {'login': {'path': '/login', 'username_field': 'u', 'extra_fields': {'uri': '/rps/', 'k': 'v'}},
                      'after_login': ['/b'], 'x': None}
    assert base['login']['extra_fields'] == {'uri': '/rps/'}   # the base is never changed


def write(tmp_path, text, name='site.yml'):
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


def test_a_user_profile_extends_a_built_in_one_and_overrides_only_what_differs(tmp_path):
    path = write(tmp_path, '''
extends: isensys_mf
description: MF 1127C with other login field numbers
login: {username_field: i0019, password_field: i2101}
after_login: [/portal_top.html]
request_spacing_seconds: 0.5
labels:
  token_status: [Token-Status]
providers:
  microsoft: {authorization_flow: code_after_save}
''')
    profile = resolve_profile('imagerunner_advance', path)   # the file wins over the name
    built_in = resolve_profile('isensys_mf')
    assert profile['name'] == path
    assert profile['login'] == dict(built_in['login'], username_field='i0019', password_field='i2101')
    assert profile['after_login'] == ['/portal_top.html'] and profile['request_spacing_seconds'] == 0.5
    assert profile['labels']['token_status'] == ['Token-Status']
    assert profile['labels']['connection_status'] == built_in['labels']['connection_status']
    assert profile['providers']['microsoft']['authorization_flow'] == 'code_after_save'
    assert profile['providers']['microsoft']['edit_path'] == built_in['providers']['microsoft']['edit_path']


@pytest.mark.parametrize('text, expected', [
    ('extends: isensys_mf\nlogin: {pasword_field: x}\n', "login: unknown key(s) 'pasword_field' (known: extra_fields, form_path, "
     "idle_timeout_seconds, lockout_seconds, lockout_threshold, password_field"),
    ('extends: isensys_mf\nlogin: {path: checkLogin.cgi}\n', "login.path: 'checkLogin.cgi' does not match"),
    ('extends: isensys_mf\nproviders: {microsoft: {authorization_flow: popup}}\n',
     "providers.microsoft.authorization_flow: 'popup' is not one of"),
    ('extends: imagerunner_advance\nproviders: {microsoft: {authorize_path: null}}\n',
     'providers.microsoft.authorize_path: None is not of type'),
    ('description: no base\n', "'login' is missing"),
])
def test_an_invalid_profile_file_names_the_file_the_field_and_the_variable(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as error:
        resolve_profile(None, path)
    assert error.value.variable == 'cloudmail_profile_file'
    assert path in str(error.value) and expected in str(error.value)


def test_unknown_names_list_the_known_profiles(tmp_path):
    with pytest.raises(ProfileError, match=r"unknown profile 'lbp_6030'; known profiles: imagerunner_advance, isensys_mf"):
        resolve_profile('lbp_6030')
    with pytest.raises(ProfileError, match=r"unknown profile 'mf_old' \(extended by .*site.yml\)"):
        resolve_profile(None, write(tmp_path, 'extends: mf_old\n'))
    with pytest.raises(ProfileError, match='is a base for other profiles'):
        resolve_profile('_base')
    with pytest.raises(ProfileError, match='cloudmail_profile_file'):
        resolve_profile()


def test_unreadable_and_malformed_files_are_clear_errors(tmp_path):
    with pytest.raises(ProfileError, match='cannot read the profile file .*missing.yml'):
        resolve_profile(None, str(tmp_path / 'missing.yml'))
    with pytest.raises(ProfileError, match='is not valid YAML at line 3'):
        resolve_profile(None, write(tmp_path, 'extends: isensys_mf\nlogin: [\n'))
    with pytest.raises(ProfileError, match='holds no mapping'):
        resolve_profile(None, write(tmp_path, '- a list\n'))


def test_the_schema_catches_a_broken_profile():
    broken = copy.deepcopy(resolve_profile('isensys_mf'))
    del broken['providers']['google']['fields']['client_secret']
    broken['markup'] = 'divs'
    broken['login']['path'] = 'checkLogin.cgi'
    del broken['labels']['token_status']
    problems = profile_problems(broken)
    assert len(problems) == 4
    assert any(problem.startswith('labels: ') and 'token_status' in problem for problem in problems)
