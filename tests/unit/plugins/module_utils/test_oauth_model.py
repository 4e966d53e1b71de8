# -*- coding: utf-8 -*-
"""Desired vs current settings, the diff, secret masking and status parsing in both languages."""

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import (
    SECRET_MASK,
    current_settings,
    desired_settings,
    failure_reason,
    form_values,
    masked_settings,
    normalize_status,
    parse_duration,
    parse_time,
    plan_settings,
    status_from_page,
    token_expiry,
    verification_url,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import authority_url_for_tenant
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    UnknownStatusError,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import profile_names, resolve_profile

PROFILES = dict((name, resolve_profile(name)) for name in profile_names())
LABELS = PROFILES['isensys_mf']['labels']
MESSAGES = PROFILES['isensys_mf']['messages']
STATUS_VALUES = PROFILES['isensys_mf']['status_values']

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


# --------------------------------------------------------------------------- pages in both markups and languages

def row_markup(markup, rows):
    if markup == 'table':
        return '<table>' + ''.join('<tr><th>%s</th><td>%s</td></tr>' % row for row in rows) + '</table>'
    return ''.join('<dl><dt>%s</dt><dd>%s</dd></dl>' % row for row in rows)


def status_page(profile_name, language, connection, token, pending=False, error=None):
    rows = [(LABELS['connection_status'][language], STATUS_VALUES['connection_status'][connection][language]),
            (LABELS['token_status'][language], STATUS_VALUES['token_status'][token][language])]
    if pending:
        rows += [(LABELS['message'][language],
                  'To sign in, use a web browser to open the page https://microsoft.com/devicelogin. and enter the code ABCD2345'),
                 (LABELS['user_code'][language], 'ABCD2345'),
                 (LABELS['user_code_expires_in'][language], '14 min 59 s')]
    if error:
        rows.append((LABELS['error_details'][language], error))
    body = row_markup(PROFILES[profile_name]['markup'], rows)
    return Page(HOST, '/status', 200, '<html><body>%s</body></html>' % body, PROFILES[profile_name])


@pytest.mark.parametrize('profile_name', sorted(PROFILES))
def test_english_and_french_pages_give_the_same_status(profile_name):
    now = datetime.datetime(2026, 11, 28, 10, 0, 0, tzinfo=datetime.timezone.utc)
    english, french = [status_from_page(status_page(profile_name, language, 'connected', 'authorizing', pending=True), now)
                       for language in (0, 1)]
    assert english == french
    assert english['connection_status'] == 'connected' and english['token_status'] == 'authorizing'
    assert english['authorization'] == {
        'user_code': 'ABCD2345', 'verification_url': 'https://microsoft.com/devicelogin',
        'message': 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin. and enter the code ABCD2345',
        'expires_in': 899, 'expires_at': '2026-11-28T10:14:59Z'}


@pytest.mark.parametrize('kind', sorted(STATUS_VALUES))
def test_every_status_word_of_every_language_is_normalized(kind):
    for normalized, words in STATUS_VALUES[kind].items():
        for word in words:
            assert normalize_status(kind, ' %s ' % word.upper(), HOST, PROFILES['isensys_mf']) == normalized


def test_an_unknown_status_word_lists_the_known_ones():
    with pytest.raises(UnknownStatusError) as error:
        normalize_status('token_status', 'Aktiv', HOST, PROFILES['isensys_mf'])
    message = str(error.value)
    assert message.startswith("printer-0001: unknown token status 'Aktiv'")
    assert "active: 'Active', 'Actif'" in message and "profile 'isensys_mf' may not match" in message


def test_error_details_are_read():
    status = status_from_page(status_page('isensys_mf', 1, 'not_connected', 'inactive', error='Délai dépassé'))
    assert status['error_details'] == 'Délai dépassé' and status['authorization'] is None


def test_a_status_page_without_token_row_is_a_clear_error():
    page = Page(HOST, '/status', 200, row_markup('table', [('Server Connection Status', 'Successfully Connected')]),
                PROFILES['imagerunner_advance'])
    with pytest.raises(PageNotUnderstoodError, match='has no token_status row'):
        status_from_page(page)


def expiry_page(profile_name, language, rows):
    labelled = [(LABELS[name][language], text) for name, text in rows]
    body = row_markup(PROFILES[profile_name]['markup'], labelled)
    return Page(HOST, '/status', 200, '<html><body>%s</body></html>' % body, PROFILES[profile_name])


@pytest.mark.parametrize('profile_name', sorted(PROFILES))
@pytest.mark.parametrize('language', [0, 1])
def test_the_google_testing_lapse_is_counted_on_the_printers_clock(profile_name, language):
    # The printer's clock is a day ahead of the controller's: the days left come from its own clock.
    page = expiry_page(profile_name, language, [
        ('device_time', '2026/11/29 10:00:00'), ('token_refreshed_at', '2026-11-29 09:30 UTC'),
        ('refresh_token_expires_at', '2026-11-30 22:00 UTC')])
    controller_now = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.timezone.utc)
    assert token_expiry(page, 'google', controller_now) == {
        'token_refreshed_at': '2026-11-29T09:30:00Z', 'token_expected_lapse_at': '2026-11-30T22:00:00Z',
        'token_lapse_basis': 'google_testing_7_days', 'token_lapses_in_days': 1.5, 'token_lapse_clock': 'printer',
        'device_time': '2026-11-29T10:00:00Z'}


def test_entra_lapses_90_days_after_the_last_refresh_counted_on_the_controller_without_a_printer_clock():
    page = expiry_page('isensys_mf', 0, [('token_refreshed_at', '2026-11-01 00:00 UTC')])
    now = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.timezone.utc)
    expiry = token_expiry(page, 'microsoft', now)
    assert expiry['token_expected_lapse_at'] == '2027-01-30T00:00:00Z'
    assert (expiry['token_lapse_basis'], expiry['token_lapses_in_days'], expiry['token_lapse_clock']) == (
        'entra_90_days_unused', 62.5, 'controller')


@pytest.mark.parametrize('provider, rows', [
    ('google', [('token_refreshed_at', '2026-11-01 00:00 UTC')]),     # a client in production status
    ('microsoft', []),                                                # no token
    ('microsoft', [('token_refreshed_at', 'yesterday')]),             # not a date the profile knows
])
def test_the_lapse_is_unknown_where_the_printer_does_not_say(provider, rows):
    expiry = token_expiry(expiry_page('isensys_mf', 0, rows), provider)
    assert expiry['token_lapse_basis'] == 'unknown'
    assert expiry['token_expected_lapse_at'] is None and expiry['token_lapses_in_days'] is None


@pytest.mark.parametrize('text, seconds', [('14 min 59 s', 899), ('0 min 5 s', 5), ('3 min', 180), ('45 s', 45),
                                           ('15min0s', 900), ('soon', None), ('', None)])
def test_durations(text, seconds):
    assert parse_duration(text, PROFILES['isensys_mf']['duration_pattern']) == seconds


def test_verification_url_comes_from_the_message():
    assert verification_url('Ouvrez https://microsoft.com/devicelogin, puis entrez le code.') == \
        'https://microsoft.com/devicelogin'
    assert verification_url('no link') is None


@pytest.mark.parametrize('details, reason', [
    ('AADSTS70019: Verification code expired.', 'code_expired'),
    ('Le code utilisateur a expiré.', 'code_expired'),
    ('authorization_declined: the user declined', 'declined'),
    (MESSAGES['code_rejected'][1], 'code_rejected'),
    ('invalid_grant', 'code_rejected'),
    ('something else', None),
])
def test_failure_reasons(details, reason):
    assert failure_reason(details, PROFILES['isensys_mf']) == reason


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


@pytest.mark.parametrize('text, time_format', [
    ('2026-11-28 17:05', '%Y-%m-%d %H:%M'),
    ('28/11/2026 17:05:09', '%d/%m/%Y %H:%M:%S'),
    ('2026.1.2 3:04', '%Y.%m.%d %H:%M'),
    ('Nov 28 2026 17:05', '%b %d %Y %H:%M'),
])
def test_device_times_parse_as_strptime_does(text, time_format):
    assert parse_time(text, time_format) == datetime.datetime.strptime(text, time_format)


@pytest.mark.parametrize('text, time_format', [('2026-11-28', '%Y-%m-%d %H:%M'), ('2026-13-01 00:00', '%Y-%m-%d %H:%M'),
                                               ('x', '%b %d %Y')])
def test_a_device_time_that_does_not_match_is_refused(text, time_format):
    with pytest.raises(ValueError):
        parse_time(text, time_format)
