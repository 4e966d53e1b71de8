# -*- coding: utf-8 -*-
"""The provider units: what each provider is, and that nothing outside them branches on a provider name."""

from __future__ import annotations

import ast
import datetime
import json
from pathlib import Path

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils import options, providers
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import authority_url
from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_model import desired_mail_settings
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import desired_settings, plan_settings
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_tasks import AUTHORIZE_SPEC, INFO_SPEC, SETTINGS_SPEC
from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_tasks import SMTP_SETTINGS_SPEC

ROOT = Path(__file__).resolve().parents[4]
MICROSOFT = providers.provider_for('microsoft')
GOOGLE = providers.provider_for('google')
CLIENT_ID = '123456789012-a1b2c3d4e5f6.apps.googleusercontent.com'


def present(**params):
    base = {'state': 'present', 'verify_server_certificate': True, 'add_cn_to_verification': False,
            'tenant': None, 'authority_url': None, 'client_id': None, 'client_secret': None}
    base.update(params)
    return base


def test_the_registry_holds_one_instance_per_provider_by_name():
    assert providers.NAMES == ('microsoft', 'google')
    assert all(providers.PROVIDERS[name].name == name for name in providers.NAMES)
    assert (MICROSOFT.label, GOOGLE.label) == ('Microsoft Entra ID', 'Google Workspace')


@pytest.mark.parametrize('name', [None, '', 'yahoo', 'Microsoft'])
def test_an_unknown_provider_fails_clearly(name):
    with pytest.raises(providers.ProviderError) as failure:
        providers.provider_for(name, host='mfp-1')
    assert str(failure.value).startswith('mfp-1: unknown provider %r' % (name,))
    assert 'cloudmail_provider must be one of microsoft, google' in str(failure.value)


def test_microsoft_settings_build_the_authority_url_from_the_tenant_or_check_the_given_one():
    assert MICROSOFT.desired_fields(present(tenant='contoso.com')) == {
        'authority_url': 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0'}
    given = 'https://login.microsoftonline.us/contoso.com/oauth2/v2.0/'
    assert MICROSOFT.desired_fields(present(authority_url=given)) == {'authority_url': given.rstrip('/')}
    with pytest.raises(ValueError, match=r'oauth2/v2.0 with host .* \(cloudmail_microsoft_authority_url\)$'):
        MICROSOFT.desired_fields(present(authority_url='https://login.example.com/contoso.com/oauth2/v2.0'))
    with pytest.raises(ValueError, match=r'a domain name \(cloudmail_microsoft_tenant\)$'):
        MICROSOFT.desired_fields(present(tenant='not a tenant'))
    # The model builds the whole settings through the provider.
    assert desired_settings(dict(present(tenant='common'), provider='microsoft'))['authority_url'] == \
        authority_url('common')
    assert MICROSOFT.missing_settings(present()) == ('provider microsoft needs cloudmail_microsoft_tenant or '
                                                     'cloudmail_microsoft_authority_url (tenant or authority_url)')
    assert MICROSOFT.missing_settings(present(tenant='common')) is None


def test_google_settings_take_the_client_id_and_need_the_secret():
    assert GOOGLE.desired_fields(present(client_id=CLIENT_ID)) == {'client_id': CLIENT_ID}
    assert GOOGLE.missing_settings(present(client_id=CLIENT_ID)) == (
        'provider google needs cloudmail_google_client_id and cloudmail_google_client_secret (client_id and client_secret)')
    assert GOOGLE.missing_settings(present(client_id=CLIENT_ID, client_secret='s3cret')) is None


def test_each_provider_names_its_options_secrets_and_visible_fields_from_the_registry():
    assert [option.variable for option in MICROSOFT.options] == ['cloudmail_microsoft_tenant',
                                                                 'cloudmail_microsoft_authority_url']
    assert [option.variable for option in GOOGLE.options] == ['cloudmail_google_client_id', 'cloudmail_google_client_secret',
                                                              'cloudmail_google_update_secret']
    assert MICROSOFT.secret_variables == () and GOOGLE.secret_variables == ('cloudmail_google_client_secret',)
    assert MICROSOFT.visible_fields[-1] == 'authority_url' and MICROSOFT.secret_field is None
    assert GOOGLE.visible_fields[-1] == 'client_id' and GOOGLE.secret_field == 'client_secret'
    assert set(options.SECRET_VARIABLES) >= set(GOOGLE.secret_variables)


def test_the_secret_is_written_only_where_it_cannot_be_compared_and_never_shown():
    on = {'enabled': True, 'client_id': CLIENT_ID}
    assert GOOGLE.writes_secret({'enabled': False}, on, 's3cret', 'on_create')
    assert not GOOGLE.writes_secret(on, on, 's3cret', 'on_create')
    assert GOOGLE.writes_secret(on, on, 's3cret', 'always')
    assert GOOGLE.writes_secret(dict(on, client_id='other'), on, 's3cret', 'on_create')
    assert not MICROSOFT.writes_secret({'enabled': False}, {'enabled': True}, 's3cret', 'always')
    assert GOOGLE.masked(on, '***')['client_secret'] == '***'
    assert GOOGLE.masked({'enabled': False}, '***')['client_secret'] is None
    assert 'client_secret' not in MICROSOFT.masked({'enabled': True}, '***')
    plan = plan_settings('google', {'enabled': True, 'client_id': 'old'}, on, 's3cret')
    assert plan.write_secret and plan.drops_token == "the client id changes from 'old' to %r" % CLIENT_ID


def test_the_sign_in_flows():
    assert (MICROSOFT.flow, GOOGLE.flow) == ('device_code', 'authorization_code')
    assert not MICROSOFT.asks_code_back and GOOGLE.asks_code_back
    assert providers.asks_code_back('google') and not providers.asks_code_back('microsoft')
    assert not providers.asks_code_back(None) and not providers.asks_code_back('yahoo')
    assert MICROSOFT.token_status_after_start('inactive', {'user_code': 'ABCD'}) == 'authorizing'
    assert GOOGLE.token_status_after_start('inactive', {'authorization_url': 'https://accounts.google.com/x'}) == 'inactive'
    assert MICROSOFT.pending_row('mfp-1', {'user_code': 'ABCD', 'expires_at': '2026-12-03T12:00:00Z',
                                           'verification_url': 'https://microsoft.com/devicelogin'}) == {
        'host': 'mfp-1', 'provider': 'microsoft', 'user_code': 'ABCD', 'expires_at': '2026-12-03T12:00:00Z',
        'open': 'https://microsoft.com/devicelogin'}
    assert GOOGLE.pending_row('mfp-2', {'authorization_url': 'https://accounts.google.com/x'}) == {
        'host': 'mfp-2', 'provider': 'google', 'user_code': '', 'expires_at': '', 'open': 'https://accounts.google.com/x'}
    rows = [{'provider': 'microsoft'}, {'provider': 'google'}]
    # The provider whose code is asked back comes first below the table: its prompt comes before the wait.
    assert [provider.name for provider in providers.present_in(rows)] == ['google', 'microsoft']
    assert 'all in one prompt' in GOOGLE.after_table_text(True, 900)
    assert 'for up to 900 s (cloudmail_authorization_timeout)' in MICROSOFT.after_table_text(False, 900)
    assert 'Entra ID' in MICROSOFT.sign_in_diff and 'consent URL' in GOOGLE.sign_in_diff


def test_a_provider_says_what_to_do_next_its_own_way():
    from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import authorization_failure
    assert 'no Google authorization code was given' in str(authorization_failure('mfp-1', 'missing_code', provider='google'))
    assert 'run reauthorize.yml to start one' in str(authorization_failure('mfp-1', 'missing_code', provider='microsoft'))
    assert 'run reauthorize.yml to start one' in str(authorization_failure('mfp-1', 'missing_code'))


def test_token_lifetime_rules():
    refreshed = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
    assert MICROSOFT.lapse(refreshed) == ('entra_90_days_unused', refreshed + datetime.timedelta(days=90))
    assert GOOGLE.lapse(refreshed) is None
    assert GOOGLE.code_lifetime == 600 and MICROSOFT.code_lifetime is None
    # A device code ends by itself: an inactive token without error text ends a Microsoft sign-in only.
    assert MICROSOFT.ends_without_details and not GOOGLE.ends_without_details


def test_smtp_defaults_and_the_tenant_domain_warning():
    assert (MICROSOFT.smtp_server, MICROSOFT.smtp_ports) == ('smtp.office365.com', {587: 'starttls'})
    assert (GOOGLE.smtp_server, GOOGLE.smtp_ports) == ('smtp.gmail.com', {587: 'starttls', 465: 'ssl'})
    assert desired_mail_settings('google', 'scanner@example.com', port=465)['encryption'] == 'ssl'
    assert desired_mail_settings('microsoft', 'scanner@contoso.com')['server'] == 'smtp.office365.com'
    params = {'host': 'mfp-1', 'sender': 'scanner@fabrikam.com', 'tenant': 'contoso.com'}
    assert 'outside the tenant contoso.com' in MICROSOFT.smtp_warning(params)
    assert MICROSOFT.smtp_warning(dict(params, sender='scanner@eu.contoso.com')) is None
    assert GOOGLE.smtp_warning(params) is None


def test_cloud_checks_without_the_network():
    assert MICROSOFT.msal_authority({'cloudmail_microsoft_tenant': 'contoso.com'}) == (
        'https://login.microsoftonline.com/contoso.com', 'cloudmail_microsoft_tenant', 'contoso.com')
    assert MICROSOFT.msal_authority({'cloudmail_microsoft_authority_url': 'https://login.microsoftonline.us/x.com/oauth2/v2.0/'})[0] \
        == 'https://login.microsoftonline.us/x.com'
    assert MICROSOFT.cloud_url({}) == 'https://login.microsoftonline.com/organizations'
    assert MICROSOFT.cloud_key({}) == ('https://login.microsoftonline.com/organizations', 'cloudmail_microsoft_tenant',
                                       'organizations')
    assert GOOGLE.cloud_key({'cloudmail_google_client_id': CLIENT_ID}) == CLIENT_ID
    malformed = GOOGLE.cloud_check({'cloudmail_google_client_id': 'nope'}, None)
    assert malformed['name'] == 'google_client_id' and not malformed['ok']
    assert "cloudmail_google_client_id='nope' is not an OAuth client ID" in malformed['message']
    unasked = GOOGLE.cloud_check({'cloudmail_google_client_id': CLIENT_ID}, None)
    assert unasked['ok'] and 'not asked' in unasked['message']


AUTHORITY = 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0'


@pytest.mark.parametrize('provider, settings, variables, expected', [
    ('microsoft', None, {'cloudmail_microsoft_tenant': 'contoso.com'}, None),
    ('microsoft', {}, {'cloudmail_microsoft_tenant': 'contoso.com'}, None),
    ('microsoft', {'enabled': False}, {'cloudmail_microsoft_tenant': 'contoso.com'}, False),
    # The device may show the URL in another case or with a trailing slash.
    ('microsoft', {'enabled': True, 'authority_url': AUTHORITY.replace('contoso', 'Contoso') + '/'},
     {'cloudmail_microsoft_tenant': 'contoso.com'}, True),
    ('microsoft', {'enabled': True, 'authority_url': AUTHORITY}, {'cloudmail_microsoft_authority_url': AUTHORITY + '/'}, True),
    ('microsoft', {'enabled': True, 'authority_url': AUTHORITY.replace('contoso', 'fabrikam')},
     {'cloudmail_microsoft_tenant': 'contoso.com'}, False),
    ('microsoft', {'enabled': True, 'authority_url': ''}, {'cloudmail_microsoft_tenant': 'contoso.com'}, None),
    ('microsoft', {'enabled': True, 'authority_url': AUTHORITY}, {}, None),
    ('google', {'enabled': True, 'client_id': CLIENT_ID}, {'cloudmail_google_client_id': CLIENT_ID}, True),
    ('google', {'enabled': True, 'client_id': ''}, {'cloudmail_google_client_id': CLIENT_ID}, False),
    ('google', {'enabled': True, 'client_id': CLIENT_ID.upper()}, {'cloudmail_google_client_id': CLIENT_ID}, False),
    ('google', {'enabled': True, 'client_id': CLIENT_ID}, {}, None),
    ('google', {'enabled': False, 'client_id': CLIENT_ID}, {'cloudmail_google_client_id': CLIENT_ID}, False),
])
def test_settings_match_the_inventory(provider, settings, variables, expected):
    assert providers.provider_for(provider).settings_match(settings, variables) is expected


def test_argument_spec_choices_come_from_the_providers():
    for spec in (SETTINGS_SPEC, AUTHORIZE_SPEC, SMTP_SETTINGS_SPEC):
        assert spec['argument_spec']['provider']['choices'] == list(providers.NAMES)
    assert INFO_SPEC['argument_spec']['provider']['choices'] == list(providers.NAMES) + ['all']


def test_the_schemas_know_the_same_providers():
    printer = json.loads((ROOT / 'schemas' / 'printer.schema.json').read_text(encoding='utf-8'))
    properties = printer['$defs']['cloudmail_variables']['properties']
    assert properties['cloudmail_provider']['enum'] == list(providers.NAMES)
    # Each provider has its own requirement rule and its options' variables as properties.
    ruled = [rule['if']['properties']['cloudmail_provider']['const'] for rule in printer['allOf'] if 'if' in rule]
    assert sorted(ruled) == sorted(providers.NAMES)
    for provider in providers.PROVIDERS.values():
        assert all(option.variable in properties for option in provider.options)
    profile = json.loads((ROOT / 'schemas' / 'device_profile.schema.json').read_text(encoding='utf-8'))
    assert sorted(profile['properties']['providers']['properties']) == sorted(providers.NAMES)
    # A profile carries only the providers its firmware has.
    assert 'required' not in profile['properties']['providers']


PROVIDER_NAMES = frozenset(providers.NAMES)


def _names_a_provider(node):
    if isinstance(node, ast.Constant):
        return node.value in PROVIDER_NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_a_provider(element) for element in node.elts)
    return False


def provider_comparisons(path):
    tree = ast.parse(path.read_text(encoding='utf-8'), str(path))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Compare)
            and any(_names_a_provider(operand) for operand in [node.left] + node.comparators)]


def test_no_code_outside_the_provider_unit_compares_a_value_with_a_provider_name():
    found = {}
    for path in sorted((ROOT / 'plugins').rglob('*.py')):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith('plugins/module_utils/providers/'):
            continue
        lines = provider_comparisons(path)
        if lines:
            found[relative] = lines
    for path in sorted((ROOT / 'plugins').rglob('*.j2')):
        text = path.read_text(encoding='utf-8')
        if any("'%s'" % name in text or '"%s"' % name in text for name in PROVIDER_NAMES):
            found[path.relative_to(ROOT).as_posix()] = 'a template names a provider'
    assert found == {}


def test_the_comparison_finder_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / 'sample.py'
    sample.write_text("a = x == 'google'\nb = 'microsoft' != y\nc = z in ('microsoft', 'google')\nd = w == 'mail'\n")
    assert provider_comparisons(sample) == [1, 2, 3]


def test_the_probe_compares_and_drafts_against_a_profile_without_the_provider_it_found():
    from ansible_collections.printfleet.cloudmail.plugins.module_utils.probe_result import differences, draft_profile
    from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui_probe import Findings
    from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import resolve_profile
    microsoft_only = resolve_profile('isensys_mf')
    del microsoft_only['providers']['google']
    found = Findings()
    found.providers = {'google': {'status_path': '/gg.html', 'edit_path': '/gg_edit.html', 'register_path': '/gg_reg.html',
                                  'fields': {'client_id': 'i5104'}}}
    login_check = {'holds_fields': True}
    assert differences(found, microsoft_only, login_check) == ['providers.google is not in the profile']
    # Everything the probe found for it is the draft's own.
    draft = draft_profile(found, 'isensys_mf', microsoft_only, None, 'printer-7')
    assert draft['providers'] == {'google': {'status_path': '/gg.html', 'edit_path': '/gg_edit.html',
                                             'register_path': '/gg_reg.html', 'fields': {'client_id': 'i5104'}}}
