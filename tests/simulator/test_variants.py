"""Markup variants of the simulated printers: what each one serves and what the device then demands.

The playbook suite (tests/playbooks/test_robustness.py) drives the collection against them; these
tests pin down the device side, over real HTTPS on loopback.
"""

import re
import time
from pathlib import Path

import pytest

from browser import Browser

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'
HIDDEN = re.compile(r"<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")


def one_printer(simulated_fleet, family, language, variants, **options):
    fleet = simulated_fleet(printers=1, printer_settings={'printer-0001': {
        'family': family, 'language': language, 'provider': 'microsoft', 'variants': variants}}, **options)
    return fleet, Browser(fleet, 'printer-0001')


def logged_in(browser):
    response = browser.login()
    assert response.status_code == 302
    return response


def edit_form(browser):
    """(hidden inputs in page order, as pairs) of the Microsoft edit page."""
    page = browser.get(browser.profile['providers']['microsoft']['edit_path'])
    assert page.status_code == 200
    return page.text, HIDDEN.findall(page.text)


def test_default_markup_is_unchanged_and_variants_are_recorded(simulated_fleet):
    fleet = simulated_fleet(printers=3, variants='td_labels+nbsp,none,label_colon')
    assert [printer['variants'] for printer in fleet.state['printers']] == [['nbsp', 'td_labels'], [], ['label_colon']]
    assert fleet.with_variant('label_colon') == ['printer-0003']
    hosts = fleet.inventory['all']['children']['printers']['children']['microsoft']['hosts']
    assert hosts['printer-0001']['simulator_variants'] == ['nbsp', 'td_labels']
    assert 'simulator_variants' not in hosts['printer-0002']
    browser = Browser(fleet, 'printer-0002')
    logged_in(browser)
    page = browser.get(browser.profile['providers']['microsoft']['status_path'])
    assert '<dl><dt>Server Connection Status</dt><dd>' in page.text or \
        '<tr><th>Server Connection Status</th><td>' in page.text
    browser.logout()
    # switched at run time through the control interface
    fleet.control.set_variants('printer-0002', ['label_case'])
    assert fleet.control.fleet()[1]['variants'] == ['label_case']


def test_text_variants(simulated_fleet):
    fleet, browser = one_printer(simulated_fleet, ADVANCE, 'fr',
                                 'td_labels+label_colon+nbsp+unicode_punctuation+omit_end_tags+meta_charset')
    logged_in(browser)
    page = browser.get(browser.profile['providers']['microsoft']['status_path'])
    assert 'charset' not in page.headers['Content-Type']
    assert b'charset=windows-1252' in page.content
    text = page.content.decode('windows-1252')
    assert '<tr><td>Statut&nbsp;du&nbsp;jeton :<td>Inactif' in text
    assert 'V\u00e9rification\u2026' in text       # U+2026, encoded as 0x85 in windows-1252
    assert b'V\xe9rification\x85' in page.content
    browser.logout()


def test_form_variants_refuse_what_a_browser_would_not_send(simulated_fleet):
    fleet, browser = one_printer(simulated_fleet, ADVANCE, 'en', 'submit_name+page_hidden_fields+checkbox_hidden')
    logged_in(browser)
    url = 'https://login.microsoftonline.com/organizations/oauth2/v2.0'

    def post(drop=(), override=None, buttons=(('Submit', 'OK'),)):
        text, hidden = edit_form(browser)
        assert ('CoreNXAction', './oauthmsedit.cgi') in hidden and ('OAuthUse', '0') in hidden
        assert '<input type="submit" name="Submit" value="OK"><input type="submit" name="Cancel"' in text
        data = [(name, value) for name, value in hidden if name not in drop]
        data += [('OAuthUse', '1'), ('VerifyCert', '1'), ('AuthServerURL', url), ('Flag', 'Exec_Data'),
                 ('Dummy', str(int(time.time() * 1000))), *buttons]
        data = [(name, (override or {}).get(name, value)) for name, value in data]
        return browser.request('POST', '/rps/oauthmsedit.cgi', data=data)

    # the profile's constant instead of the page's own CoreNXAction, no OK button, Cancel: refused
    for attempt in (post(override={'CoreNXAction': './oauth.cgi'}), post(buttons=()),
                    post(buttons=(('Submit', 'OK'), ('Cancel', 'Cancel')))):
        assert attempt.status_code == 200 and 'ERR' in attempt.text
    assert fleet.control.printer('printer-0001')['counters']['writes'] == 0
    # as a browser posts it: hidden 0 then the checked box's 1, the last value wins
    assert post().status_code == 302
    state = fleet.control.printer('printer-0001')
    assert state['counters']['writes'] == 1 and state['settings']['microsoft']['enabled']
    assert not state['settings']['microsoft']['add_cn_to_verification']      # only its hidden 0 was sent
    browser.logout()


def test_cookie_path_portal_cookie_code_after_save_and_rate_limit(simulated_fleet):
    fleet, browser = one_printer(simulated_fleet, ADVANCE, 'en',
                                 'cookie_path+portal_cookie+code_after_save+save_200_status+rate_limit',
                                 rate_limit_ms=100)
    control = fleet.control
    time.sleep(0.15)    # the fleet's readiness check was this printer's last request
    assert browser.login().cookies.list_paths() == ['/rps']
    time.sleep(0.15)
    assert browser.get('/rps/oauthms.cgi').status_code == 302      # no portal cookie yet: to the login page
    time.sleep(0.15)
    assert 'iR' in browser.get('/rps/nativetop.cgi').cookies
    time.sleep(0.15)
    assert browser.get('/rps/oauthms.cgi').status_code == 200
    assert browser.get('/rps/oauthms.cgi').status_code == 503      # too soon after the previous request
    assert control.printer('printer-0001')['counters']['rate_limited'] >= 1
    time.sleep(0.15)
    assert browser.get('/rps/oauthmsauth.cgi').status_code == 404  # no authorize page on this firmware
    time.sleep(0.15)
    text, hidden = edit_form(browser)
    time.sleep(0.15)
    saved = browser.request('POST', '/rps/oauthmsedit.cgi', data=[
        *hidden, ('OAuthUse', '1'), ('VerifyCert', '1'), ('Flag', 'Exec_Data'), ('CoreNXAction', './oauth.cgi'),
        ('AuthServerURL', 'https://login.microsoftonline.com/organizations/oauth2/v2.0'),
        ('Dummy', str(int(time.time() * 1000)))])
    assert saved.status_code == 200                               # the status page, not a 302
    code = control.printer('printer-0001')['token']['microsoft']['user_code']
    assert f'<tr><th>User Code</th><td>{code}</td></tr>' in saved.text
    time.sleep(0.15)
    session = browser.http.cookies.get('sessionid', path='/rps')
    browser.logout()                                              # /logout is outside Path=/rps: no cookie sent
    assert control.printer('printer-0001')['counters']['open_sessions'] == 1
    time.sleep(0.15)
    ended = browser.request('GET', '/logout', headers={'Cookie': f'sessionid={session}'})
    assert ended.status_code == 302, ended.status_code
    assert control.printer('printer-0001')['counters']['open_sessions'] == 0


@pytest.mark.parametrize('variant, fields', [('login_fields_i0019', ('i0019', 'i2101')),
                                             ('login_fields_i0023', ('i0023', 'i0025'))])
def test_login_field_variants(simulated_fleet, variant, fields):
    fleet, browser = one_printer(simulated_fleet, MF, 'en', variant)
    page = browser.get('/checkLogin.cgi').text
    assert all(f'name="{field}"' in page for field in fields) and 'name="i0014"' not in page
    form = {'i0012': '1', fields[0]: fleet.username, fields[1]: fleet.password}
    login = browser.request('POST', '/checkLogin.cgi', data=form)
    assert login.status_code == 302
    browser.logout()


def test_fleet_served_from_a_profile_file(simulated_fleet):
    profile_file = Path(__file__).resolve().parents[1] / 'profiles/isensys_x.yml'
    fleet = simulated_fleet(printers=2, languages='fr', providers='microsoft', profile_file=profile_file)
    assert [printer['profile_file'] for printer in fleet.state['printers']] == [str(profile_file)] * 2
    hosts = fleet.inventory['all']['children']['printers']['children']['microsoft']['hosts']
    assert hosts['printer-0001']['simulator_profile_file'] == str(profile_file)
    assert hosts['printer-0001']['cloudmail_profile'] == 'isensys_mf'       # the built-in profile it extends
    browser = Browser(fleet, 'printer-0001')
    assert 'name="i0019"' in browser.get('/checkLogin.cgi').text
    form = {'i0012': '1', 'i0019': fleet.username, 'i2101': fleet.password}
    login = browser.request('POST', '/checkLogin.cgi', data=form)
    assert login.status_code == 302
    page = browser.get('/cgi-bin/oauth/ms_status.cgi')
    assert '<dt>Jeton d\'accès</dt><dd>Inactif</dd>' in page.text
    assert 'name="i5004"' in browser.get('/cgi-bin/oauth/ms_edit.cgi').text
    assert browser.get('/m_oauth_ms.html').status_code == 404     # the built-in profile's page is not there
    browser.request('GET', '/logout.cgi')
