"""Login, sessions, lockout and TLS of the simulated printers, over real HTTPS on loopback."""

import time

import pytest
import requests

from browser import Browser


@pytest.fixture
def fleet(simulated_fleet):
    return simulated_fleet(printers=2)   # one printer of each family


def test_login_sets_session_cookie_and_redirects_to_portal(fleet):
    for name in fleet.printers:
        browser = Browser(fleet, name)
        response = browser.login()
        assert response.status_code == 302
        assert browser.profile['login']['session_cookie'] in response.cookies
        portal = browser.get(response.headers['Location'])
        assert portal.status_code == 200 and '<title>Remote UI: ' in portal.text
        for spec in browser.profile['providers'].values():
            assert f'href="{spec["status_path"]}"' in portal.text
        assert browser.logout().headers['Location'] == browser.profile['login']['path']
        # The session ended with the logout.
        assert browser.get(response.headers['Location']).headers['Location'] == browser.profile['login']['path']
    assert fleet.control.counters()['logins'] == 2


def test_wrong_password_answers_login_form_with_message(fleet):
    browser = Browser(fleet, 'printer-0001')
    response = browser.login(password='wrong')
    assert response.status_code == 200
    assert browser.message('login_failed') in response.text
    assert browser.profile['login']['password_field'] in response.text
    assert not response.cookies
    assert fleet.control.printer('printer-0001')['counters']['failed_logins'] == 1


def test_five_failures_lock_out_for_five_minutes(fleet):
    browser = Browser(fleet, 'printer-0002')
    for attempt in range(5):
        assert browser.message('login_failed') in browser.login(password='wrong').text
    locked = browser.login()
    assert locked.status_code == 200 and browser.message('locked_out') in locked.text
    fleet.control.advance_clock(301)
    assert browser.login().status_code == 302
    browser.logout()


def test_session_limit_refuses_a_third_administrator(fleet):
    browsers = [Browser(fleet, 'printer-0001') for session in range(3)]
    assert [b.login().status_code for b in browsers[:2]] == [302, 302]
    third = browsers[2].login()
    assert third.status_code == 200 and browsers[2].message('session_limit') in third.text
    assert not third.cookies
    browsers[0].logout()
    assert browsers[2].login().status_code == 302
    for browser in browsers[1:]:
        browser.logout()


def test_unknown_session_is_sent_to_login(fleet):
    browser = Browser(fleet, 'printer-0002')
    status_path = browser.profile['providers']['microsoft']['status_path']
    browser.http.cookies.set(browser.profile['login']['session_cookie'], 'f' * 32)
    response = browser.get(status_path)
    assert response.status_code == 302
    assert response.headers['Location'] == browser.profile['login']['path']


def test_idle_sessions_end_after_the_timeout(fleet):
    browser = Browser(fleet, 'printer-0001')
    status_path = browser.profile['providers']['google']['status_path']
    browser.login()
    fleet.control.advance_clock(200)
    assert browser.get(status_path).status_code == 200     # use keeps the session alive
    fleet.control.advance_clock(301)
    assert browser.get(status_path).status_code == 302
    assert fleet.control.printer('printer-0001')['counters']['open_sessions'] == 0


def test_idle_timeout_is_configurable(simulated_fleet):
    fleet = simulated_fleet(printers=1, idle_timeout=0.5)
    browser = Browser(fleet, 'printer-0001')
    browser.login()
    time.sleep(0.8)
    assert browser.get(browser.profile['providers']['microsoft']['status_path']).status_code == 302


def test_certificate_from_an_untrusted_ca_is_refused(simulated_fleet):
    """REQUESTS_CA_BUNDLE is set on this machine: the CA given per request must be the one used."""
    fleet = simulated_fleet(printers=2, foreign_cert_printers=1)
    assert fleet.printers['printer-0002']['foreign_cert']
    trusted = requests.get(fleet.url('printer-0001'), verify=fleet.ca_path, timeout=10)
    assert trusted.status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(fleet.url('printer-0002'), verify=fleet.ca_path, timeout=10)
    with pytest.raises(requests.exceptions.SSLError):
        Browser(fleet, 'printer-0002').login()
    # Nor does the system bundle trust the simulator's own CA.
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(fleet.url('printer-0001'), verify=True, timeout=10)
