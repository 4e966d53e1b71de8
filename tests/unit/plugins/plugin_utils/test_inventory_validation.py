# -*- coding: utf-8 -*-
"""Schema checks of printer variables: what is refused, and that messages never show a secret."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_validation import (
    FLEET_DEFAULTS_SCHEMA,
    InventoryValidator,
    OpaqueValue,
    from_inventory_json,
    group_hosts,
    validate_inventory_json,
)

MICROSOFT = {
    'cloudmail_host': 'mfp-01.example.com', 'cloudmail_profile': 'imagerunner_advance',
    'cloudmail_provider': 'microsoft', 'cloudmail_username': 'admin', 'cloudmail_password': 'S3cret-pw!',
    'cloudmail_microsoft_tenant': 'contoso.onmicrosoft.com', 'ansible_connection': 'local',
}
GOOGLE = dict(MICROSOFT, cloudmail_provider='google', cloudmail_microsoft_tenant=None,
              cloudmail_google_client_id='1234-abc.apps.googleusercontent.com',
              cloudmail_google_client_secret='GOCSPX-very-secret')
del GOOGLE['cloudmail_microsoft_tenant']


@pytest.fixture(scope='module')
def validator():
    return InventoryValidator()


def messages(validator, variables):
    return [str(problem) for problem in validator.validate('mfp-01', variables)]


@pytest.mark.parametrize('variables', [MICROSOFT, GOOGLE])
def test_valid_printers_pass(validator, variables):
    assert messages(validator, variables) == []


@pytest.mark.parametrize('tenant', ['common', 'consumers', 'organizations', '0d9f7c4e-3b1a-4f53-9a2e-5c8b1e6d7a90',
                                    'contoso.com'])
def test_tenant_forms(validator, tenant):
    assert messages(validator, dict(MICROSOFT, cloudmail_microsoft_tenant=tenant)) == []


@pytest.mark.parametrize('url, valid', [
    ('https://login.microsoftonline.com/common/oauth2/v2.0', True),
    ('https://login.microsoftonline.com/contoso.com/oauth2/v2.0/', True),
    ('http://login.microsoftonline.com/common/oauth2/v2.0', False),
    ('https://login.example.com/common/oauth2/v2.0', False),
    ('https://login.microsoftonline.com/common/oauth2/token', False),
])
def test_authority_url_form(validator, url, valid):
    variables = dict(MICROSOFT, cloudmail_microsoft_authority_url=url)
    del variables['cloudmail_microsoft_tenant']
    assert (messages(validator, variables) == []) is valid


def test_tenant_and_authority_url_are_exclusive_and_one_is_required(validator):
    both = dict(MICROSOFT, cloudmail_microsoft_authority_url='https://login.microsoftonline.com/common/oauth2/v2.0')
    neither = {key: value for key, value in MICROSOFT.items() if key != 'cloudmail_microsoft_tenant'}
    expected = ['mfp-01: cloudmail_microsoft_tenant, cloudmail_microsoft_authority_url: a Microsoft printer needs '
                'exactly one of cloudmail_microsoft_tenant or cloudmail_microsoft_authority_url']
    assert messages(validator, both) == expected
    assert messages(validator, neither) == expected


def test_typo_is_reported_with_the_closest_name(validator):
    assert messages(validator, dict(MICROSOFT, cloudmail_validate_cert=False)) == [
        'mfp-01: cloudmail_validate_cert: unknown variable (did you mean cloudmail_validate_certs?)']


def test_other_variables_are_allowed(validator):
    assert messages(validator, dict(MICROSOFT, site='paris', ansible_host='10.0.0.1')) == []


def test_port_range_and_type(validator):
    assert messages(validator, dict(MICROSOFT, cloudmail_port=0)) == ['mfp-01: cloudmail_port: must be at least 1 (got 0)']
    assert messages(validator, dict(MICROSOFT, cloudmail_port='443')) == [
        'mfp-01: cloudmail_port: must be an integer, got a string']


def test_secret_values_never_appear(validator):
    variables = dict(GOOGLE, cloudmail_password=['S3cret-pw!'], cloudmail_google_authorization_codes={
        'mfp-01': 12345678}, cloudmail_google_client_secret='')
    text = '\n'.join(messages(validator, variables))
    assert 'S3cret-pw!' not in text and '12345678' not in text
    assert 'mfp-01: cloudmail_google_authorization_codes.mfp-01: must be a string, got an integer' in text
    assert 'mfp-01: cloudmail_google_client_secret: must not be empty' in text


def test_vault_and_template_values_are_checked_only_for_presence(validator):
    variables = dict(GOOGLE, cloudmail_password=OpaqueValue('vault-encrypted'),
                     cloudmail_google_client_id=OpaqueValue('template'))
    assert messages(validator, variables) == []


def test_fleet_defaults_require_nothing_but_check_names_and_forms():
    defaults = InventoryValidator(FLEET_DEFAULTS_SCHEMA)
    assert defaults.validate('group_vars/all', {'cloudmail_timeout': 20}) == []
    assert [str(problem) for problem in defaults.validate('group_vars/all', {'cloudmail_timout': 20})] == [
        'group_vars/all: cloudmail_timout: unknown variable (did you mean cloudmail_timeout?)']


def test_inventory_json_vault_blobs_become_opaque_and_groups_nest():
    inventory = {
        '_meta': {'hostvars': {'mfp-01': dict(MICROSOFT, cloudmail_password={'__ansible_vault': '$ANSIBLE_VAULT;1.1'}),
                               'other': {}}},
        'all': {'children': ['printers', 'ungrouped']}, 'printers': {'children': ['paris']},
        'paris': {'hosts': ['mfp-01']}, 'ungrouped': {'hosts': ['other']},
    }
    assert group_hosts(inventory, 'printers') == ['mfp-01']
    assert isinstance(from_inventory_json({'__ansible_vault': 'x'}), OpaqueValue)
    assert validate_inventory_json(inventory) == []


def test_a_profile_name_is_checked_against_the_profile_files(validator):
    assert messages(validator, dict(MICROSOFT, cloudmail_profile='lbp_6030')) == [
        'mfp-01: cloudmail_profile: must be one of imagerunner_advance, isensys_mf (got "lbp_6030")']


def test_a_profile_is_required_as_a_name_or_a_file(validator):
    variables = dict(MICROSOFT)
    del variables['cloudmail_profile']
    assert any('set cloudmail_profile (a built-in profile name) or cloudmail_profile_file' in message
               for message in messages(validator, variables))


def test_every_referenced_profile_file_is_validated_with_host_and_field(validator, tmp_path):
    good = tmp_path / 'mf1127.yml'
    good.write_text('extends: isensys_mf\nlogin: {username_field: i0019, password_field: i2101}\n', encoding='utf-8')
    variables = dict(MICROSOFT, cloudmail_profile_file=str(good))
    del variables['cloudmail_profile']
    assert messages(validator, variables) == []
    bad = tmp_path / 'bad.yml'
    bad.write_text('extends: isensys_mf\nproviders: {microsoft: {status_path: oauth.html}}\n', encoding='utf-8')
    problems = messages(validator, dict(variables, cloudmail_profile_file=str(bad)))
    assert len(problems) == 1
    assert problems[0].startswith('mfp-01: cloudmail_profile_file: the profile %s is not valid: '
                                  "providers.microsoft.status_path: 'oauth.html' does not match" % bad)
