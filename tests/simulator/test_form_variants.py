"""The device side of the form and page variants of other firmware (simulator/printer.py VARIANTS, from
select_boolean on): what each page serves and which posts the device refuses, as the firmware would.

tests/simulator/test_browser_forms.py shows a real browser can use them; the playbook suite
(tests/playbooks/test_browser_variants.py) drives the collection through them.
"""

import re
import time

from browser import Browser

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'
URL = 'https://login.microsoftonline.com/organizations/oauth2/v2.0'
TOKEN = re.compile(r'name="Token" value="(\d+)"')


def advance(simulated_fleet, variants):
    fleet = simulated_fleet(printers=1, printer_settings={'printer-0001': {
        'family': ADVANCE, 'language': 'en', 'provider': 'microsoft', 'variants': variants}})
    browser = Browser(fleet, 'printer-0001')
    assert browser.login().status_code == 302
    return fleet, browser


def edit_page(browser):
    page = browser.get('/rps/oauthmsedit.cgi')
    assert page.status_code == 200
    return page.text


def save(browser, enabled='1', url=URL, flag='Exec_Data', extra=(), verify='1', **options):
    token = TOKEN.findall(edit_page(browser))[-1]
    data = [('Token', token), ('OAuthUse', enabled), ('VerifyCert', verify), ('Flag', flag), ('CoreNXAction', './oauth.cgi'),
            ('Dummy', str(int(time.time() * 1000))), *extra]
    if url is not None:
        data.append(('AuthServerURL', url))
    return browser.request('POST', '/rps/oauthmsedit.cgi', data=[(n, v) for n, v in data if v is not None], **options)


def refused(response):
    return response.status_code == 200 and 'ERR' in response.text


def writes(fleet):
    return fleet.control.printer('printer-0001')['counters']['writes']


def stored(fleet):
    return fleet.control.printer('printer-0001')['settings']['microsoft']


def test_select_and_radio_booleans_need_one_of_their_options(simulated_fleet):
    for variant, on, off in (('select_boolean', 'true', 'false'), ('radio_boolean', 'enable', 'disable')):
        fleet, browser = advance(simulated_fleet, variant)
        text = edit_page(browser)
        if variant == 'select_boolean':
            assert '<select name="OAuthUse"><option value="true">On</option><option value="false" selected>' in text
        else:
            assert '<input type="radio" name="OAuthUse" value="disable" checked>' in text
        assert refused(save(browser, enabled='1', verify=on))    # the check box's value is no option here
        assert refused(save(browser, enabled=None, verify=on))   # nothing sent for the setting
        assert writes(fleet) == 0
        assert save(browser, enabled=on, verify=on, extra=(('AddCN', off),)).status_code == 302
        assert stored(fleet)['enabled'] and not stored(fleet)['add_cn_to_verification']
        browser.logout()


def test_inputs_disabled_until_enabled(simulated_fleet):
    fleet, browser = advance(simulated_fleet, 'disabled_until_enabled')
    text = edit_page(browser)
    assert 'name="AuthServerURL" value="" maxlength="256" disabled data-enabled-by="OAuthUse">' in text
    assert 'name="OAuthUse" value="1" data-enables="OAuthUse">' in text
    assert refused(save(browser, url=None))                  # turned on without the inputs it enables
    assert writes(fleet) == 0
    assert save(browser).status_code == 302
    assert stored(fleet)['enabled'] and stored(fleet)['authority_url'] == URL
    # once on, the inputs are enabled; turned off, the device keeps what the disabled inputs held
    assert 'disabled' not in edit_page(browser)
    assert save(browser, enabled=None, url=None).status_code == 302
    assert not stored(fleet)['enabled'] and stored(fleet)['authority_url'] == URL
    browser.logout()


def test_multipart_script_flag_and_the_disabled_fieldset_decoy(simulated_fleet):
    fleet, browser = advance(simulated_fleet, 'multipart+script_flag+nested_fieldsets')
    text = edit_page(browser)
    assert 'enctype="multipart/form-data"' in text and '<input type="hidden" name="Flag" value="">' in text
    assert '<fieldset disabled><legend>Edit</legend><input type="text" name="AuthServerURL" value="https://decoy.invalid/">' \
        in text
    assert refused(save(browser))                             # urlencoded
    assert refused(save(browser, flag='', files={'x': ('', b'')}))            # the flag left empty
    assert refused(save(browser, extra=(('AuthServerURL', 'https://decoy.invalid/'),), files={'x': ('', b'')}))
    assert writes(fleet) == 0
    assert save(browser, files={'x': ('', b'')}).status_code == 302   # multipart, the flag filled, no decoy
    assert stored(fleet)['authority_url'] == URL
    browser.logout()


def test_form_attribute_test_form_first_and_button_formaction(simulated_fleet):
    fleet, browser = advance(simulated_fleet, 'form_attribute+test_form_first+button_formaction')
    text = edit_page(browser)
    first_form = text.index('<form ')
    assert text[first_form:].startswith('<form method="post" action="/rps/test_connection.cgi" name="test">')
    assert '<input type="hidden" name="OAuthUse" value="">' in text       # the test form's hidden copies
    assert re.search(r'<form id="TokenForm" method="post" action="/rps/oauthmsedit.cgi.refused" [^>]*>.*'
                     r'<button formaction="/rps/oauthmsedit.cgi">OK</button></form>', text)
    assert '<input form="TokenForm" type="checkbox" name="OAuthUse"' in text
    assert browser.request('POST', '/rps/oauthmsedit.cgi.refused', data={}).status_code == 404
    assert browser.request('POST', '/rps/test_connection.cgi', data={}).status_code == 404
    assert save(browser).status_code == 302
    browser.logout()


def test_status_page_variants(simulated_fleet):
    fleet, browser = advance(simulated_fleet, 'both_sections+readonly_code+duration_colon+output_element')
    assert save(browser).status_code == 302
    deadline = time.monotonic() + 20
    while 'user_code' not in fleet.control.printer('printer-0001')['token']['microsoft']:
        assert time.monotonic() < deadline
        assert browser.get('/rps/oauthmsauth.cgi').status_code == 200      # starts a device authorization
        time.sleep(0.5)
    code = fleet.control.printer('printer-0001')['token']['microsoft']['user_code']
    orders = []
    for _view in range(2):
        text = browser.get('/rps/oauthms.cgi').text
        orders.append(re.findall(r'<h2>OAuth 2.0 (?:\((\w+)\) Settings|Settings \((\w+)\))</h2>', text))
        assert f'<output><input type="text" readonly value="{code}" size="12"></output>' in text
        assert re.search(r'<th>User Code Expires In</th><td><output>1?\d:\d\d</output></td>', text)
        assert text.count('<th>Token Status</th>') == 2                 # the same labels in both sections
    assert orders[0] == list(reversed(orders[1]))
    browser.logout()


def test_label_for_captions(simulated_fleet):
    fleet, browser = advance(simulated_fleet, 'label_for')
    text = edit_page(browser)
    assert ('<div class="field"><input id="f-OAuthUse" type="checkbox" name="OAuthUse" value="1"> '
            '<label for="f-OAuthUse">Use OAuth 2.0 (Microsoft)</label></div>') in text
    assert '<label for="f-AuthServerURL">Microsoft Entra ID Authorization Server Endpoint</label> <input id=' in text
    browser.logout()
