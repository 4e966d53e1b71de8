"""Session carriers, redirects and login answers of the simulated printers (the session variants), over real HTTPS."""

import re

import requests

from browser import Browser
from simulator.printer import RENAMED_SESSION_COOKIE, UNKNOWN_LOGIN_TEXT


def fleet_of(simulated_fleet, variants, **settings):
    own = {'family': 'imagerunner_advance', 'language': 'en', 'provider': 'microsoft', 'variants': variants, **settings}
    return simulated_fleet(printers=1, printer_settings={'printer-0001': own})


def test_renamed_session_cookie(simulated_fleet):
    fleet = fleet_of(simulated_fleet, ['session_cookie_renamed'])
    browser = Browser(fleet, 'printer-0001')
    response = browser.login()
    assert response.status_code == 302
    assert list(response.cookies.keys()) == [RENAMED_SESSION_COOKIE]
    assert browser.get(response.headers['Location']).status_code == 200
    assert fleet.control.printer('printer-0001')['login']['session_cookie'] == RENAMED_SESSION_COOKIE
    browser.logout()
    assert fleet.control.printer('printer-0001')['login']['open_sessions'] == 0


def test_session_in_url_carries_the_sid_on_every_link_and_action_and_the_logout_needs_it(simulated_fleet):
    fleet = fleet_of(simulated_fleet, ['session_in_url'])
    browser = Browser(fleet, 'printer-0001')
    response = browser.login()
    assert response.status_code == 302 and not response.cookies
    location = response.headers['Location']
    sid = re.search(r'[?&]SID=([0-9a-f]+)', location).group(1)
    status_path = browser.profile['providers']['microsoft']['status_path']
    # Without the SID the device knows no session; with it, every link and action carries it.
    assert browser.get(status_path).status_code == 302
    page = browser.get(f'{status_path}?SID={sid}')
    assert page.status_code == 200
    hrefs = re.findall(r'(?:href|action)="([^"]+)"', page.text)
    local = [href for href in hrefs if href.startswith('/') and not href.startswith('/static/')]
    assert local and all(f'SID={sid}' in href for href in local), local
    edit = browser.get(browser.profile['providers']['microsoft']['edit_path'] + f'?SID={sid}')
    assert re.search(r'action="[^"]*SID=%s' % sid, edit.text)
    # A logout without the SID ends nothing.
    browser.logout()
    assert fleet.control.printer('printer-0001')['login']['open_sessions'] == 1
    browser.get(browser.profile['logout']['path'] + f'?SID={sid}')
    assert fleet.control.printer('printer-0001')['login']['open_sessions'] == 0


def test_cookie_domain_names_the_host_the_client_used(simulated_fleet):
    fleet = fleet_of(simulated_fleet, ['cookie_domain'], address='127.0.0.1')
    port = fleet.printers['printer-0001']['port']
    http = requests.Session()
    http.trust_env = False
    login = Browser(fleet, 'printer-0001').profile['login']
    response = http.post(f'https://localhost:{port}{login["path"]}', verify=fleet.ca_path, allow_redirects=False,
                         data={**login['extra_fields'], login['username_field']: fleet.username,
                               login['password_field']: fleet.password}, timeout=10)
    header = response.headers['Set-Cookie']
    assert 'Domain=localhost' in header and 'Secure' in header and 'SameSite=Strict' in header
    assert 'Max-Age=300' in header
    http.get(f'https://localhost:{port}{Browser(fleet, "printer-0001").profile["logout"]["path"]}',
             verify=fleet.ca_path, allow_redirects=False, timeout=10,
             headers={'Cookie': header.split(';', 1)[0]})
    assert fleet.control.printer('printer-0001')['login']['open_sessions'] == 0


def test_redirect_by_ip_and_by_name(simulated_fleet):
    fleet = fleet_of(simulated_fleet, ['redirect_by_ip', 'redirect_by_name'], address='127.0.0.1')
    port = fleet.printers['printer-0001']['port']
    profile = Browser(fleet, 'printer-0001').profile
    login = profile['login']
    form = {**login['extra_fields'], login['username_field']: fleet.username, login['password_field']: fleet.password}
    for url, expected in ((f'https://localhost:{port}', f'https://127.0.0.1:{port}/'),
                          (f'https://127.0.0.1:{port}', f'https://localhost:{port}/')):
        http = requests.Session()
        http.trust_env = False
        response = http.post(url + login['path'], data=form, verify=fleet.ca_path, allow_redirects=False, timeout=10)
        assert response.headers['Location'].startswith(expected)
        http.get(url + profile['logout']['path'], verify=fleet.ca_path, timeout=10, allow_redirects=False)


def test_unknown_login_answer_counts_the_failure_and_a_configured_lockout(simulated_fleet):
    fleet = fleet_of(simulated_fleet, ['unknown_login_answer'], lockout_failures=3, session_limit=1)
    browser = Browser(fleet, 'printer-0001')
    for attempt in range(2):
        answer = browser.login(password='wrong')
        assert answer.status_code == 200 and UNKNOWN_LOGIN_TEXT in answer.text
        assert browser.message('login_failed') not in answer.text
    state = fleet.control.printer('printer-0001')['login']
    assert state['consecutive_failures'] == 2 and not state['locked'] and state['lockout_failures'] == 3
    browser.login(password='wrong')
    state = fleet.control.printer('printer-0001')['login']
    assert state['locked'] and state['lockouts'] == 1 and state['locked_seconds_left'] > 0
    assert fleet.control.counters()['lockouts'] == 1


def test_a_session_limit_of_one(simulated_fleet):
    fleet = fleet_of(simulated_fleet, [], session_limit=1)
    first, second = Browser(fleet, 'printer-0001'), Browser(fleet, 'printer-0001')
    assert first.login().status_code == 302
    refused = second.login()
    assert refused.status_code == 200 and second.message('session_limit') in refused.text
    assert fleet.control.printer('printer-0001')['login']['open_sessions'] == 1
    first.logout()
    assert fleet.control.counters()['logouts'] == 1
