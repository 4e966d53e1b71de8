# -*- coding: utf-8 -*-
"""Desired vs current settings, the diff, secret masking and the form values to post."""

from __future__ import annotations

import json

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import (
    SECRET_MASK,
    current_settings,
    desired_settings,
    form_values,
    masked_settings,
    plan_settings,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import authority_url_for_tenant
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import PageNotUnderstoodError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import profile_names, resolve_profile

PROFILES = dict((name, resolve_profile(name)) for name in profile_names())

SECRET = 'GOCSPX-client-secret-never-shown'
HOST = 'printer-0001'


def params(**overrides):
    base = dict(provider='microsoft', state='present', verify_server_certificate=True,
                add_cn_to_verification=False, tenant='organizations', authority_url=None,
                client_id=None, client_secret=None)
    base.update(overrides)
    return base


# --------------------------------------------------------------------------- desired settings

def test_microsoft_tenant_builds_the_manuals_endpoint():
    assert desired_settings(params()) == {
        'enabled': True, 'verify_server_certificate': True, 'add_cn_to_verification': False,
        'authority_url': 'https://login.microsoftonline.com/organizations/oauth2/v2.0'}


@pytest.mark.parametrize('tenant', ['common', 'consumers', 'organizations', 'contoso.onmicrosoft.com',
                                    '72f988bf-86f1-41af-91ab-2d7cd011db47'])
def test_tenant_forms_are_accepted(tenant):
    assert authority_url_for_tenant(tenant) == 'https://login.microsoftonline.com/%s/oauth2/v2.0' % tenant


@pytest.mark.parametrize('tenant', ['', 'not a tenant', 'https://login.microsoftonline.com/common', 'x/y'])
def test_bad_tenants_are_refused(tenant):
    with pytest.raises(ValueError, match='is not common, consumers, organizations'):
        authority_url_for_tenant(tenant)


def test_authority_url_wins_and_loses_its_trailing_slash():
    desired = desired_settings(params(tenant=None, authority_url='https://login.microsoftonline.us/common/oauth2/v2.0/'))
    assert desired['authority_url'] == 'https://login.microsoftonline.us/common/oauth2/v2.0'


@pytest.mark.parametrize('host', ['login.microsoftonline.com', 'login.microsoftonline.us',
                                  'login.partner.microsoftonline.cn'])
def test_national_cloud_authorities_are_accepted(host):
    url = 'https://%s/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0' % host
    assert desired_settings(params(tenant=None, authority_url=url))['authority_url'] == url


@pytest.mark.parametrize('url', ['https://login.microsoftonline.de/common/oauth2/v2.0',
                                 'https://login.example.com/common/oauth2/v2.0',
                                 'http://login.microsoftonline.com/common/oauth2/v2.0',
                                 'https://login.microsoftonline.com/common/oauth2/token',
                                 'https://login.microsoftonline.us/not a tenant/oauth2/v2.0'])
def test_other_authorities_are_refused_before_any_write(url):
    with pytest.raises(ValueError, match='is not https://<host>/<tenant>/oauth2/v2.0'):
        desired_settings(params(tenant=None, authority_url=url))


def test_absent_only_turns_oauth_off():
    assert desired_settings(params(state='absent')) == {'enabled': False}


# --------------------------------------------------------------------------- plan, diff, masking

GOOGLE_ON = {'enabled': True, 'verify_server_certificate': True, 'add_cn_to_verification': False,
             'client_id': 'id-1.apps.googleusercontent.com'}
GOOGLE_OFF = dict(GOOGLE_ON, enabled=False, client_id='')


def google_desired(**changes):
    desired = dict(GOOGLE_ON)
    desired.update(changes)
    return desired


def test_same_settings_mean_no_change():
    plan = plan_settings('google', GOOGLE_ON, google_desired(), SECRET, 'on_create')
    assert not plan.changed and plan.diff() == {'before': {}, 'after': {}}


def test_diff_holds_only_fields_that_differ():
    current = dict(GOOGLE_ON, verify_server_certificate=False)
    plan = plan_settings('google', current, google_desired(add_cn_to_verification=True), SECRET, 'on_create')
    assert plan.changed
    assert plan.diff() == {'before': {'verify_server_certificate': False, 'add_cn_to_verification': False},
                           'after': {'verify_server_certificate': True, 'add_cn_to_verification': True}}


def test_on_create_writes_the_secret_when_oauth_is_turned_on():
    plan = plan_settings('google', GOOGLE_OFF, google_desired(), SECRET, 'on_create')
    assert plan.write_secret
    diff = plan.diff()
    assert diff['before']['client_secret'] is None and diff['after']['client_secret'] == SECRET_MASK
    assert SECRET not in json.dumps([diff, plan.masked_before(), plan.masked_after()])


def test_on_create_writes_the_secret_when_the_client_id_changes():
    plan = plan_settings('google', GOOGLE_ON, google_desired(client_id='id-2'), SECRET, 'on_create')
    assert plan.write_secret
    assert plan.diff()['before'] == {'client_id': 'id-1.apps.googleusercontent.com', 'client_secret': SECRET_MASK}


def test_always_writes_the_secret_so_always_changes():
    plan = plan_settings('google', GOOGLE_ON, google_desired(), SECRET, 'always')
    assert plan.changed and plan.write_secret and not plan.changes
    assert plan.diff()['after'] == {'client_secret': SECRET_MASK}
    assert 'client secret written' in plan.diff()['after_header']


def test_turning_off_never_writes_the_secret():
    plan = plan_settings('google', GOOGLE_ON, {'enabled': False}, SECRET, 'always')
    assert not plan.write_secret
    assert plan.masked_after() == dict(GOOGLE_ON, enabled=False, client_secret=SECRET_MASK)


MICROSOFT_ON = {'enabled': True, 'verify_server_certificate': True, 'add_cn_to_verification': False,
                'authority_url': 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0'}


@pytest.mark.parametrize('current, desired, reason', [
    (MICROSOFT_ON, {'authority_url': 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0'},
     'authority url changes'),
    (MICROSOFT_ON, {'enabled': False}, 'turned off'),
    (GOOGLE_ON, {'client_id': 'other.apps.googleusercontent.com'}, 'client id changes'),
])
def test_a_change_of_binding_says_the_token_is_dropped(current, desired, reason):
    plan = plan_settings('google' if 'client_id' in current else 'microsoft', current, dict(current, **desired))
    assert reason in plan.drops_token


@pytest.mark.parametrize('current, desired', [
    (MICROSOFT_ON, {'verify_server_certificate': False}),
    (dict(MICROSOFT_ON, enabled=False), {'enabled': True, 'authority_url': 'https://login.microsoftonline.com/x.com/oauth2/v2.0'}),
    (MICROSOFT_ON, {}),
])
def test_other_changes_keep_the_token(current, desired):
    assert plan_settings('microsoft', current, dict(current, **desired)).drops_token is None


def test_masked_settings_never_hold_a_secret():
    assert masked_settings('google', dict(GOOGLE_ON, client_secret=SECRET))['client_secret'] == SECRET_MASK
    assert masked_settings('google', GOOGLE_OFF)['client_secret'] is None
    assert 'client_secret' not in masked_settings('microsoft', {'enabled': True, 'authority_url': 'x'})


@pytest.mark.parametrize('profile_name, expected', [
    ('imagerunner_advance', {'OAuthUse': '1', 'VerifyCert': None, 'AddCN': '1', 'ClientID': 'id', 'ClientSecret': SECRET}),
    ('isensys_mf', {'i3101': '1', 'i3102': '0', 'i3103': '1', 'i3104': 'id', 'i3105': SECRET, 'i3106': '1'}),
])
def test_form_values_follow_the_profile_checkboxes_and_secret_flag(profile_name, expected):
    profile = PROFILES[profile_name]
    settings = {'enabled': True, 'verify_server_certificate': False, 'add_cn_to_verification': True, 'client_id': 'id'}
    assert form_values(profile['providers']['google'], profile, settings, SECRET) == expected


def test_form_values_without_secret_send_no_secret_field():
    profile = PROFILES['isensys_mf']
    values = form_values(profile['providers']['google'], profile, GOOGLE_ON)
    assert 'i3105' not in values and 'i3106' not in values


def test_current_settings_come_from_the_edit_form():
    profile = PROFILES['isensys_mf']
    html = ('<form method="post" action="/m_oauth_gg_edit.html"><input type="hidden" name="iToken" value="9">'
            '<input type="checkbox" name="i3101" value="1" checked><input type="checkbox" name="i3102" value="1">'
            '<input type="checkbox" name="i3103" value="1"><input type="text" name="i3104" value="id-9">'
            '<input type="password" name="i3105" value=""></form>')
    page = Page(HOST, '/m_oauth_gg_edit.html', 200, html, PROFILES['isensys_mf'])
    assert current_settings(page, profile['providers']['google'], 'google') == {
        'enabled': True, 'verify_server_certificate': False, 'add_cn_to_verification': False, 'client_id': 'id-9'}
    with pytest.raises(PageNotUnderstoodError, match="has no field 'i3002' for verify_server_certificate"):
        current_settings(page, dict(profile['providers']['microsoft'], fields=dict(
            profile['providers']['microsoft']['fields'], enabled='i3101')), 'microsoft')


def test_a_final_newline_is_no_tenant():
    with pytest.raises(ValueError):
        authority_url_for_tenant('common\n')
    with pytest.raises(ValueError):
        desired_settings(params(tenant=None, authority_url='https://login.microsoftonline.com/common/oauth2/v2.0\n'))
