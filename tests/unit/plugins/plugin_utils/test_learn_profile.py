# -*- coding: utf-8 -*-
"""The profile learner on small hand-written captures: what it refuses, and that it never writes a secret.

The captures recorded by a real browser from the simulator are in tests/playbooks/test_learn_profile.py.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.capture_reading import LearnError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learn_profile import main, typed_values
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learnt_profile import write_outputs

DEVICE = 'https://192.0.2.10'
AUTHORITY = 'https://login.microsoftonline.com/organizations/oauth2/v2.0'
PASSWORD, SESSION, TOKEN = 'pw-7f3a9c', 'c0ffee0123456789', '8812763412'


def entry(method, path, status=200, body='', posted='', set_cookie=None, cookie=None, location=None):
    response_headers = [{'name': 'Content-Type', 'value': 'text/html; charset=utf-8'}]
    if set_cookie:
        response_headers.append({'name': 'Set-Cookie', 'value': set_cookie})
    if location:
        response_headers.append({'name': 'Location', 'value': location})
    request = {'method': method, 'url': DEVICE + path,
               'headers': [{'name': 'Cookie', 'value': cookie}] if cookie else []}
    if posted:
        request['postData'] = {'mimeType': 'application/x-www-form-urlencoded', 'text': posted}
    return {'request': request, 'response': {'status': status, 'headers': response_headers,
                                             'redirectURL': location or '', 'content': {'mimeType': 'text/html',
                                                                                        'text': body}}}


def login_form(extra=''):
    return ('<form method="post" action="/checkLogin.cgi">%s<input type="hidden" name="i0012" value="1">'
            '<input type="text" name="i0019"><input type="password" name="i2101"><input type="submit"></form>' % extra)


def capture(tmp_path, login_extra='', logout=True):
    cookie = 'sessid=%s' % SESSION
    edit_form = ('<form method="post" action="/ms_edit.cgi"><input type="hidden" name="iToken" value="%s">'
                 '<input type="checkbox" name="i5001" value="1"><input type="checkbox" name="i5002" value="1">'
                 '<input type="checkbox" name="i5003" value="1"><input type="text" name="i5004" value="">'
                 '<input type="submit" value="OK"></form>' % TOKEN)
    status = ('<a href="/ms_edit.cgi">Edit</a><table><tr><th>Server Connection Status</th><td>Connection Failed</td>'
              '</tr><tr><th>Token Status</th><td>Inactive</td></tr></table><a href="/ms_start.cgi">Authorize</a>')
    entries = [
        entry('GET', '/checkLogin.cgi', body=login_form(login_extra)),
        entry('POST', '/checkLogin.cgi', 302, posted='i0012=1&i0019=7654321&i2101=%s' % PASSWORD,
              set_cookie=cookie + '; Path=/; HttpOnly', location='/portal_top.html'),
        entry('GET', '/portal_top.html', body='<p>Portal</p>', cookie=cookie),
        entry('GET', '/ms_status.cgi', body=status, cookie=cookie),
        entry('GET', '/ms_edit.cgi', body=edit_form, cookie=cookie),
        entry('POST', '/ms_edit.cgi', 302, posted='iToken=%s&i5001=1&i5002=1&i5004=%s' % (
            TOKEN, AUTHORITY.replace(':', '%3A').replace('/', '%2F')), cookie=cookie, location='/ms_status.cgi'),
        entry('GET', '/ms_status.cgi', body=status, cookie=cookie),
        entry('GET', '/ms_start.cgi', cookie=cookie, body='<table><tr><th>User Code</th><td>ABCD1234</td></tr></table>'),
    ]
    if logout:
        entries.append(entry('GET', '/logout.cgi', 302, cookie=cookie, location='/checkLogin.cgi',
                             set_cookie='sessid=; Max-Age=0; Path=/'))
    path = tmp_path / 'capture.har'
    path.write_text(json.dumps({'log': {'version': '1.2', 'entries': entries}}))
    return path


def test_a_learnt_profile_extends_the_closest_built_in_one_and_holds_no_secret(tmp_path):
    output, report_path = tmp_path / 'learnt.yml', tmp_path / 'report.txt'
    report, missing = write_outputs(str(capture(tmp_path)), str(output), str(report_path),
                                    {'authority_url': AUTHORITY})
    profile = yaml.safe_load(output.read_text())
    assert profile['extends'] == 'isensys_mf'
    assert profile['login'] == {'username_field': 'i0019', 'password_field': 'i2101'}
    assert profile['providers']['microsoft'] == {
        'status_path': '/ms_status.cgi', 'edit_path': '/ms_edit.cgi', 'authorize_path': '/ms_start.cgi',
        'fields': {'enabled': 'i5001', 'verify_server_certificate': 'i5002', 'add_cn_to_verification': 'i5003',
                   'authority_url': 'i5004'}}
    assert [step for step, _text in missing] == ['google settings']
    for secret in (PASSWORD, SESSION, TOKEN, '7654321', 'ABCD1234'):
        assert secret not in output.read_text() and secret not in report
    assert report == report_path.read_text()
    assert 'is written to the profile or this report' in report


def test_a_missing_logout_is_named(tmp_path):
    _report, missing = write_outputs(str(capture(tmp_path, logout=False)), str(tmp_path / 'p.yml'), None,
                                     {'authority_url': AUTHORITY})
    assert 'logout' in [step for step, _text in missing]


def test_a_hidden_login_field_holding_the_user_name_is_never_written(tmp_path):
    # Some firmware repeats the typed ID in a hidden field: it must not reach the profile.
    path = capture(tmp_path, login_extra='<input type="hidden" name="uid" value="7654321">')
    text = path.read_text().replace('i0012=1&i0019=7654321', 'i0012=1&uid=7654321&i0019=7654321')
    path.write_text(text)
    with pytest.raises(LearnError, match='may be secret would be written'):
        write_outputs(str(path), str(tmp_path / 'p.yml'), None, {'authority_url': AUTHORITY})
    assert not (tmp_path / 'p.yml').exists()


@pytest.mark.parametrize('content, message', [
    ('not json', 'is not a HAR file'),
    ('{"log": {"entries": []}}', 'holds no requests'),
])
def test_what_is_not_a_capture_is_refused(tmp_path, capsys, content, message):
    path = tmp_path / 'capture.har'
    path.write_text(content)
    assert main([str(path), '--output', str(tmp_path / 'p.yml'), '--tenant', 'organizations']) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / 'p.yml').exists()


def test_typed_values_come_from_the_host_variables():
    assert typed_values({'cloudmail_microsoft_tenant': 'contoso.example'}) == {
        'authority_url': 'https://login.microsoftonline.com/contoso.example/oauth2/v2.0', 'client_id': None}
    assert typed_values({'cloudmail_google_client_id': 'id.apps'}, tenant='common')['client_id'] == 'id.apps'
    with pytest.raises(LearnError, match='cloudmail_microsoft_tenant'):
        typed_values({'cloudmail_microsoft_tenant': 'not a tenant'})


def test_nothing_typed_is_refused(tmp_path, capsys):
    assert main([str(capture(tmp_path)), '--output', str(tmp_path / 'p.yml')]) == 1
    assert 'no typed value to look for' in capsys.readouterr().err


def test_cookies_listed_apart_as_firefox_and_chromium_also_save_them(tmp_path):
    path = capture(tmp_path)
    har = json.loads(path.read_text())
    for item in har['log']['entries']:
        for side in ('request', 'response'):
            kept, cookies = [], []
            for header in item[side]['headers']:
                if header['name'] in ('Cookie', 'Set-Cookie'):
                    name, _sep, value = header['value'].split(';')[0].partition('=')
                    cookies.append({'name': name, 'value': value})
                else:
                    kept.append(header)
            item[side]['headers'], item[side]['cookies'] = kept, cookies
    path.write_text(json.dumps(har))
    report, missing = write_outputs(str(path), str(tmp_path / 'p.yml'), None, {'authority_url': AUTHORITY})
    assert [step for step, _text in missing] == ['google settings']
    assert 'session cookie sessid' in report and SESSION not in report


def unknown_firmware_capture(tmp_path, cookies=True):
    """A German UI of a firmware no built-in profile describes: form pages apart from their post targets, a login
    nonce, a mistyped password first, a time field the page script fills and a commit field it adds."""
    cookie = 'SID=%s' % SESSION if cookies else None

    def signin(nonce, note=''):
        return ('%s<form method="post" action="/auth.cgi"><input type="hidden" name="nonce" value="%s">'
                '<input type="text" name="usr_id"><input type="password" name="usr_pw"><input type="submit"></form>'
                % (note, nonce))

    def status(connection, token):
        return ('<input type="button" value="Bearbeiten" onclick="location.href=\'/ms_form.html\'"><table>'
                '<tr><th>OAuth 2.0 (Microsoft) verwenden</th><td>%s</td></tr>'
                '<tr><th>Endpunkt</th><td>- <a href="/ms_go.cgi">Anmelden</a></td></tr>'
                '<tr><th>Verbindung</th><td>%s</td></tr><tr><th>Token</th><td>%s</td></tr>'
                '<tr><th>Gerätezeit</th><td>03.12.2026 11:0%d</td></tr></table>'
                % ('Ein' if token != 'Ohne' else 'Aus', connection, token, len(token)))
    form = ('<form method="post" action="/ms_save.cgi"><input type="hidden" name="ftok" value="%s">'
            '<input type="hidden" name="zeit" value=""><table>'
            '<tr><th>OAuth 2.0 (Microsoft) verwenden</th><td><input type="checkbox" name="ms_use" value="true"></td></tr>'
            '<tr><th>Zertifikat prüfen</th><td><input type="checkbox" name="ms_cert" value="true"></td></tr>'
            '<tr><th>CN prüfen</th><td><input type="checkbox" name="ms_cn" value="true"></td></tr>'
            '<tr><th>Endpunkt</th><td><input type="text" name="ms_url" value=""></td></tr></table>'
            '<button type="button" onclick="wxSubmit(this.form)">OK</button></form>' % TOKEN)
    code = ('<table><tr><th>Token</th><td>Warten</td></tr><tr><th>Meldung</th><td>Öffnen Sie '
            'https://microsoft.com/devicelogin und geben Sie AB3D-EF7H ein</td></tr><tr><th>Benutzercode</th>'
            '<td>AB3D-EF7H</td></tr><tr><th>Läuft ab in</th><td>14 Min. 59 Sek.</td></tr></table>')
    set_cookie = cookie + '; Path=/; HttpOnly' if cookies else None
    entries = [
        entry('GET', '/', 302, location='/signin.html'),
        entry('GET', '/signin.html', body=signin('n1')),
        entry('POST', '/auth.cgi', posted='nonce=n1&usr_id=7654321&usr_pw=wrong-pass',
              body=signin('n2', '<p>Kennwort falsch.</p>')),
        entry('POST', '/auth.cgi', 302, posted='nonce=n2&usr_id=7654321&usr_pw=%s' % PASSWORD, set_cookie=set_cookie,
              location='/portal.html'),
        entry('GET', '/portal.html', body='<a href="/ms.html">OAuth 2.0-Einstellungen (Microsoft)</a>', cookie=cookie),
        entry('GET', '/ms.html', body=status('-', 'Ohne'), cookie=cookie),
        entry('GET', '/ms_form.html', body=form, cookie=cookie),
        entry('POST', '/ms_save.cgi', 302, posted='ftok=%s&zeit=1733222222222&ms_use=true&ms_cert=true&ms_url=%s'
              '&commit=1' % (TOKEN, AUTHORITY.replace(':', '%3A').replace('/', '%2F')), cookie=cookie,
              location='/ms.html'),
        entry('GET', '/ms.html', body=status('Prüfung', 'Ohne'), cookie=cookie),
        entry('GET', '/ms_go.cgi', body=code, cookie=cookie),
        entry('GET', '/ms.html', body=status('Verbunden', 'Gültig'), cookie=cookie),
        entry('GET', '/logout.cgi', 302, cookie=cookie, location='/signin.html'),
    ]
    path = tmp_path / 'capture.har'
    path.write_text(json.dumps({'log': {'version': '1.2', 'entries': entries}}))
    return path


def test_an_unknown_firmware_in_an_unknown_language_is_learnt_from_what_the_browser_did(tmp_path):
    output = tmp_path / 'learnt.yml'
    report, _missing = write_outputs(str(unknown_firmware_capture(tmp_path)), str(output), None,
                                     {'authority_url': AUTHORITY})
    profile = yaml.safe_load(output.read_text())
    # No built-in family's bookkeeping (i0012, uri, Flag, CoreNXAction, Dummy) is inherited.
    assert profile['extends'] == '_base'
    assert profile['write_fields'] == {'commit': '1'} and profile['timestamp_field'] == 'zeit'
    # The page that held the login form before the successful login, not the answer to the mistyped password.
    assert profile['login'] == {'form_path': '/signin.html', 'path': '/auth.cgi', 'username_field': 'usr_id',
                                'password_field': 'usr_pw', 'extra_fields': {}, 'session_cookie': 'SID'}
    microsoft = profile['providers']['microsoft']
    assert (microsoft['edit_path'], microsoft['status_path'], microsoft['authorize_path']) == (
        '/ms_form.html', '/ms.html', '/ms_go.cgi')
    assert microsoft['fields'] == {'enabled': 'ms_use', 'verify_server_certificate': 'ms_cert',
                                   'add_cn_to_verification': 'ms_cn', 'authority_url': 'ms_url'}
    assert profile['token_field'] == 'ftok' and profile['checkbox'] == {'on': 'true', 'off': None}
    assert profile['labels']['connection_status'][0] == 'Verbindung'
    assert profile['labels']['token_status'][0] == 'Token'
    assert profile['labels']['user_code'][0] == 'Benutzercode'
    assert profile['labels']['user_code_expires_in'][0] == 'Läuft ab in'
    assert profile['labels']['message'][0] == 'Meldung'
    words = profile['status_values']
    assert words['token_status']['inactive'][0] == 'Ohne' and words['token_status']['active'][0] == 'Gültig'
    assert words['token_status']['authorizing'][0] == 'Warten'
    assert words['connection_status']['connected'][0] == 'Verbunden'
    assert {'-', 'Prüfung'} <= set(words['connection_status']['unknown'])
    assert 'Active' in words['token_status']['active']      # the base's words stay for other printers
    assert profile['messages']['login_failed'][0] == 'Kennwort falsch.'
    assert re.match(profile['duration_pattern'], '14 min. 59 sek.').group('minutes') == '14'
    assert 'mail' not in profile
    for secret in (PASSWORD, SESSION, TOKEN, '7654321', 'AB3D-EF7H', 'wrong-pass'):
        assert secret not in output.read_text() and secret not in report


def test_a_capture_without_cookies_of_an_unknown_firmware_is_refused_with_how_to_export_one(tmp_path):
    with pytest.raises(LearnError, match=r'Export HAR \(with sensitive data\)'):
        write_outputs(str(unknown_firmware_capture(tmp_path, cookies=False)), str(tmp_path / 'p.yml'), None,
                      {'authority_url': AUTHORITY})
    assert not (tmp_path / 'p.yml').exists()
