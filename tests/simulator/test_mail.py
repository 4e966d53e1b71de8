"""The printers' SMTP settings pages and a real XOAUTH2 send to the fake submission servers."""

import pytest

from browser import Browser, normalize
from simulator.clouds import DEFAULT_GOOGLE_USER, DEFAULT_MICROSOFT_USER
from test_device_oauth import authorize_microsoft, google_client, register_google, submit_code

PROVIDER_SETTINGS = {
    'microsoft': {'server': 'smtp.office365.com', 'port': '587', 'encryption': 'starttls',
                  'sender': DEFAULT_MICROSOFT_USER, 'authentication': 'oauth_microsoft'},
    'google': {'server': 'smtp.gmail.com', 'port': '465', 'encryption': 'ssl',
               'sender': DEFAULT_GOOGLE_USER, 'authentication': 'oauth_google'},
}


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    from simulator.client import SimulatedFleet, run_cli
    directory = tmp_path_factory.mktemp('mail-fleet')
    run_cli('start', '--dir', str(directory), '--printers', '8', '--settle-seconds', '0.3', '--poll-interval', '1')
    fleet = SimulatedFleet(directory)
    yield fleet
    fleet.stop()


@pytest.fixture(scope='module')
def authorized(fleet):
    """Every printer logged in and holding an active token of its provider."""
    browsers = {}
    client_id, client_secret = google_client(fleet)
    for name, printer in fleet.printers.items():
        browser = browsers[name] = Browser(fleet, name)
        assert browser.login().status_code == 302
        if printer['provider'] == 'microsoft':
            fleet.control.entra_approve(authorize_microsoft(fleet, browser)['user_code'])
        else:
            submit_code(browser, register_google(fleet, browser, client_id, client_secret))
        browser.wait_status(printer['provider'], 'token_status', 'active')
    yield browsers
    for browser in browsers.values():
        browser.logout()


def save_mail(browser, **settings):
    spec = browser.profile['mail']
    values = {}
    for key, value in settings.items():
        values[spec['fields'][key]] = spec['choices'][key][value] if key in spec['choices'] else value
    return browser.post_form(spec['edit_path'], values)


def mail_status(browser):
    return normalize(browser.page(browser.profile['mail']['status_path']).rows)


def send_test(browser, recipient='archive@example.org'):
    spec = browser.profile['mail']
    response = browser.post_form(spec['test_path'], {spec['fields']['test_recipient']: recipient})
    assert response.status_code == 302
    return mail_status(browser)


def test_settings_saved_and_shown_in_the_ui_language(fleet, authorized):
    for name, browser in authorized.items():
        provider = fleet.printers[name]['provider']
        assert save_mail(browser, **PROVIDER_SETTINGS[provider]).status_code == 302
        shown = mail_status(browser)
        assert shown['smtp_server'] == PROVIDER_SETTINGS[provider]['server']
        assert shown['sender_address'] == PROVIDER_SETTINGS[provider]['sender']
        assert shown['mail_test_result'] == 'not_tried'
        assert fleet.control.printer(name)['mail']['settings'] == PROVIDER_SETTINGS[provider]


def test_a_bad_port_is_refused_and_nothing_changes(fleet, authorized):
    browser = authorized['printer-0001']
    before = fleet.control.printer('printer-0001')['mail']['settings']
    response = save_mail(browser, port='99999')
    assert response.status_code == 200 and browser.profile['error_marker'] in response.text
    assert fleet.control.printer('printer-0001')['mail']['settings'] == before


def test_xoauth2_send_with_the_printers_own_token(fleet, authorized):
    before = len(fleet.control.mailbox()['messages'])
    for name, browser in authorized.items():
        provider = fleet.printers[name]['provider']
        save_mail(browser, **PROVIDER_SETTINGS[provider])
        shown = send_test(browser)
        assert shown['mail_test_result'] == 'sent', shown
    messages = fleet.control.mailbox()['messages'][before:]
    assert {message['client_address'] for message in messages} == {
        printer['address'] for printer in fleet.printers.values()}
    assert all(message['recipients'] == ['archive@example.org'] for message in messages)


def test_google_submission_on_587_with_starttls(fleet, authorized):
    name = next(name for name, printer in fleet.printers.items() if printer['provider'] == 'google')
    save_mail(authorized[name], **{**PROVIDER_SETTINGS['google'], 'port': '587', 'encryption': 'starttls'})
    assert send_test(authorized[name])['mail_test_result'] == 'sent'


def test_a_sender_the_token_was_not_issued_for_is_refused(fleet, authorized):
    for provider, reply in (('microsoft', '535 5.7.3 Authentication unsuccessful'),
                            ('google', '535 5.7.8')):
        name = next(name for name, printer in fleet.printers.items() if printer['provider'] == provider)
        save_mail(authorized[name], **{**PROVIDER_SETTINGS[provider], 'sender': 'someone.else@example.org'})
        shown = send_test(authorized[name])
        assert shown['mail_test_result'] == 'rejected'
        assert reply in shown['mail_test_reply']
        if provider == 'google':
            assert shown['mail_test_reply'].startswith('535-5.7.8')
        save_mail(authorized[name], **PROVIDER_SETTINGS[provider])


def test_basic_authentication_is_refused_with_5_7_30(fleet, authorized):
    name = next(name for name, printer in fleet.printers.items() if printer['provider'] == 'microsoft')
    fleet.control.configure_mail(name, authentication='password', password='an-old-password')
    shown = send_test(authorized[name])
    assert shown['mail_test_result'] == 'rejected'
    assert shown['mail_test_reply'].startswith('550 5.7.30 Basic authentication is not supported')
    assert fleet.control.mailbox()['basic_auth_attempts'] >= 1
    fleet.control.configure_mail(name, authentication='oauth_microsoft')


def test_a_wrong_host_or_port_cannot_connect(fleet, authorized):
    name = next(name for name, printer in fleet.printers.items() if printer['provider'] == 'microsoft')
    save_mail(authorized[name], **{**PROVIDER_SETTINGS['microsoft'], 'port': '465', 'encryption': 'ssl'})
    assert send_test(authorized[name])['mail_test_result'] == 'failed'
    save_mail(authorized[name], **PROVIDER_SETTINGS['microsoft'])


def test_a_revoked_token_is_refused(fleet, authorized):
    """Last: revocation ends every printer's grant of that user."""
    name = next(name for name, printer in fleet.printers.items() if printer['provider'] == 'microsoft')
    save_mail(authorized[name], **PROVIDER_SETTINGS['microsoft'])
    assert fleet.control.revoke(provider='microsoft')['revoked'] >= 1
    shown = send_test(authorized[name])
    assert shown['mail_test_result'] == 'rejected'
    assert shown['mail_test_reply'].startswith('535 5.7.3')
    assert fleet.control.mailbox()['rejected_tokens'] >= 1
