# -*- coding: utf-8 -*-
"""The option registry, and every file that cannot import it checked against it, so that drift fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.printfleet.cloudmail.plugins.module_utils import options
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import authority_url, authority_url_for_tenant
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import AUTHORIZE_SPEC
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui import (
    INVENTORY_VARIABLES,
    connection_argument_spec,
    in_inventory_terms,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_settings import settings_options
# The validator's own rule for a secret variable (writeOnly anywhere inside its schema).
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import _contains_write_only
from ansible_collections.printfleet.cloudmail.tests.unit.documentation import documentation

ROOT = Path(__file__).resolve().parents[4]
JINJA_DEFAULT = re.compile(r'\{\{\s*(cloudmail_\w+)\s*\|\s*default\(([^()]*)\)')
SCHEMA_TYPES = {'str': 'string', 'path': 'string', 'int': 'integer', 'float': 'number', 'bool': 'boolean'}


def test_each_option_and_variable_is_defined_once():
    names = [option.name for option in options.OPTIONS]
    variables = [option.variable for option in options.OPTIONS]
    assert len(names) == len(set(names)) and len(variables) == len(set(variables))
    assert all(variable.startswith('cloudmail_') for variable in variables)
    assert all(option.doc for option in options.OPTIONS)


def test_the_mapping_and_masking_list_are_derived():
    assert INVENTORY_VARIABLES['tenant'] == 'cloudmail_microsoft_tenant'
    assert set(options.SECRET_VARIABLES) == {'cloudmail_password', 'cloudmail_google_client_secret'}
    assert options.secret_variables('connection') == ('cloudmail_password',)
    assert in_inventory_terms('missing required arguments: update_secret') == \
        'missing required arguments: cloudmail_google_update_secret'


def test_connection_argument_spec_takes_its_defaults_and_types_from_the_registry():
    spec = connection_argument_spec()
    for option in options.in_group('connection'):
        assert spec[option.name]['type'] == option.type, option.name
        assert spec[option.name].get('default') == option.default, option.name
        assert spec[option.name].get('no_log', False) == option.secret, option.name
    assert AUTHORIZE_SPEC['argument_spec']['wait_timeout']['default'] == options.AUTHORIZATION_TIMEOUT


def test_connection_doc_fragment_matches_the_registry():
    documented = documentation(ROOT / 'plugins' / 'doc_fragments' / 'connection.py')['options']
    for option in options.in_group('connection'):
        assert documented[option.name]['type'] == option.type, option.name
        assert documented[option.name].get('default') == option.default, option.name


@pytest.mark.parametrize('module, option', [('authorization_wait', 'timeout'), ('authorization_summary', 'wait_timeout'),
                                            ('google_codes', 'timeout'), ('oauth_authorize', 'wait_timeout')])
def test_authorization_timeout_documented_as_the_registry_says(module, option):
    documented = documentation(ROOT / 'plugins' / 'modules' / ('%s.py' % module))['options']
    assert documented[option]['default'] == options.AUTHORIZATION_TIMEOUT


def test_playbook_connection_mapping_matches_the_registry():
    mapping = yaml.safe_load((ROOT / 'playbooks' / 'vars' / 'connection.yml').read_text())['printer_connection']
    assert set(mapping) == {option.name for option in options.in_group('connection')}
    for name, template in mapping.items():
        option = options.BY_NAME[name]
        match = JINJA_DEFAULT.search(template)
        if match is None:
            assert template == '{{ %s }}' % option.variable and option.default is None, name
            continue
        assert match.group(1) == option.variable, name
        # The module's spec holds the default (from the registry): the mapping repeats no value.
        assert match.group(2).strip() == 'omit', name


def test_playbooks_leave_the_defaults_of_registered_options_to_the_modules():
    """No ``cloudmail_x | default(...)`` of a registered variable repeats a value: ``omit`` lets the module's spec,
    which takes it from the registry, give the default."""
    by_variable = dict((option.variable, option) for option in options.OPTIONS)
    checked = 0
    for path in sorted((ROOT / 'playbooks').rglob('*.yml')) + sorted((ROOT / 'plugins' / 'modules').glob('*.py')):
        for variable, given in JINJA_DEFAULT.findall(path.read_text()):
            if variable not in by_variable:
                continue
            assert given.strip() == 'omit', '%s: %s | default(%s)' % (path.name, variable, given)
            checked += 1
    assert checked >= 8  # connection.yml's and the authorization timeout's at least


def test_printer_schema_matches_the_registry():
    schema = json.loads((ROOT / 'schemas' / 'printer.schema.json').read_text())
    properties = schema['$defs']['cloudmail_variables']['properties']
    for option in options.OPTIONS:
        assert option.variable in properties, option.variable
        assert _contains_write_only(properties[option.variable]) == option.secret, option.variable
        declared = properties[option.variable].get('type')
        if isinstance(declared, str):
            assert declared == SCHEMA_TYPES[option.type], option.variable
    assert {name for name, value in properties.items() if _contains_write_only(value)} == \
        set(options.SECRET_VARIABLES + options.PER_HOST_SECRETS)


def test_settings_options_follow_the_registry():
    variables = {'cloudmail_provider': 'google', 'cloudmail_google_client_id': 'id', 'cloudmail_google_client_secret': 's',
                 'cloudmail_microsoft_tenant': 'contoso.com', 'cloudmail_google_update_secret': ''}
    assert settings_options(variables) == dict(provider='google', verify_server_certificate=True,
                                               add_cn_to_verification=False, client_id='id', client_secret='s')
    variables = {'cloudmail_provider': 'microsoft', 'cloudmail_microsoft_tenant': 'contoso.com',
                 'cloudmail_verify_server_certificate': False}
    assert settings_options(variables) == dict(provider='microsoft', verify_server_certificate=False,
                                               add_cn_to_verification=False, tenant='contoso.com')


def test_one_authority_url_builder():
    assert authority_url('contoso.com') == 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0'
    assert authority_url_for_tenant('contoso.com') == authority_url('contoso.com')
    with pytest.raises(ValueError):
        authority_url_for_tenant('not a tenant')
