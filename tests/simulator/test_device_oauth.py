"""The printers' authorization against the fake clouds, end to end over HTTPS."""

import re

import pytest

from browser import Browser, normalize, parse
from simulator.printer import profiles

AUTHORITY = 'https://login.microsoftonline.com/organizations/oauth2/v2.0'
DAY = 86400


@pytest.fixture
def fleet(simulated_fleet):
    return simulated_fleet(printers=4, settle_seconds=0.3, poll_interval=1)


@pytest.fixture
def browsers(fleet):
    opened = {name: Browser(fleet, name) for name in fleet.printers}
    for browser in opened.values():
        assert browser.login().status_code == 302
    yield opened
    for browser in opened.values():
        browser.logout()


def google_client(fleet):
    """The fake Google's production client, as the inventory gives it."""
    google_vars = fleet.inventory['all']['children']['printers']['children']['google']['vars']
    return google_vars['cloudmail_google_client_id'], google_vars['cloudmail_google_client_secret']


def advance_clock(fleet, browsers, seconds):
    """Move the world forward; the admin sessions time out meanwhile, so log in again."""
    fleet.control.advance_clock(seconds)
    for browser in browsers.values():
        assert browser.login().status_code == 302


def authorize_microsoft(fleet, browser):
    """Open the authorize page; answers its normalized rows."""
    assert browser.save('microsoft', enabled=True, authority_url=AUTHORITY).status_code == 302
    browser.wait_status('microsoft', 'connection_status', 'connected')
    page = browser.get(browser.profile['providers']['microsoft']['authorize_path'])
    return normalize(parse(page.text).rows)


def register_google(fleet, browser, client_id, client_secret):
    """Save the client, consent as the person; answers the authorization code."""
    assert browser.save('google', enabled=True, client_id=client_id, client_secret=client_secret).status_code == 302
    browser.wait_status('google', 'connection_status', 'connected')
    page = parse(browser.get(browser.profile['providers']['google']['register_path']).text)
    url = next(link for link in page.links if link.startswith('https://accounts.google.com/'))
    consent = fleet.control.google_consent(url)
    assert f'code={consent["code"]}' in consent['redirect_url']
    return consent['code']


def submit_code(browser, code):
    spec = browser.profile['providers']['google']
    return browser.post_form(spec['register_path'], {spec['fields']['authorization_code']: code})


def test_microsoft_device_code_flow_until_active(fleet, browsers):
    for browser in browsers.values():
        shown = authorize_microsoft(fleet, browser)
        assert shown['token_status'] == 'authorizing'
        assert re.match(profiles.DURATION_PATTERN, shown['user_code_expires_in'])
        assert shown['user_code'] in shown['message'] and 'https://microsoft.com/devicelogin' in shown['message']
        assert shown['user_code'] in [code['user_code'] for code in fleet.control.entra_pending()]
        # A second view shows the same, still valid code.
        again = normalize(parse(browser.get(browser.profile['providers']['microsoft']['authorize_path']).text).rows)
        assert again['user_code'] == shown['user_code']
        fleet.control.entra_approve(shown['user_code'])
        assert browser.wait_status('microsoft', 'token_status', 'active')['connection_status'] == 'connected'
        assert fleet.control.printer(browser.name)['token']['microsoft']['status'] == 'active'
    assert fleet.control.entra_pending() == []


def test_declined_and_expired_codes_leave_the_token_inactive(fleet, browsers):
    declined, expired = browsers['printer-0001'], browsers['printer-0004']
    fleet.control.entra_approve(authorize_microsoft(fleet, declined)['user_code'], decline=True)
    assert declined.wait_status('microsoft', 'token_status', 'inactive')['error_details']
    assert fleet.control.printer('printer-0001')['token']['microsoft']['error'] == 'declined'
    authorize_microsoft(fleet, expired)
    advance_clock(fleet, browsers, 901)
    assert expired.wait_status('microsoft', 'token_status', 'inactive')['error_details']
    assert fleet.control.printer('printer-0004')['token']['microsoft']['error'] == 'code_expired'


def test_unknown_tenant_or_host_is_not_connected(fleet, browsers):
    browser = browsers['printer-0002']
    browser.save('microsoft', enabled=True,
                 authority_url='https://login.microsoftonline.com/no-such-tenant.example/oauth2/v2.0')
    assert browser.wait_status('microsoft', 'connection_status', 'not_connected')
    # Hosts other than the clouds do not resolve: the device cannot reach them.
    browser.save('microsoft', authority_url='https://login.example.invalid/organizations/oauth2/v2.0')
    browser.wait_status('microsoft', 'connection_status', 'not_connected')
    page = normalize(parse(browser.get(browser.profile['providers']['microsoft']['authorize_path']).text).rows)
    assert page['token_status'] == 'inactive' and page['error_details']


def test_google_code_flow_until_active_and_wrong_code(fleet, browsers):
    client_id, client_secret = google_client(fleet)
    for browser in browsers.values():
        code = register_google(fleet, browser, client_id, client_secret)
        submit_code(browser, 'not-a-real-code')
        status = browser.status('google')
        assert status['token_status'] == 'error'
        assert status['error_details'] == browser.message('code_rejected')
        assert submit_code(browser, code).headers['Location'] == browser.profile['providers']['google']['status_path']
        assert browser.status('google')['token_status'] == 'active'
        # A code is good once.
        submit_code(browser, code)
        assert browser.status('google')['token_status'] == 'error'
    assert fleet.control.counters()['writes'] == 4 * 4   # settings save + three code posts each


def test_google_testing_client_token_expires_after_seven_days(fleet, browsers):
    clients = fleet.control.google_clients()
    testing_id, testing = next((cid, c) for cid, c in clients.items() if c['testing'])
    production_id, production = next((cid, c) for cid, c in clients.items() if not c['testing'])
    testing_printer, production_printer = browsers['printer-0001'], browsers['printer-0002']
    for browser, client_id, client in ((testing_printer, testing_id, testing),
                                       (production_printer, production_id, production)):
        submit_code(browser, register_google(fleet, browser, client_id, client['client_secret']))
        assert browser.status('google')['token_status'] == 'active'
    advance_clock(fleet, browsers, 2 * 3600)     # access tokens expired: both refresh fine
    assert testing_printer.status('google')['token_status'] == 'active'
    advance_clock(fleet, browsers, 7 * DAY)
    assert testing_printer.status('google')['token_status'] == 'expired'
    assert production_printer.status('google')['token_status'] == 'active'


def test_turning_oauth_off_or_changing_the_clock_drops_the_token(fleet, browsers):
    browser = browsers['printer-0003']
    for change in ('off_on', 'authority', 'device_clock'):
        fleet.control.entra_approve(authorize_microsoft(fleet, browser)['user_code'])
        browser.wait_status('microsoft', 'token_status', 'active')
        if change == 'off_on':
            browser.save('microsoft', enabled=False)
            assert browser.status('microsoft')['token_status'] == 'inactive'
            browser.save('microsoft', enabled=True)
        elif change == 'authority':
            browser.save('microsoft', authority_url='https://login.microsoftonline.com/common/oauth2/v2.0')
        else:
            fleet.control.change_device_clock(browser.name, 3600)
        assert browser.status('microsoft')['token_status'] == 'inactive', change


@pytest.mark.parametrize('untrusted', [False, True])
def test_verify_server_certificate_follows_the_setting(simulated_fleet, untrusted):
    """The device checks the cloud's certificate only when its settings say so."""
    fleet = simulated_fleet(printers=2, settle_seconds=0.3, untrusted_cloud_certificate=untrusted)
    microsoft, google = Browser(fleet, 'printer-0001'), Browser(fleet, 'printer-0002')
    client_id, client_secret = google_client(fleet)
    for browser in (microsoft, google):
        browser.login()
    for verify in (True, False):
        microsoft.save('microsoft', enabled=True, authority_url=AUTHORITY, verify_server_certificate=verify,
                       add_cn_to_verification=verify)
        google.save('google', enabled=True, client_id=client_id, client_secret=client_secret,
                    verify_server_certificate=verify)
        expected = 'not_connected' if untrusted and verify else 'connected'
        for browser, provider in ((microsoft, 'microsoft'), (google, 'google')):
            assert browser.wait_status(provider, 'connection_status', expected)
    for browser in (microsoft, google):
        browser.logout()
