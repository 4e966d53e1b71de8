"""The firmware generation of simulator/generation_x.py, device side: what it demands and refuses.

The whole journey with the collection (probe, a Chromium capture, the learner, rollout) is
tests/playbooks/test_unknown_firmware_journey.py; these tests pin down the device over real HTTPS.
"""

import re
import time

import requests

from simulator import generation_x

PROFILE = generation_x.PROFILE
LOGIN = PROFILE['login']
MS = PROFILE['providers']['microsoft']
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="ftok" value="([^"]+)"')


def start(simulated_fleet, language='de'):
    fleet = simulated_fleet(printers=1, printer_settings={'printer-0001': {
        'family': generation_x.FAMILY, 'language': language, 'provider': 'microsoft'}})
    return fleet


def client(fleet):
    session = requests.Session()
    session.trust_env = False       # the environment's CA bundle must not win over the fleet's
    session.verify = fleet.ca_path
    return session


def sign_in(fleet, http, password=None):
    page = http.get(fleet.url('printer-0001', LOGIN['form_path']))
    nonce = NONCE.search(page.text).group(1)
    return http.post(fleet.url('printer-0001', LOGIN['path']), allow_redirects=False, data={
        'nonce': nonce, LOGIN['username_field']: fleet.username, LOGIN['password_field']: password or fleet.password})


def counters(fleet):
    return fleet.control.printer('printer-0001')['counters']


def test_the_sign_in_page_is_reached_from_the_root_and_needs_its_one_time_nonce(simulated_fleet):
    fleet = start(simulated_fleet)
    http = client(fleet)
    root = http.get(fleet.url('printer-0001', '/'), allow_redirects=False)
    assert root.status_code == 302 and root.headers['Location'].endswith('/start.html')
    start_page = http.get(fleet.url('printer-0001', root.headers['Location']))
    assert 'http-equiv="refresh" content="0; url=signin.html"' in start_page.text
    assert http.get(fleet.url('printer-0001', LOGIN['path'])).status_code == 404     # the post target is no page
    stale = http.post(fleet.url('printer-0001', LOGIN['path']), data={
        'nonce': 'not-issued', LOGIN['username_field']: fleet.username, LOGIN['password_field']: fleet.password})
    assert PROFILE['messages']['stale_form'][0] in stale.text
    assert counters(fleet)['failed_logins'] == 0 and counters(fleet)['logins'] == 0
    answer = sign_in(fleet, http)
    assert answer.status_code == 302 and LOGIN['session_cookie'] in answer.cookies
    http.get(fleet.url('printer-0001', PROFILE['logout']['path']))
    assert fleet.open_sessions() == {}


def test_one_administrator_at_a_time_and_a_lockout_after_five_failed_logins(simulated_fleet):
    fleet = start(simulated_fleet, 'en')
    first, second = client(fleet), client(fleet)
    assert sign_in(fleet, first).status_code == 302
    refused = sign_in(fleet, second)
    assert refused.status_code == 200 and PROFILE['messages']['session_limit'][1] in refused.text
    first.get(fleet.url('printer-0001', PROFILE['logout']['path']))
    for attempt in range(5):
        wrong = sign_in(fleet, second, password='wrong-%d' % attempt)
        assert PROFILE['messages']['login_failed'][1] in wrong.text
    locked = sign_in(fleet, second)
    assert locked.status_code == 200 and PROFILE['messages']['locked_out'][1] in locked.text
    assert counters(fleet)['failed_logins'] == 6 and fleet.open_sessions() == {}


def test_a_write_needs_the_form_token_the_time_the_script_fills_and_the_commit_field_it_adds(simulated_fleet):
    fleet = start(simulated_fleet)
    http = client(fleet)
    sign_in(fleet, http)
    status = http.get(fleet.url('printer-0001', MS['status_path'])).text
    # Edit is an onclick button; the destructive link stands on the page.
    assert "onclick=\"location.href='%s'\"" % MS['edit_path'] in status
    assert 'href="%s"' % MS['delete_path'] in status and 'Autorisierungsinformationen löschen' in status
    form = http.get(fleet.url('printer-0001', MS['edit_path'])).text
    assert 'name="zeit" value=""' in form and 'name="commit"' not in form and 'type="submit"' not in form
    fields = MS['fields']
    settings = {fields['enabled']: 'true', fields['verify_server_certificate']: 'true',
                fields['authority_url']: 'https://login.microsoftonline.com/organizations/oauth2/v2.0'}
    save = fleet.url('printer-0001', MS['save_path'])
    # As a client posts the form as it stands, without its page script: refused, with the device's text.
    refused = http.post(save, data={'ftok': FORM_TOKEN.search(form).group(1), 'zeit': '', **settings},
                        allow_redirects=False)
    assert refused.status_code == 200 and 'Fehler: Ungültige Anforderung. (E-4002)' in refused.text
    form = http.get(fleet.url('printer-0001', MS['edit_path'])).text
    saved = http.post(save, allow_redirects=False, data={
        'ftok': FORM_TOKEN.search(form).group(1), 'zeit': str(int(time.time() * 1000)), 'commit': '1', **settings})
    assert saved.status_code == 302 and saved.headers['Location'] == MS['status_path']
    assert counters(fleet)['writes'] == 1
    assert fleet.control.printer('printer-0001')['settings']['microsoft']['enabled'] is True
    # The destructive GET link acts: a write, and the token (none yet) is dropped.
    http.get(fleet.url('printer-0001', MS['delete_path']), allow_redirects=False)
    assert counters(fleet)['writes'] == 2 and counters(fleet)['side_effect_reads'] == 1
    http.get(fleet.url('printer-0001', PROFILE['logout']['path']))
