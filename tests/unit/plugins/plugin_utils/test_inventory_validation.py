# -*- coding: utf-8 -*-
"""Schema checks of printer variables: what is refused, and that messages never show a secret."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.plain_data import OpaqueValue
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import FLEET_DEFAULTS_SCHEMA, InventoryValidator

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


@pytest.mark.parametrize('host', ['mfp-01.example.com', 'mfp-01', '10.0.0.1', '127.1.0.2', 'fe80::1', '[fe80::1]',
                                  '2001:db8::8443', 'mfp.example.com.'])
def test_host_forms_the_modules_can_use(validator, host):
    assert messages(validator, dict(MICROSOFT, cloudmail_host=host)) == []


@pytest.mark.parametrize('host, why', [
    ('999.999.999.999', 'not an IPv4 address'),
    ('10.0.0.01', 'not an IPv4 address'),
    ('cafe:8443', 'not an IPv6 address; give the port in cloudmail_port'),
    ('mfp-01.example.com:8443', 'give the port in cloudmail_port'),
    ('https://mfp-01.example.com', 'without scheme or path'),
    ('[mfp-01.example.com]', 'brackets are only for IPv6'),
    ('mfp_01.example.com', 'not a DNS name'),
    ('1.2.3', 'not an IPv4 address'),
])
def test_hosts_the_modules_cannot_use_are_refused(validator, host, why):
    found = messages(validator, dict(MICROSOFT, cloudmail_host=host))
    assert len(found) == 1 and found[0].startswith('mfp-01: cloudmail_host: ') and why in found[0], found


@pytest.mark.parametrize('timeout', [float('nan'), float('inf'), float('-inf')])
def test_timeout_must_be_finite(validator, timeout):
    assert messages(validator, dict(MICROSOFT, cloudmail_timeout=timeout)) == [
        'mfp-01: cloudmail_timeout: must be a finite number (got %s)' % timeout]


def test_binary_and_dates_are_refused_without_a_traceback(validator):
    import datetime

    assert messages(validator, dict(MICROSOFT, cloudmail_username=b'admin', cloudmail_report_dir=datetime.date(2026, 1, 1))) == [
        'mfp-01: cloudmail_report_dir: must not be a date or time (YAML reads an unquoted date as one; quote the value)',
        'mfp-01: cloudmail_username: must be text, got binary data (!!binary)']


def test_ca_path_must_be_a_readable_pem_file(validator, tmp_path):
    import trustme

    good = tmp_path / 'ca.pem'
    trustme.CA().cert_pem.write_to_path(str(good))
    der = tmp_path / 'ca.der'
    der.write_bytes(b'\x30\x82\x01\x0a' + bytes(range(200)))
    broken = tmp_path / 'broken.pem'
    broken.write_text('-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n')
    assert messages(validator, dict(MICROSOFT, cloudmail_ca_path=str(good))) == []
    for path, why in [(tmp_path / 'missing.pem', 'no such file on the controller'), (tmp_path, 'is a directory'),
                      (der, 'is not a PEM file'), (broken, 'holds no certificate that TLS can use')]:
        found = messages(validator, dict(MICROSOFT, cloudmail_ca_path=str(path)))
        assert len(found) == 1 and found[0].startswith('mfp-01: cloudmail_ca_path: ') and why in found[0], found


@pytest.mark.parametrize('host', ['login.microsoftonline.us', 'login.partner.microsoftonline.cn'])
def test_national_cloud_authorities_are_accepted(validator, host):
    variables = dict(MICROSOFT, cloudmail_microsoft_authority_url='https://%s/contoso.onmicrosoft.us/oauth2/v2.0' % host)
    del variables['cloudmail_microsoft_tenant']
    assert messages(validator, variables) == []


@pytest.mark.parametrize('client_id, valid', [
    ('123456789012-a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.apps.googleusercontent.com', True),
    ('1234-abc.apps.googleusercontent.com', True),
    ('abc.apps.googleusercontent.com', False),
    ('123456789012-.apps.googleusercontent.com', False),
    ('123456789012-abc_def.apps.googleusercontent.com', False),
    ('123456789012-abc.apps.googleusercontent.com.evil.example', False),
])
def test_google_client_id_is_well_formed(validator, client_id, valid):
    found = messages(validator, dict(GOOGLE, cloudmail_google_client_id=client_id))
    assert (found == []) is valid
    if not valid:
        assert found[0].startswith('mfp-01: cloudmail_google_client_id: is not valid'), found


@pytest.mark.parametrize('name', ['cloudmail_username', 'cloudmail_password'])
def test_credentials_without_control_characters_or_huge_sizes(validator, name):
    for value in ['adm\nin', 'x' * 257]:
        found = messages(validator, dict(MICROSOFT, **{name: value}))
        assert len(found) == 1 and found[0].startswith('mfp-01: %s: ' % name) and value not in found[0]


def test_hidden_values_are_never_shown(validator):
    found = messages_hidden = [str(problem) for problem in validator.validate(
        'mfp-01', dict(MICROSOFT, cloudmail_username='x' * 257, cloudmail_profile='vaulted-profile'),
        hidden=frozenset(['cloudmail_profile']))]
    assert 'vaulted-profile' not in '\n'.join(messages_hidden) and len(found) == 2


@pytest.mark.parametrize('name, value', [
    ('cloudmail_host', 'mfp-01.example.com\n'), ('cloudmail_microsoft_tenant', 'common\n'),
    ('cloudmail_username', 'admin\n'), ('cloudmail_report_slice', 'paris\n'),
])
def test_a_final_newline_is_not_part_of_a_valid_value(validator, name, value):
    # Python's $ matches before a final newline; the schema's patterns must not.
    found = messages(validator, dict(MICROSOFT, **{name: value}))
    assert len(found) == 1 and found[0].startswith('mfp-01: %s: ' % name), found


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


def test_an_unquoted_numeric_department_id_gets_the_hint_to_quote_it():
    from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import InventoryValidator
    variables = {'cloudmail_host': 'mfp.example.com', 'cloudmail_provider': 'microsoft', 'cloudmail_profile': 'isensys_mf',
                 'cloudmail_microsoft_tenant': 'contoso.onmicrosoft.com', 'cloudmail_username': 7654321,
                 'cloudmail_password': 1234}
    messages = [str(problem) for problem in InventoryValidator().validate('mfp', variables, set())]
    assert any('cloudmail_username' in message and 'write it in quotes' in message
               and 'cloudmail_username: "7654321"' in message for message in messages), messages
    # A secret's value is never echoed, not even in the hint.
    assert any('cloudmail_password' in message and 'write it in quotes' in message for message in messages), messages
    assert not any('1234' in message for message in messages), messages
