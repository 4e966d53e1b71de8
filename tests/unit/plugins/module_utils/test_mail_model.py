# -*- coding: utf-8 -*-
"""SMTP settings as data: provider endpoints, the edit form of both families, the test e-mail's reason."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import PageNotUnderstoodError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.mail_model import (
    MailPlan,
    current_mail_settings,
    desired_mail_settings,
    mail_form_values,
    mail_failure_reason,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import sender_outside_tenant
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import profile_names, resolve_profile

PROFILES = dict((name, resolve_profile(name)) for name in profile_names())


def test_provider_defaults():
    assert desired_mail_settings('microsoft', 'scanner@contoso.com') == {
        'server': 'smtp.office365.com', 'port': 587, 'encryption': 'starttls', 'sender': 'scanner@contoso.com',
        'authentication': 'oauth_microsoft'}
    assert desired_mail_settings('google', 'scan@example.org', port=465)['encryption'] == 'ssl'
    assert desired_mail_settings('google', 'scan@example.org')['port'] == 587
    # Another server: the caller's choice, encryption by port.
    assert desired_mail_settings('microsoft', 'a@contoso.us', server='smtp.office365.us', port=465)['encryption'] == 'ssl'


@pytest.mark.parametrize('arguments, message', [
    (('microsoft', 'scanner@contoso.com', None, 465), 'only on smtp_port 587'),
    (('microsoft', 'scanner@contoso.com', None, 587, 'ssl'), 'needs encryption=starttls'),
    (('google', 'scan@example.org', None, 465, 'starttls'), 'needs encryption=ssl'),
    (('google', 'scan@example.org', None, 25), 'only on smtp_port 465 or 587'),
    (('google', 'scanner'), 'not an e-mail address'),
    (('google', 'scan@example.org', 'mail.example.org', 70000), 'outside 1 to 65535'),
])
def test_settings_that_cannot_work(arguments, message):
    with pytest.raises(ValueError, match=message):
        desired_mail_settings(*arguments)


def test_sender_outside_a_domain_tenant():
    assert sender_outside_tenant('scanner@fabrikam.com', 'contoso.onmicrosoft.com')
    assert not sender_outside_tenant('scanner@contoso.onmicrosoft.com', 'contoso.onmicrosoft.com')
    assert not sender_outside_tenant('scanner@eu.contoso.com', 'contoso.com')
    for tenant in ('organizations', 'common', '5f3c1a2e-8d4b-4e7a-9c61-2b0f7d9e4a13', None):
        assert not sender_outside_tenant('scanner@fabrikam.com', tenant)


def edit_page(profile, values):
    mail = profile['mail']

    def options(key):
        return ''.join('<option value="%s"%s>%s</option>' % (value, ' selected' if name == values[key] else '', name)
                       for name, value in mail['choices'][key].items())
    body = ('<form method="post" action="%s"><input type="hidden" name="%s" value="1">'
            '<input type="text" name="%s" value="%s"><input type="text" name="%s" value="%s">'
            '<select name="%s">%s</select><input type="text" name="%s" value="%s"><select name="%s">%s</select></form>') % (
        mail['edit_path'], profile['token_field'], mail['fields']['server'], values['server'],
        mail['fields']['port'], values['port'], mail['fields']['encryption'], options('encryption'),
        mail['fields']['sender'], values['sender'], mail['fields']['authentication'], options('authentication'))
    return Page('printer-0001', mail['edit_path'], 200, body, profile)


@pytest.mark.parametrize('name', sorted(PROFILES))
def test_edit_form_read_and_written_in_the_profiles_encoding(name):
    profile = PROFILES[name]
    shown = {'server': 'smtp.gmail.com', 'port': '465', 'encryption': 'ssl', 'sender': 'scan@example.org',
             'authentication': 'password'}
    current = current_mail_settings(edit_page(profile, shown), profile['mail'])
    assert current == dict(shown, port=465)
    plan = MailPlan(current, desired_mail_settings('google', 'scan@example.org', port=465))
    assert plan.changes == {'authentication': ('password', 'oauth_google')}
    values = mail_form_values(profile['mail'], plan.result)
    assert values[profile['mail']['fields']['authentication']] == profile['mail']['choices']['authentication']['oauth_google']
    assert values[profile['mail']['fields']['port']] == '465'
    assert not MailPlan(plan.result, plan.desired).changed


def test_unknown_option_value_names_the_profile():
    profile = PROFILES['isensys_mf']
    page = edit_page(profile, {'server': 's', 'port': '25', 'encryption': 'none', 'sender': '',
                               'authentication': 'none'})
    page_body_field = profile['mail']['fields']['authentication']
    page.forms[0].get(page_body_field).value = '9'
    with pytest.raises(PageNotUnderstoodError, match='isensys_mf'):
        current_mail_settings(page, profile['mail'])


@pytest.mark.parametrize('result, reply, reason', [
    ('sent', '250 2.0.0 OK', None),
    ('not_tried', None, None),
    ('failed', 'smtp.gmail.com:465: timed out', 'connection_failed'),
    ('rejected', '535 5.7.3 Authentication unsuccessful', 'token_refused'),
    ('rejected', '535-5.7.8 Username and Password not accepted. 535 5.7.8 https://support.google.com', 'token_refused'),
    ('rejected', '550 5.7.30 Basic authentication is not supported for Client Submission.', 'basic_auth_refused'),
    ('rejected', '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled', 'smtp_auth_disabled'),
    ('rejected', '554 5.2.252 SendAsDenied; a not allowed to send as b', 'sender_refused'),
    ('rejected', '451 4.7.0 Temporary server error', 'rejected'),
])
def test_failure_reason_from_the_reply(result, reply, reason):
    assert mail_failure_reason(result, reply) == reason


def test_the_printers_own_no_token_message_is_its_own_reason():
    texts = ['The OAuth 2.0 token is not active.', "Le jeton OAuth 2.0 n'est pas actif."]
    assert mail_failure_reason('failed', 'The OAuth 2.0 token is not active. Authorize again.', texts) == 'token_inactive'
    assert mail_failure_reason('failed', "Le jeton OAuth 2.0 n\u2019est pas actif. Recommencez.", texts) == 'token_inactive'
    assert mail_failure_reason('failed', 'smtp.office365.com:587 does not answer', texts) == 'connection_failed'
