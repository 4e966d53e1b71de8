"""The OAuth pages of both families in both languages, and the rules of a write."""

import calendar
import time

import pytest

from browser import Browser, error_marker_in, parse
from simulator.printer import profiles

AUTHORITY = 'https://login.microsoftonline.com/organizations/oauth2/v2.0'


@pytest.fixture
def fleet(simulated_fleet):
    # printer-0001..4: (advance, en), (isensys, en), (advance, fr), (isensys, fr)
    return simulated_fleet(printers=4, settle_seconds=0.3)


@pytest.fixture
def browsers(fleet):
    opened = [Browser(fleet, name) for name in fleet.printers]
    for browser in opened:
        assert browser.login().status_code == 302
    yield opened
    for browser in opened:
        browser.logout()


def test_fleet_covers_both_families_and_languages(fleet):
    combinations = {(p['family'], p['language']) for p in fleet.control.fleet()}
    assert combinations == {(f, l) for f in profiles.PROFILES for l in ('en', 'fr')}


@pytest.mark.parametrize('provider', ['microsoft', 'google'])
def test_status_page_shows_labels_and_words_of_the_ui_language(browsers, provider):
    for browser in browsers:
        spec = browser.profile['providers'][provider]
        text = browser.get(spec['status_path']).text
        lang = browser.lang
        assert profiles.LABELS['connection_status'][lang] in text
        assert profiles.LABELS['token_status'][lang] in text
        assert profiles.STATUS_VALUES['token_status']['inactive'][lang] in text
        markup = '<tr><th>' if browser.profile['markup'] == 'table' else '<dl><dt>'
        assert markup in text
        assert f'lang="{browser.printer["language"]}"' in text
        status = browser.status(provider)
        # The device's clock, as the profile's format says, close to the real time (no offset set).
        shown = calendar.timegm(time.strptime(status.pop('device_time'), browser.profile['device_time_format']))
        assert abs(shown - time.time()) < 120
        assert status == {'connection_status': 'unknown', 'token_status': 'inactive'}


@pytest.mark.parametrize('provider', ['microsoft', 'google'])
def test_edit_page_has_one_form_with_token_and_profile_fields(browsers, provider):
    for browser in browsers:
        spec = browser.profile['providers'][provider]
        page = browser.page(spec['edit_path'])
        assert len(page.forms) == 1 and page.forms[0]['action'] == spec['edit_path']
        inputs = {field['name']: field for field in page.forms[0]['inputs'] if 'name' in field}
        assert inputs[browser.profile['token_field']]['type'] == 'hidden'
        for key in ('enabled', 'verify_server_certificate', 'add_cn_to_verification'):
            checkbox = inputs[spec['fields'][key]]
            assert checkbox['type'] == 'checkbox' and checkbox['value'] == browser.profile['checkbox']['on']
        assert ('checked' in inputs[spec['fields']['verify_server_certificate']]) is True
        if provider == 'google':
            secret = inputs[spec['fields']['client_secret']]
            assert secret['type'] == 'password' and secret['value'] == ''


def test_token_is_new_on_every_page_view(browsers):
    browser = browsers[0]
    edit_path = browser.profile['providers']['microsoft']['edit_path']
    tokens = {browser.form_fields(browser.page(edit_path))[1][browser.profile['token_field']] for view in range(3)}
    assert len(tokens) == 3


def test_settings_are_written_in_each_family_encoding(fleet, browsers):
    for browser in browsers:
        response = browser.save('microsoft', enabled=True, authority_url=AUTHORITY, add_cn_to_verification=True)
        assert response.status_code == 302
        assert response.headers['Location'] == browser.profile['providers']['microsoft']['status_path']
        settings = fleet.control.printer(browser.name)['settings']['microsoft']
        assert settings == {'enabled': True, 'verify_server_certificate': True,
                            'add_cn_to_verification': True, 'authority_url': AUTHORITY}
        # Unticking: ADVANCE leaves the field out, i-SENSYS sends the "off" value.
        assert browser.save('microsoft', add_cn_to_verification=False).status_code == 302
        assert not fleet.control.printer(browser.name)['settings']['microsoft']['add_cn_to_verification']
        hidden, shown = browser.form_fields(browser.page(browser.profile['providers']['microsoft']['edit_path']))
        assert shown[browser.profile['providers']['microsoft']['fields']['authority_url']] == AUTHORITY
    assert fleet.control.counters()['writes'] == 8


def test_stale_or_missing_token_writes_nothing(fleet, browsers):
    for browser in browsers:
        spec = browser.profile['providers']['microsoft']
        token_field = browser.profile['token_field']
        action, data = browser.form_fields(browser.page(spec['edit_path']))
        settings = browser.settings_values('microsoft', enabled=True, authority_url=AUTHORITY)
        data.update(browser.profile['write_fields'], **settings)
        if browser.profile['timestamp_field']:
            data[browser.profile['timestamp_field']] = '1700000000000'
        browser.get(spec['status_path'])    # a newer page view makes the token stale
        stale = browser.request('POST', action, data=data)
        assert stale.status_code == 200 and error_marker_in(stale, browser.profile)
        missing = browser.post_form(spec['edit_path'], {token_field: None, spec['fields']['enabled']: '1'})
        assert missing.status_code == 200 and error_marker_in(missing, browser.profile)
        # A token is good for one post only.
        action, data = browser.form_fields(browser.page(spec['edit_path']))
        data.update(browser.profile['write_fields'])
        if browser.profile['timestamp_field']:
            data[browser.profile['timestamp_field']] = '1700000000000'
        assert browser.request('POST', action, data=data).status_code == 302
        replay = browser.request('POST', action, data={**data, spec['fields']['enabled']: '1'})
        assert error_marker_in(replay, browser.profile)
        assert not fleet.control.printer(browser.name)['settings']['microsoft']['enabled']
    assert fleet.control.counters()['writes'] == 4   # only the four good posts


def test_normal_pages_do_not_carry_the_error_marker(browsers):
    for browser in browsers:
        for spec in browser.profile['providers'].values():
            for path in (spec['status_path'], spec['edit_path']):
                assert not error_marker_in(browser.get(path), browser.profile)


def test_advance_write_needs_its_bookkeeping_fields(fleet, browsers):
    browser = browsers[0]
    assert browser.printer['family'] == 'imagerunner_advance'
    spec = browser.profile['providers']['microsoft']
    response = browser.post_form(spec['edit_path'], {**browser.settings_values('microsoft', enabled=True,
                                                                               authority_url=AUTHORITY),
                                                     'Flag': None})
    assert error_marker_in(response, browser.profile)
    assert fleet.control.printer(browser.name)['counters']['writes'] == 0


def test_enabling_microsoft_without_endpoint_is_refused(fleet, browsers):
    for browser in browsers:
        response = browser.save('microsoft', enabled=True)
        assert error_marker_in(response, browser.profile)


def test_google_secret_is_stored_never_shown_and_changed_only_when_sent(fleet, browsers):
    secret = fleet.inventory['all']['children']['printers']['children']['google']['vars'][
        'cloudmail_google_client_secret']
    for browser in browsers:
        spec = browser.profile['providers']['google']
        assert browser.save('google', enabled=True, client_id='abc.apps.googleusercontent.com',
                            client_secret=secret).status_code == 302
        stored = fleet.control.printer(browser.name)['settings']['google']
        assert stored['client_secret_sha256'] and 'client_secret' not in stored
        for path in (spec['status_path'], spec['edit_path']):
            assert secret not in browser.get(path).text
        # The browser posts the empty password input: the secret stays.
        assert browser.save('google', client_id='def.apps.googleusercontent.com').status_code == 302
        assert fleet.control.printer(browser.name)['settings']['google']['client_secret_sha256'] == \
            stored['client_secret_sha256']
        flag = spec['secret_change_flag']
        if flag:
            # Without the change flag, even a non-empty secret is ignored.
            assert browser.post_form(spec['edit_path'], {spec['fields']['client_secret']: 'other'}).status_code == 302
            assert fleet.control.printer(browser.name)['settings']['google']['client_secret_sha256'] == \
                stored['client_secret_sha256']


def test_register_page_links_to_google_and_has_code_form(browsers):
    for browser in browsers:
        spec = browser.profile['providers']['google']
        browser.save('google', enabled=True, client_id='abc.apps.googleusercontent.com', client_secret='s')
        page = parse(browser.get(spec['register_path']).text)
        rows = dict(page.rows)
        assert profiles.LABELS['authorization_url'][browser.lang] in rows
        assert any(link.startswith('https://accounts.google.com/o/oauth2/v2/auth?client_id=abc.apps')
                   and 'redirect_uri=http%3A%2F%2F127.0.0.1%2Foauth2callback' in link for link in page.links)
        names = {field.get('name') for field in page.forms[0]['inputs']}
        assert {spec['fields']['authorization_code'], browser.profile['token_field']} <= names
