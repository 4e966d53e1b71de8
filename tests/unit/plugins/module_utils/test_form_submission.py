# -*- coding: utf-8 -*-
"""Forms posted as a browser posts them after a person set the values, through RemoteUISession.submit_form.

HTTP is scripted (requests.Session.request replaced); the real session, page parser and entry list run.
"""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    RemoteUIError,
    WriteRejectedError,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import OAuthDevice
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import plan_settings
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import resolve_profile

from ansible_collections.printfleet.cloudmail.tests.unit.plugins.module_utils.scripted_device import html_response, session

IRA = resolve_profile('imagerunner_advance')
EDIT = '/rps/oauthmsedit.cgi'


def posted(device, sleeps, body, values, profile=IRA, field='OAuthUse'):
    device.profile = profile
    device.on('GET', EDIT, html_response(200, body))
    device.on('POST', EDIT, html_response(302, location='/rps/oauthms.cgi'))
    with session(sleeps, profile=profile) as remote:
        remote.submit_form(EDIT, field, values)
    post = [call for call in device.calls if call['method'] == 'POST' and call['path'] != profile['login']['path']]
    return post[0] if post else None


def pairs(call):
    return [(name, value) for name, value in call['data'] if name != 'Dummy']


@pytest.mark.parametrize('controls, on, off', [
    ('<select name="OAuthUse"><option value="true">On<option value="false" selected>Off</select>', 'true', 'false'),
    ('<select name="OAuthUse"><option value="a">Activé<option value="b" selected>Désactivé</select>', 'a', 'b'),
    ('<label><input type="radio" name="OAuthUse" value="x"> Ein</label>'
     '<label><input type="radio" name="OAuthUse" value="y" checked> Aus</label>', 'x', 'y'),
])
def test_the_profiles_on_and_off_become_the_pages_own_options(device, sleeps, controls, on, off):
    body = '<form method="post" action="%s"><input type="hidden" name="Token" value="t">%s</form>' % (EDIT, controls)
    assert ('OAuthUse', on) in pairs(posted(device, sleeps, body, {'OAuthUse': '1'}))
    device.calls[:] = []
    # the profile's off is None (left out): a select or radio group still sends its off option
    assert ('OAuthUse', off) in pairs(posted(device, sleeps, body, {'OAuthUse': None}))


DISABLED = ('<form method="post" action="%s"><input type="hidden" name="Token" value="t">'
            '<input type="checkbox" name="OAuthUse" value="1"><fieldset disabled>'
            '<input name="AuthServerURL" value="old"><input type="checkbox" name="VerifyCert" value="1" checked>'
            '</fieldset></form>' % EDIT)


def test_inputs_disabled_until_the_box_is_ticked_are_sent_when_the_post_ticks_it(device, sleeps):
    data = pairs(posted(device, sleeps, DISABLED, {'OAuthUse': '1', 'AuthServerURL': 'new', 'VerifyCert': '1'}))
    assert data == [('Token', 't'), ('OAuthUse', '1'), ('AuthServerURL', 'new'), ('VerifyCert', '1'),
                    ('Flag', 'Exec_Data'), ('CoreNXAction', './oauth.cgi')]


def test_a_change_the_disabled_inputs_would_block_fails_naming_them_and_posts_nothing(device, sleeps):
    with pytest.raises(PageNotUnderstoodError, match=r"keeps 'AuthServerURL' disabled, and nothing this write turns on"):
        posted(device, sleeps, DISABLED, {'OAuthUse': None, 'AuthServerURL': 'new'})
    assert 'POST' not in [call['method'] for call in device.calls if call['path'] == EDIT]
    device.calls[:] = []
    # unchanged, they are left out as a browser leaves them out
    data = pairs(posted(device, sleeps, DISABLED, {'OAuthUse': None, 'AuthServerURL': 'old'}))
    assert 'AuthServerURL' not in dict(data)


def test_write_fields_fill_an_empty_hidden_field_but_never_replace_a_forms_own_value(device, sleeps):
    body = ('<form method="post" action="%s"><input type="hidden" name="Token" value="t">'
            '<input type="hidden" name="Flag" value=""><input type="hidden" name="CoreNXAction" value="./own.cgi">'
            '<input type="checkbox" name="OAuthUse" value="1"></form>' % EDIT)
    data = pairs(posted(device, sleeps, body, {'OAuthUse': '1'}))
    assert data == [('Token', 't'), ('Flag', 'Exec_Data'), ('CoreNXAction', './own.cgi'), ('OAuthUse', '1')]


def test_a_multipart_form_is_posted_multipart_to_the_submitters_formaction(device, sleeps):
    body = ('<base href="/rps/x/"><form method="post" action="nowhere.cgi" enctype="multipart/form-data">'
            '<input type="hidden" name="Token" value="t"><input type="checkbox" name="OAuthUse" value="1">'
            '<button formaction="../oauthmsedit.cgi">OK</button></form>')
    call = posted(device, sleeps, body, {'OAuthUse': '1'})
    assert call['path'] == EDIT
    assert call['headers']['Content-Type'].startswith('multipart/form-data; boundary=')
    body = bytes(call['data'])
    assert b'name="Token"\r\n\r\nt\r\n' in body and b'name="OAuthUse"\r\n\r\n1\r\n' in body
    assert b'name="Flag"\r\n\r\nExec_Data\r\n' in body


def test_the_settings_form_wins_over_a_test_form_with_hidden_copies_placed_first(device, sleeps):
    body = ('<form method="post" action="/rps/test.cgi"><input type="hidden" name="OAuthUse" value="1">'
            '<input type="hidden" name="AuthServerURL" value="x"><input type="submit" value="Test"></form>'
            '<form method="post" action="%s"><input type="hidden" name="Token" value="t">'
            '<input type="checkbox" name="OAuthUse" value="1"><input name="AuthServerURL" value="x"></form>' % EDIT)
    call = posted(device, sleeps, body, {'OAuthUse': '1', 'AuthServerURL': 'new'})
    assert call['path'] == EDIT and ('AuthServerURL', 'new') in pairs(call)


def test_inputs_joined_by_the_form_attribute_are_posted(device, sleeps):
    body = ('<form id="f" method="post" action="%s"><input type="hidden" name="Token" value="t">'
            '<input type="submit" value="OK"></form><table><tr><td><input form="f" type="checkbox" name="OAuthUse" '
            'value="1"><td><input form="f" name="AuthServerURL" value="x"></table>' % EDIT)
    data = pairs(posted(device, sleeps, body, {'OAuthUse': '1', 'AuthServerURL': 'new'}))
    assert data[:3] == [('Token', 't'), ('OAuthUse', '1'), ('AuthServerURL', 'new')]


MS_EDIT = ('<form method="post" action="/rps/oauthmsedit.cgi"><input type="hidden" name="Token" value="t">'
           '<input type="checkbox" name="OAuthUse" value="1"><input type="checkbox" name="VerifyCert" value="1" checked>'
           '<input type="checkbox" name="AddCN" value="1"><input type="text" name="AuthServerURL" value="">'
           '<input type="submit" value="OK"></form>')


def test_a_write_the_device_did_not_keep_shows_the_device_s_own_answer(device, sleeps):
    # A refusal in words no profile knows (no error marker): the read-back judges the write, and its
    # message quotes what the device answered to the post.
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, MS_EDIT))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(200, '<p>Fehler: Ung\u00fcltige Anforderung. (E-4002)</p>'))
    desired = {'enabled': True, 'verify_server_certificate': True, 'add_cn_to_verification': False,
               'authority_url': 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0'}
    with pytest.raises(RemoteUIError) as refused:
        with session(sleeps) as remote:
            device_steps = OAuthDevice(remote, 'microsoft')
            device_steps.write_settings(plan_settings('microsoft', device_steps.read_settings(), desired))
    message = str(refused.value)
    assert 'did not keep' in message and 'its answer to the post said: "Fehler: Ung\u00fcltige Anforderung. (E-4002)"' in message


def test_a_refused_write_quotes_the_device(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, MS_EDIT))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(403, '<h1>Forbidden</h1><p>Invalid token (E-4011)</p>'))
    with pytest.raises(WriteRejectedError, match=r'it answered HTTP 403; nothing was changed. The device says: "Forbidden Invalid token \(E-4011\)"'):
        with session(sleeps) as remote:
            remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {'OAuthUse': '1'})
