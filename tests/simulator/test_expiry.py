"""Expiry watch on the device: when its token was last refreshed, and when its authorization ends."""

import datetime

import pytest

from browser import Browser
from test_device_oauth import DAY, advance_clock, authorize_microsoft, register_google, submit_code


def device_time(text):
    return datetime.datetime.strptime(text, '%Y-%m-%d %H:%M UTC').replace(tzinfo=datetime.timezone.utc).timestamp()


@pytest.fixture
def fleet(simulated_fleet):
    # printer-0001: Microsoft; printer-0002: Google (families alternate, then providers).
    return simulated_fleet(printers=2, languages='fr', providers='both', families='isensys_mf',
                           settle_seconds=0.3, poll_interval=1)


def test_google_testing_client_lapses_seven_days_after_consent(fleet):
    testing = next(client_id for client_id, client in fleet.control.google_clients().items() if client['testing'])
    secret = fleet.control.google_clients()[testing]['client_secret']
    browsers = {'printer-0002': Browser(fleet, 'printer-0002')}
    browser = browsers['printer-0002']
    assert browser.login().status_code == 302
    submit_code(browser, register_google(fleet, browser, testing, secret))
    shown = browser.wait_status('google', 'token_status', 'active')
    consented = fleet.control.printer('printer-0002')['token']['google']['refreshed_at']
    assert abs(device_time(shown['token_refreshed_at']) - consented) < 60
    assert abs(device_time(shown['refresh_token_expires_at']) - (consented + 7 * DAY)) < 60

    # Six days later the device still renews its access token; the end of the authorization stays.
    advance_clock(fleet, browsers, 6 * DAY)
    later = browser.status('google')
    assert later['token_status'] == 'active'
    assert device_time(later['token_refreshed_at']) - consented > 6 * DAY - 120
    assert later['refresh_token_expires_at'] == shown['refresh_token_expires_at']

    # A day and more later it cannot.
    advance_clock(fleet, browsers, 1.1 * DAY)
    assert browser.status('google')['token_status'] == 'expired'
    browser.logout()


def test_microsoft_shows_the_last_refresh_only(fleet):
    browser = Browser(fleet, 'printer-0001')
    assert browser.login().status_code == 302
    fleet.control.entra_approve(authorize_microsoft(fleet, browser)['user_code'])
    shown = browser.wait_status('microsoft', 'token_status', 'active')
    assert 'token_refreshed_at' in shown and 'refresh_token_expires_at' not in shown
    browser.logout()
