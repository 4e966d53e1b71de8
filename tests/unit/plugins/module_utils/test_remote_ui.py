# -*- coding: utf-8 -*-
"""The Remote UI client: HTML parsing on both markups, and the request policy.

The request policy tests replace ``requests.Session.request`` with a scripted
device, so that each fault happens exactly when the test says.
"""

from __future__ import annotations

import pytest
import requests

from ansible_collections.printfleet.cloudmail.plugins.module_utils import device_session
from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    CertificateError,
    DeviceUnreachableError,
    LockedOutError,
    LoginPausedError,
    LoginRejectedError,
    LoginUnconfirmedError,
    PageNotUnderstoodError,
    RemoteUIError,
    SessionExpiredError,
    SessionInterruptedError,
    SessionLimitError,
    WriteRejectedError,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page
from ansible_collections.printfleet.cloudmail.tests.unit.plugins.module_utils.scripted_device import (
    HOST,
    PASSWORD,
    PROFILES,
    html_response,
    session,
)

MESSAGES = PROFILES['imagerunner_advance']['messages']


# --------------------------------------------------------------------------- parsing

TABLE_PAGE = '''<!DOCTYPE html><html><head><title>Remote UI: OAuth 2.0 Settings (Microsoft): iR-ADV C5840</title></head>
<body><table>
<tr><th>Use OAuth 2.0 (Microsoft)</th><td>On</td></tr>
<tr><th>Microsoft Entra ID Authorization Server Endpoint</th>
    <td>https://login.microsoftonline.com/common/oauth2/v2.0 <a href="/rps/oauthmsauth.cgi">Authorize</a></td></tr>
<tr><th>Server Connection Status:</th><td>Successfully   Connected</td></tr>
<tr><th>Token Status</th><td>Active</td></tr>
</table>
<form method="post" action="/rps/oauthmsedit.cgi" name="TokenForm">
<input type="hidden" name="Token" value="123456789">
<table>
<tr><th>Use OAuth 2.0 (Microsoft)</th><td><input type="checkbox" name="OAuthUse" value="1" checked></td></tr>
<tr><th>Verify Server Certificate</th><td><input type="checkbox" name="VerifyCert" value="1"></td></tr>
<tr><th>Endpoint</th><td><input type="text" name="AuthServerURL" value="https://login.microsoftonline.com/common/oauth2/v2.0"></td></tr>
<tr><th>Secret</th><td><input type="password" name="ClientSecret" value=""></td></tr>
</table>
<select name="Lang"><option value="en">English</option><option value="fr" selected>Fran&ccedil;ais</option></select>
<input type="submit" value="OK"></form></body></html>'''

DL_PAGE = '''<html><head><title>Remote UI: Réglages OAuth 2.0 (Google)</title></head><body>
<dl><dt>Statut de connexion du serveur</dt><dd>Connexion établie</dd></dl>
<dl><dt>Statut du jeton</dt><dd>Actif</dd></dl>
<dl><dt>URL du serveur d&#39;autorisation Google</dt>
    <dd><a href="https://accounts.google.com/o/oauth2/v2/auth?client_id=abc&amp;response_type=code" target="_blank">lien</a></dd></dl>
<form method="post" action="/m_oauth_gg_reg.html"><input type="hidden" name="iToken" value="42">
<dl><dt>Code d'autorisation</dt><dd><input type="text" name="i3110" value=""></dd></dl></form>
</body></html>'''


def test_table_rows_give_labels_values_and_links():
    page = Page(HOST, '/rps/oauthms.cgi', 200, TABLE_PAGE, PROFILES['imagerunner_advance'])
    assert page.title == 'Remote UI: OAuth 2.0 Settings (Microsoft): iR-ADV C5840'
    assert page.value('connection_status').text == 'Successfully Connected'
    assert page.value('token_status').text == 'Active'
    endpoint = [pair for pair in page.pairs if pair.label.startswith('Microsoft Entra ID')][0]
    assert endpoint.links == ['/rps/oauthmsauth.cgi']


def test_definition_lists_give_labels_values_and_links_in_french():
    page = Page(HOST, '/m_oauth_gg_reg.html', 200, DL_PAGE, PROFILES['isensys_mf'])
    assert page.value('connection_status').text == 'Connexion établie'
    assert page.value('token_status').text == 'Actif'
    assert page.value('authorization_url').links == [
        'https://accounts.google.com/o/oauth2/v2/auth?client_id=abc&response_type=code']


def test_forms_keep_action_hidden_inputs_checkbox_state_and_text_values():
    page = Page(HOST, '/rps/oauthmsedit.cgi', 200, TABLE_PAGE, PROFILES['imagerunner_advance'])
    form = page.form_with('OAuthUse')
    assert (form.action, form.method) == ('/rps/oauthmsedit.cgi', 'post')
    assert form.hidden_fields() == {'Token': '123456789'}
    assert form.get('OAuthUse').checked and not form.get('VerifyCert').checked
    assert form.get('AuthServerURL').value == 'https://login.microsoftonline.com/common/oauth2/v2.0'
    assert form.get('Lang').value == 'fr'
    # What a browser sends: every successful control in document order (an empty password too).
    assert form.successful_controls() == [
        ('Token', '123456789'), ('OAuthUse', '1'),
        ('AuthServerURL', 'https://login.microsoftonline.com/common/oauth2/v2.0'), ('ClientSecret', ''), ('Lang', 'fr')]


def test_missing_label_names_host_page_labels_and_profile():
    page = Page(HOST, '/rps/oauthms.cgi', 200, '<table><tr><th>Other</th><td>x</td></tr></table>',
                PROFILES['imagerunner_advance'])
    with pytest.raises(PageNotUnderstoodError) as error:
        page.value('token_status')
    message = str(error.value)
    assert message.startswith(HOST + ': page /rps/oauthms.cgi has no token_status row')
    assert "'Token Status' / 'Statut du jeton'" in message and "'Other'" in message
    assert "profile 'imagerunner_advance' may not match this firmware" in message


def test_missing_form_field_is_a_clear_error():
    page = Page(HOST, '/x', 200, DL_PAGE, PROFILES['isensys_mf'])
    with pytest.raises(PageNotUnderstoodError, match=r"^127\.0\.0\.5: page /x has no form with the field 'i3001'"):
        page.form_with('i3001')


def message_page(key):
    return html_response(200, '<form><p>%s</p><input name="password" type="password"></form>' % MESSAGES[key][0])


STATUS = '<table><tr><th>Token Status</th><td>Active</td></tr></table>'


def test_every_request_verifies_with_the_ca_path_and_ignores_the_environment_bundle(device, sleeps, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/nowhere/bundle.pem')
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example:3128')
    monkeypatch.setenv('NO_PROXY', '')
    device.on('GET', '/rps/oauthms.cgi', html_response(200, STATUS))
    with session(sleeps, timeout=7.5) as remote:
        assert remote._http.trust_env is False
        remote.get_page('/rps/oauthms.cgi')
    assert device.paths() == ['/login', '/login', '/rps/', '/rps/oauthms.cgi', '/logout']
    for call in device.calls:
        assert call['verify'] == '/etc/printers-ca.pem'
        # The logout gets at most 5 s, so that a stuck device is given up soon after a failure.
        assert call['timeout'] == ((5.0, 5.0) if call['path'] == '/logout' else (7.5, 7.5))   # connect and each read; the watchdog bounds the whole
        assert call['stream'] is True
        assert call['allow_redirects'] is False
        assert call['proxies'].get('https') == 'http://proxy.example:3128'


def test_without_ca_path_the_environment_bundle_is_used_as_requests_would(device, sleeps, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/site/bundle.pem')
    with session(sleeps, ca_path=None):
        pass
    assert {call['verify'] for call in device.calls} == {'/etc/site/bundle.pem'}


def test_without_ca_path_or_environment_bundle_requests_own_bundle_is_used(device, sleeps, monkeypatch):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    with session(sleeps, ca_path=None):
        pass
    assert {call['verify'] for call in device.calls} == {True}


def test_validate_certs_false_turns_verification_off(device, sleeps):
    with session(sleeps, validate_certs=False) as remote:
        pass
    assert {call['verify'] for call in device.calls} == {False}
    assert remote.warnings == []


def test_transient_faults_are_retried_with_exponential_backoff(device, sleeps):
    device.on('GET', '/rps/oauthms.cgi',
              html_response(503, '<p>%s</p>' % MESSAGES['busy'][0]),
              requests.exceptions.ConnectionError('Connection reset by peer'),
              html_response(500, 'oops'),
              html_response(200, STATUS))
    with session(sleeps) as remote:
        page = remote.get_page('/rps/oauthms.cgi')
    assert page.value('token_status').text == 'Active'
    assert sleeps == [0.5, 1.0, 2.0]


def test_retries_end_with_a_clear_error_and_a_logout(device, sleeps):
    device.on('GET', '/rps/oauthms.cgi', requests.exceptions.ReadTimeout('read timed out'))
    with pytest.raises(DeviceUnreachableError) as error:
        with session(sleeps, retries=2) as remote:
            remote.get_page('/rps/oauthms.cgi')
    assert str(error.value) == HOST + ': gave up on GET /rps/oauthms.cgi at port 443 after 3 attempts: timed out; ' \
        'check cloudmail_host and cloudmail_port, or raise cloudmail_timeout / cloudmail_retries for a slow printer, ' \
        'then run the playbook again'
    assert sleeps == [0.5, 1.0]
    assert device.paths()[-1] == '/logout'


def test_a_wrong_password_is_never_retried(device, sleeps):
    device.on('POST', '/login', message_page('login_failed'))
    with pytest.raises(LoginRejectedError) as error:
        with session(sleeps):
            pass
    assert device.paths('POST') == ['/login']
    assert sleeps == []
    assert 'wrong user name or password' in str(error.value)
    assert PASSWORD not in str(error.value)


def test_a_login_the_device_may_have_checked_is_never_sent_again(device, sleeps):
    # A read timeout after the password was sent: repeating it could add failed attempts on a slow device.
    device.on('POST', '/login', requests.exceptions.ReadTimeout('read timed out'))
    with pytest.raises(DeviceUnreachableError, match='not repeated because a slow device may still check it'):
        with session(sleeps):
            pass
    assert device.paths('POST') == ['/login']
    assert sleeps == []


def test_a_login_answered_by_a_fault_is_retried(device, sleeps):
    # Refused, reset, or a server error page: the device gave no verdict on the password.
    device.on('POST', '/login', requests.exceptions.ConnectionError('[Errno 111] Connection refused'),
              requests.exceptions.ConnectionError('Connection reset by peer'), html_response(500, 'oops'),
              device.login_ok)
    with session(sleeps):
        pass
    assert device.paths('POST') == ['/login'] * 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_any_other_requests_error_names_the_host_instead_of_a_traceback(device, sleeps):
    device.on('GET', '/rps/oauthms.cgi', requests.exceptions.ChunkedEncodingError('connection broken'))
    with pytest.raises(DeviceUnreachableError) as error:
        with session(sleeps, retries=1) as remote:
            remote.get_page('/rps/oauthms.cgi')
    assert str(error.value) == HOST + ': gave up on GET /rps/oauthms.cgi at port 443 after 2 attempts: ' \
        'the answer was cut off before its end; check cloudmail_host and cloudmail_port, or raise cloudmail_timeout / ' \
        'cloudmail_retries for a slow printer, then run the playbook again'
    assert device.paths()[-1] == '/logout'


def test_a_post_that_must_not_repeat_is_retried_on_503_only_when_the_device_says_busy(device, sleeps):
    device.on('GET', '/rps/oauthggreg.cgi', html_response(
        200, EDIT_FORM.replace('OAuthUse', 'AuthCode').replace('oauthmsedit', 'oauthggreg') % 't'))
    device.on('POST', '/rps/oauthggreg.cgi', html_response(503, 'Service Unavailable'))
    with pytest.raises(WriteRejectedError, match='may or may not have acted on it'):
        with session(sleeps) as remote:
            remote.submit_form('/rps/oauthggreg.cgi', 'AuthCode', {'AuthCode': 'secret-code'}, idempotent=False)
    assert device.paths('POST').count('/rps/oauthggreg.cgi') == 1


def test_a_lockout_is_never_retried(device, sleeps):
    device.on('POST', '/login', message_page('locked_out'))
    with pytest.raises(LockedOutError):
        with session(sleeps):
            pass
    assert device.paths('POST') == ['/login'] and sleeps == []


def test_a_device_holding_every_session_is_reported_without_retries(device, sleeps):
    device.on('POST', '/login', message_page('session_limit'))
    remote = session(sleeps)
    with pytest.raises(SessionLimitError) as error:
        with remote:
            pass
    assert device.paths() == ['/login', '/login', '/logout']
    assert sleeps == []
    message = str(error.value)
    assert 'still holds every administrator session' in message and 'Another administrator is logged in.' in message
    assert '300 s in the profile' in message and 'playbooks/status.yml after that time' in message
    # Not a failed password: nothing stays in the ledger.
    assert remote.ledger.entry(remote._ledger_key) is None


def test_an_expired_session_gets_one_new_login(device, sleeps):
    device.on('GET', '/rps/oauthms.cgi', html_response(302, location='/login'), html_response(200, STATUS))
    with session(sleeps) as remote:
        remote.get_page('/rps/oauthms.cgi')
    # The old session is logged out before the new login, should the device still count it.
    assert device.paths() == ['/login', '/login', '/rps/', '/rps/oauthms.cgi', '/logout', '/login', '/login', '/rps/',
                              '/rps/oauthms.cgi', '/logout']


def test_a_session_that_ends_again_right_away_is_an_error(device, sleeps):
    device.on('GET', '/rps/oauthms.cgi', html_response(302, location='/login'))
    with pytest.raises(SessionExpiredError):
        with session(sleeps) as remote:
            remote.get_page('/rps/oauthms.cgi')
    assert device.paths('POST').count('/login') == 2


def test_logout_happens_when_the_body_raises(device, sleeps):
    with pytest.raises(ZeroDivisionError):
        with session(sleeps):
            1 / 0  # pylint: disable=pointless-statement
    assert device.paths() == ['/login', '/login', '/rps/', '/logout']


def test_a_failed_logout_is_a_warning_not_an_error(device, sleeps):
    device.on('GET', '/logout', requests.exceptions.ConnectionError('Connection refused'))
    with session(sleeps) as remote:
        pass
    assert len(remote.warnings) == 1, remote.warnings
    assert remote.warnings[0].startswith(HOST + ': logout at /logout failed (ConnectionError): the administrator session '
                                         'may still be open on the printer until its idle timeout ends it (')
    assert 'logout.path' not in remote.warnings[0]      # not the profile's fault


def test_an_untrusted_certificate_is_not_retried(device, sleeps):
    device.on('POST', '/login', requests.exceptions.SSLError(
        "HTTPSConnectionPool: Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, "
        "'[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))"))
    with pytest.raises(CertificateError) as error:
        with session(sleeps):
            pass
    assert sleeps == []
    assert 'certificate verify failed: unable to get local issuer certificate' in str(error.value)
    assert 'cloudmail_ca_path' in str(error.value)


def test_a_handshake_cut_short_is_retried(device, sleeps):
    device.on('POST', '/login', requests.exceptions.SSLError(
        "HTTPSConnectionPool: Max retries exceeded (Caused by SSLError(SSLEOFError(8, "
        "'[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (_ssl.c:1006)')))"),
        device.login_ok)
    with session(sleeps):
        pass
    assert sleeps == [0.5]


EDIT_FORM = ('<form method="post" action="/rps/oauthmsedit.cgi"><input type="hidden" name="Token" value="%s">'
             '<input type="checkbox" name="OAuthUse" value="1"></form>')


def test_a_form_is_read_afresh_for_every_attempt(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, EDIT_FORM % 'first'), html_response(200, EDIT_FORM % 'second'))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(500, 'oops'), html_response(302, location='/rps/oauthms.cgi'))
    with session(sleeps) as remote:
        remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {'OAuthUse': '1'})
    posts = [call for call in device.calls if call['method'] == 'POST' and call['path'] != '/login']
    assert [dict(post['data'])['Token'] for post in posts] == ['first', 'second']
    data = dict(posts[-1]['data'])
    assert data['Flag'] == 'Exec_Data' and data['OAuthUse'] == '1' and data['Dummy'].isdigit()
    assert posts[-1]['headers']['Referer'] == 'https://127.0.0.5:443/rps/oauthmsedit.cgi'


def test_a_form_just_read_is_posted_without_reading_it_again(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, EDIT_FORM % 'read'), html_response(200, EDIT_FORM % 'again'))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(302, location='/rps/oauthms.cgi'))
    with session(sleeps) as remote:
        remote.get_page('/rps/oauthmsedit.cgi')
        remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {'OAuthUse': '1'})
    assert device.paths('GET').count('/rps/oauthmsedit.cgi') == 1
    posts = [call for call in device.calls if call['method'] == 'POST' and call['path'] != '/login']
    assert [dict(post['data'])['Token'] for post in posts] == ['read']


def test_a_form_read_before_another_request_is_read_again(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, EDIT_FORM % 'stale'), html_response(200, EDIT_FORM % 'fresh'))
    device.on('GET', '/rps/oauthms.cgi', html_response(200, '<p>status</p>'))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(302, location='/rps/oauthms.cgi'))
    with session(sleeps) as remote:
        remote.get_page('/rps/oauthmsedit.cgi')
        remote.get_page('/rps/oauthms.cgi')   # a view in between may have replaced the form's token
        remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {'OAuthUse': '1'})
    posts = [call for call in device.calls if call['method'] == 'POST' and call['path'] != '/login']
    assert [dict(post['data'])['Token'] for post in posts] == ['fresh']


def test_a_retried_post_reads_the_form_afresh_after_using_the_one_just_read(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, EDIT_FORM % 'read'), html_response(200, EDIT_FORM % 'retry'))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(500, 'oops'), html_response(302, location='/rps/oauthms.cgi'))
    with session(sleeps) as remote:
        remote.get_page('/rps/oauthmsedit.cgi')
        remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {'OAuthUse': '1'})
    posts = [call for call in device.calls if call['method'] == 'POST' and call['path'] != '/login']
    assert [dict(post['data'])['Token'] for post in posts] == ['read', 'retry']


def test_a_refused_write_names_the_page(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, EDIT_FORM % 'stale'))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(200, '<p class="error">ERR</p>'))
    with pytest.raises(WriteRejectedError, match=r'refused the form of /rps/oauthmsedit.cgi: it answered its error page \(ERR\)'):
        with session(sleeps) as remote:
            remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {})


def test_a_post_the_device_may_have_seen_is_not_repeated(device, sleeps):
    device.on('GET', '/rps/oauthggreg.cgi', html_response(
        200, EDIT_FORM.replace('OAuthUse', 'AuthCode').replace('oauthmsedit', 'oauthggreg') % 't'))
    device.on('POST', '/rps/oauthggreg.cgi', requests.exceptions.ConnectionError('Connection reset by peer'))
    with pytest.raises(DeviceUnreachableError, match='not repeated'):
        with session(sleeps) as remote:
            remote.submit_form('/rps/oauthggreg.cgi', 'AuthCode', {'AuthCode': 'secret-code'}, idempotent=False)
    assert device.paths('POST').count('/rps/oauthggreg.cgi') == 1


def test_requests_missing_is_reported(monkeypatch, sleeps):
    monkeypatch.setattr(device_session, 'HAS_REQUESTS', False)
    with pytest.raises(RemoteUIError, match='requests is required'):
        with session(sleeps):
            pass


# --------------------------------------------------------------------------- login form, cookies, logout, forms

def test_a_login_form_without_the_profiles_fields_posts_nothing(device, sleeps):
    # An MF model whose login names its fields i0019/i2101 while the profile says i0014/i0016.
    device.profile = PROFILES['isensys_mf']
    device.on('GET', '/checkLogin.cgi', html_response(200, (
        '<form method="post" action="/checkLogin.cgi"><input type="hidden" name="i0012" value="1">'
        '<input type="text" name="i0019"><input type="password" name="i2101"></form>')))
    with pytest.raises(PageNotUnderstoodError) as error:
        with session(sleeps, profile=PROFILES['isensys_mf']):
            pass
    message = str(error.value)
    assert device.paths('POST') == []
    assert message.startswith(HOST + ': profile mismatch: the login form at /checkLogin.cgi has no field')
    assert "no field 'i0014' and 'i0016'" in message and 'the page holds: i0012, i0019, i2101' in message
    assert 'cloudmail_profile_file' in message and 'Nothing was posted' in message
    assert PASSWORD not in message


def test_the_login_posts_the_forms_own_fields_to_its_resolved_action(device, sleeps):
    device.on('GET', '/login', html_response(200, (
        '<form method="post" action="login?lang=en"><input type="hidden" name="uri" value="/rps/portal">'
        '<input type="hidden" name="nonce" value="n-1"><input name="deptid"><input type="password" name="password">'
        '<input type="submit" name="login" value="Log In"></form>')))
    device.on('POST', '/login?lang=en', device.login_ok)
    with session(sleeps):
        pass
    post = [call for call in device.calls if call['method'] == 'POST'][0]
    # The form's own uri wins over the profile's extra field; the named submit button is sent.
    assert post['data'] == [('uri', '/rps/portal'), ('nonce', 'n-1'), ('deptid', '7654321'), ('password', PASSWORD),
                            ('login', 'Log In')]


def test_cookies_set_on_the_login_redirect_and_after_login_pages_are_kept_and_sent_by_path(device, sleeps):
    profile = dict(PROFILES['imagerunner_advance'], after_login=['/rps/nativetop.cgi'])

    device.on('POST', '/login', html_response(302, location='/rps/', set_cookie='sessionid=%s; Path=/rps' % ('s' * 32)))
    device.on('GET', '/rps/nativetop.cgi', html_response(
        200, '<p>portal</p>', set_cookie='com.canon.meap.service.login.session=%s; Path=/' % ('p' * 16)))
    device.on('GET', '/rps/oauthms.cgi', html_response(200, STATUS))
    with session(sleeps, profile=profile) as remote:
        remote.get_page('/rps/oauthms.cgi')
        cookies = dict((cookie.name, cookie.path) for cookie in remote.cookies)
        # Each page gets the cookies whose path covers it, as a browser sends them.
        assert device.calls[-1]['headers']['Cookie'] == 'sessionid=%s; com.canon.meap.service.login.session=%s' % (
            's' * 32, 'p' * 16)
    assert cookies == {'sessionid': '/rps', 'com.canon.meap.service.login.session': '/'}
    assert device.paths() == ['/login', '/login', '/rps/', '/rps/nativetop.cgi', '/rps/oauthms.cgi', '/logout']
    # /logout is outside Path=/rps: the session cookie goes there explicitly, and the user is told.
    logout = device.calls[-1]
    assert 'sessionid=' + 's' * 32 in logout['headers']['Cookie']
    assert len(remote.warnings) == 1 and 'outside the path of the session cookie (/rps)' in remote.warnings[0]
    assert 's' * 32 not in remote.warnings[0]


def test_a_logout_the_profile_moves_inside_the_cookie_path_needs_no_warning(device, sleeps):
    profile = dict(PROFILES['imagerunner_advance'], logout={'path': '/rps/logout.cgi', 'method': 'POST',
                                                            'fields': {'Flag': 'Logout'}})

    device.on('POST', '/login', html_response(302, location='/rps/', set_cookie='sessionid=%s; Path=/rps' % ('s' * 32)))
    device.on('POST', '/rps/logout.cgi', html_response(302, location='/login'))
    with session(sleeps, profile=profile) as remote:
        pass
    assert remote.warnings == []
    assert device.calls[-1]['method'] == 'POST' and device.calls[-1]['data'] == {'Flag': 'Logout'}


def test_a_logout_answered_with_an_error_is_a_warning(device, sleeps):
    device.on('GET', '/logout', html_response(404, 'no'))
    with session(sleeps) as remote:
        pass
    assert len(remote.warnings) == 1, remote.warnings
    assert remote.warnings[0].startswith(HOST + ': logout at /logout answered HTTP 404: the administrator session may '
                                         'still be open on the printer until its idle timeout ends it (')
    assert 'set logout.path in the profile' in remote.warnings[0]


def test_a_logout_the_device_does_not_know_falls_back_to_the_one_its_page_shows(device, sleeps):
    # The page after the login shows its own logout (a link named in the UI's language); the profile's is 404.
    device.on('GET', '/rps/', html_response(200, '<p>Portal</p><a href="/rps/settings.html">Einstellungen</a> '
                                                 '<a href="/wx/auth/exit.cgi">Abmelden</a>'))
    device.on('GET', '/logout', html_response(404, 'no'))
    device.on('GET', '/wx/auth/exit.cgi', html_response(302, location='/login'))
    with session(sleeps) as remote:
        assert remote.page_logout['path'] == '/wx/auth/exit.cgi'
        assert '/wx/auth/exit.cgi' not in device.paths()      # found, never read while the session is used
    assert device.paths()[-2:] == ['/logout', '/wx/auth/exit.cgi']
    assert remote.warnings == [HOST + ": the logout /logout of the profile 'imagerunner_advance' answered HTTP 404; "
                               'logged out at /wx/auth/exit.cgi, the logout the page after the login shows: set '
                               'logout.path: /wx/auth/exit.cgi in the profile (cloudmail_profile_file)']


def test_the_session_cookie_named_is_the_one_the_login_answer_set_not_a_portal_cookie(device, sleeps):
    device.on('POST', '/login', html_response(302, location='/rps/', set_cookie='WXSID=%s; Path=/' % ('w' * 32)))
    device.on('GET', '/rps/', html_response(200, '<p>Portal</p>', set_cookie='aaportal=1; Path=/'))
    with session(sleeps) as remote:
        assert remote.login_cookies == ['WXSID']
    assert "set login.session_cookie: WXSID in the profile" in remote.warnings[0], remote.warnings


def test_an_after_login_page_that_is_missing_fails_and_still_logs_out(device, sleeps):
    profile = dict(PROFILES['imagerunner_advance'], after_login=['/rps/nativetop.cgi'])
    with pytest.raises(PageNotUnderstoodError, match='page /rps/nativetop.cgi answered HTTP 404'):
        with session(sleeps, profile=profile):
            pass
    assert device.paths()[-1] == '/logout'


FORM_WITH_BOOKKEEPING = (
    '<form method="post" action="./oauthmsedit.cgi"><input type="hidden" name="Token" value="t-1">'
    '<input type="hidden" name="CoreNXAction" value="./oauthmsedit.cgi?page=2">'
    '<input type="hidden" name="OAuthUse" value="0"><input type="checkbox" name="OAuthUse" value="1">'
    '<input type="checkbox" name="VerifyCert" value="1" checked>'
    '<input type="text" name="AuthServerURL" value="old"><input type="submit" name="Execute" value="OK"></form>')


def test_a_write_keeps_the_forms_own_values_sends_its_button_and_posts_to_the_resolved_action(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, FORM_WITH_BOOKKEEPING))
    # A save answered with the status page itself (HTTP 200), not a redirect.
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(200, STATUS))
    with session(sleeps) as remote:
        remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {'OAuthUse': '1', 'VerifyCert': None, 'AuthServerURL': 'new'})
    post = [call for call in device.calls if call['method'] == 'POST' and call['path'] != '/login'][0]
    data = post['data']
    assert ('CoreNXAction', './oauthmsedit.cgi?page=2') in data            # never the profile's constant
    assert ('Flag', 'Exec_Data') in data                                  # the profile fills what the form lacks
    assert [value for name, value in data if name == 'OAuthUse'] == ['0', '1']
    assert 'VerifyCert' not in dict(data)                                 # unticked: a browser sends nothing
    assert ('AuthServerURL', 'new') in data and ('Execute', 'OK') in data


def test_an_unticked_box_without_hidden_twin_sends_the_profiles_off_value(device, sleeps):
    device.profile = PROFILES['isensys_mf']
    device.on('GET', '/m_oauth_ms_edit.html', html_response(200, (
        '<form method="post" action="/m_oauth_ms_edit.html"><input type="hidden" name="iToken" value="1">'
        '<input type="checkbox" name="i3001" value="1" checked></form>')))
    device.on('POST', '/m_oauth_ms_edit.html', html_response(302, location='/m_oauth_ms.html'))
    with session(sleeps, profile=PROFILES['isensys_mf']) as remote:
        remote.submit_form('/m_oauth_ms_edit.html', 'i3001', {'i3001': '0'})
    post = [call for call in device.calls if call['method'] == 'POST' and call['path'] != '/checkLogin.cgi'][0]
    assert post['data'] == [('iToken', '1'), ('i3001', '0')]


def test_a_write_answered_by_an_http_error_is_refused(device, sleeps):
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, FORM_WITH_BOOKKEEPING))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(403, 'Forbidden'))
    with pytest.raises(WriteRejectedError, match=r'it answered HTTP 403; nothing was changed'):
        with session(sleeps) as remote:
            remote.submit_form('/rps/oauthmsedit.cgi', 'OAuthUse', {'OAuthUse': '1'})


def test_requests_are_spaced_as_the_profile_asks(device, sleeps):
    now = [100.0]
    profile = dict(PROFILES['imagerunner_advance'], request_spacing_seconds=1.5)
    device.on('GET', '/rps/oauthms.cgi', html_response(200, STATUS))
    with session(sleeps, profile=profile, clock=lambda: now[0]) as remote:
        remote.get_page('/rps/oauthms.cgi')
    # The clock stands still, so each of the 4 requests after the first waits the whole spacing.
    assert sleeps == [1.5, 1.5, 1.5, 1.5]


def test_firmware_that_shows_the_code_after_saving_is_authorized_without_an_authorize_page(device, sleeps):
    from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_device import OAuthDevice

    profile = PROFILES['imagerunner_advance']
    providers = dict(profile['providers'], microsoft=dict(profile['providers']['microsoft'],
                                                          authorization_flow='code_after_save'))
    profile = dict(profile, providers=providers)
    device.on('GET', '/rps/oauthmsedit.cgi', html_response(200, FORM_WITH_BOOKKEEPING))
    device.on('POST', '/rps/oauthmsedit.cgi', html_response(302, location='/rps/oauthms.cgi'))
    device.on('GET', '/rps/oauthms.cgi', html_response(200, (
        '<table><tr><th>Server Connection Status</th><td>Successfully Connected</td></tr>'
        '<tr><th>Token Status</th><td>Waiting for Authorization</td></tr>'
        '<tr><th>Message</th><td>To sign in, open https://microsoft.com/devicelogin and enter ABCD2345.</td></tr>'
        '<tr><th>User Code</th><td>ABCD2345</td></tr><tr><th>User Code Expires In</th><td>14 min 59 s</td></tr>'
        '</table>')))
    with session(sleeps, profile=profile) as remote:
        authorization = OAuthDevice(remote, 'microsoft').start_microsoft_authorization()
    assert authorization['user_code'] == 'ABCD2345' and authorization['expires_in'] == 899
    assert '/rps/oauthmsauth.cgi' not in device.paths()
    # OK pressed on the form as it stands: the checkbox stays as the device showed it.
    post = [call for call in device.calls if call['method'] == 'POST' and call['path'] == '/rps/oauthmsedit.cgi'][0]
    assert ('Execute', 'OK') in post['data'] and ('AuthServerURL', 'old') in post['data']


# --------------------------------------------------------------------------- accounts: whatever the device answers

def test_a_login_under_another_cookie_name_works_and_names_the_cookie(device, sleeps):
    device.on('POST', '/login', html_response(302, location='/rps/', set_cookie='RUISESSIONID=%s; Path=/' % ('r' * 32)))
    device.on('GET', '/rps/oauthms.cgi', html_response(200, STATUS))
    with session(sleeps) as remote:
        remote.get_page('/rps/oauthms.cgi')
    assert device.calls[-2]['headers']['Cookie'] == 'RUISESSIONID=' + 'r' * 32
    assert device.paths()[-1] == '/logout' and device.calls[-1]['headers']['Cookie'] == 'RUISESSIONID=' + 'r' * 32
    assert (remote.logins_accepted, remote.logouts_sent) == (1, 1)
    assert len(remote.warnings) == 1 and "set the cookie 'RUISESSIONID', not 'sessionid'" in remote.warnings[0]
    assert 'login.session_cookie: RUISESSIONID' in remote.warnings[0] and 'r' * 32 not in remote.warnings[0]


def test_a_session_carried_in_the_url_is_kept_on_every_request_and_the_logout(device, sleeps):
    device.on('POST', '/login', html_response(302, location='/rps/?SID=s3ss10n'))
    device.on('GET', '/rps/?SID=s3ss10n', html_response(200, '<a href="/rps/oauthms.cgi?SID=s3ss10n">OAuth</a>'))
    device.on('GET', '/rps/oauthms.cgi?SID=s3ss10n', html_response(200, STATUS))
    device.on('GET', '/logout?SID=s3ss10n', html_response(302, location='/login'))
    with session(sleeps) as remote:
        assert remote.get_page('/rps/oauthms.cgi').value('token_status').text == 'Active'
        assert remote.url_session == [('SID', 's3ss10n')]
    assert device.paths() == ['/login', '/login', '/rps/?SID=s3ss10n', '/rps/oauthms.cgi?SID=s3ss10n',
                              '/logout?SID=s3ss10n']
    assert remote.warnings == []


def test_the_login_form_actions_own_query_is_not_taken_for_a_session(device, sleeps):
    device.on('GET', '/login', html_response(200, '<form method="post" action="/login?lang=en"><input name="deptid">'
                                                  '<input type="password" name="password"></form>'))
    device.on('POST', '/login?lang=en', device.login_ok)
    with session(sleeps) as remote:
        pass
    assert remote.url_session == []


def test_an_unknown_login_answer_stops_the_printer_shows_the_device_text_and_logs_out(device, sleeps):
    unknown = html_response(200, '<p>Anmeldung fehlgeschlagen: Benutzer-ID oder Passwort falsch.</p>'
                                 '<form><input name="deptid"><input type="password" name="password"></form>')
    device.on('POST', '/login', unknown)
    remote = session(sleeps)
    with pytest.raises(LoginUnconfirmedError) as error:
        with remote:
            pass
    message = str(error.value)
    assert 'Benutzer-ID oder Passwort falsch' in message and PASSWORD not in message
    assert 'cloudmail_username / cloudmail_password' in message and 'cloudmail_profile' in message
    assert 'playbooks/status.yml' in message and '1 failed or unconfirmed login(s)' in message
    assert device.paths('POST') == ['/login'] and sleeps == []
    assert device.paths()[-1] == '/logout' and remote.logouts_sent == 1 and remote.logins_accepted == 0
    assert remote.ledger.entry(remote._ledger_key)['last'] == 'unknown_answer'


def test_a_wrong_password_shows_the_device_text_and_is_counted_across_runs(device, sleeps):
    device.on('POST', '/login', message_page('login_failed'))
    for run in range(3):
        with pytest.raises(LoginRejectedError) as error:
            with session(sleeps):
                pass
        assert 'the device says: "The ID or password is incorrect."' in str(error.value)
    # The device locks after 5: with 3 recorded, one more could be the one a person's own try makes the 5th.
    with pytest.raises(LoginPausedError) as error:
        with session(sleeps):
            pass
    message = str(error.value)
    assert device.paths('POST') == ['/login'] * 3
    assert 'no password posted: 3 failed or unconfirmed login(s)' in message and 'after 5' in message
    assert "127.0.0.5:443 7654321" in message and 'login-failures.json' in message
    assert 'a lockout would last about 300 s' in message


def test_a_good_login_clears_the_recorded_failures(device, sleeps):
    device.on('POST', '/login', message_page('login_failed'), device.login_ok)
    remote = session(sleeps)
    with pytest.raises(LoginRejectedError):
        with remote:
            pass
    assert remote.ledger.entry(remote._ledger_key)['failures'] == 1
    with session(sleeps) as remote:
        pass
    assert remote.ledger.entry(remote._ledger_key) is None


def test_a_login_that_never_reached_the_device_is_not_counted(device, sleeps):
    device.on('POST', '/login', requests.exceptions.ConnectionError('[Errno 111] Connection refused'))
    remote = session(sleeps, retries=1)
    with pytest.raises(DeviceUnreachableError):
        with remote:
            pass
    assert remote.ledger.entry(remote._ledger_key) is None and remote.logouts_sent == 0


def test_a_login_whose_answer_timed_out_is_logged_out_and_stays_counted(device, sleeps):
    device.on('POST', '/login', requests.exceptions.ReadTimeout('read timed out'))
    remote = session(sleeps)
    with pytest.raises(DeviceUnreachableError):
        with remote:
            pass
    assert device.paths()[-1] == '/logout' and remote.logouts_sent == 1
    assert remote.ledger.entry(remote._ledger_key)['failures'] == 1


def test_a_login_answer_without_any_session_that_leads_back_to_the_login_is_not_a_success(device, sleeps):
    device.on('POST', '/login', html_response(302, location='/rps/'))
    device.on('GET', '/rps/', html_response(302, location='/login'))
    remote = session(sleeps)
    with pytest.raises(LoginUnconfirmedError, match='sent the client back to the login page'):
        with remote:
            pass
    assert device.paths()[-1] == '/logout' and remote.logins_accepted == 0


def test_a_redirect_to_the_devices_own_address_is_the_same_device(device, sleeps):
    remote = session(sleeps, host='localhost')
    device.on('POST', '/login', html_response(302, location='https://127.0.0.1:443/rps/',
                                              set_cookie='sessionid=%s; Path=/' % ('a' * 32)))
    with remote:
        pass
    # The client stays on the name it was given: its cookies are for that name.
    assert device.paths() == ['/login', '/login', '/rps/', '/logout']
    assert all(call_url.startswith('https://localhost:443/') for call_url in device.urls)


def test_a_redirect_to_another_host_is_still_refused_and_logged_out(device, sleeps):
    remote = session(sleeps, host='localhost')
    device.on('POST', '/login', html_response(302, location='https://127.0.0.9/rps/',
                                              set_cookie='sessionid=%s; Path=/' % ('a' * 32)))
    with pytest.raises(DeviceUnreachableError, match='redirects to another host'):
        with remote:
            pass
    assert device.paths()[-1] == '/logout' and remote.logouts_sent == 1


def test_a_portal_answered_with_200_gives_the_url_session_of_its_links(device, sleeps):
    device.on('POST', '/login', html_response(200, '<a href="/rps/oauthms.cgi?SID=p0rt">OAuth</a>'
                                                   '<a href="/help.html?lang=en">Help</a>'
                                                   '<form action="/rps/x.cgi?SID=p0rt"><input name="a"></form>'))
    device.on('GET', '/rps/oauthms.cgi?SID=p0rt', html_response(200, STATUS))
    with session(sleeps) as remote:
        remote.get_page('/rps/oauthms.cgi')
        assert remote.url_session == [('SID', 'p0rt')]
    assert device.paths()[-1] == '/logout?SID=p0rt'


def test_a_fresh_login_after_an_expired_session_takes_the_new_url_session(device, sleeps):
    device.on('POST', '/login', html_response(302, location='/rps/?SID=first'),
              html_response(302, location='/rps/?SID=second'))
    device.on('GET', '/rps/oauthms.cgi?SID=first', html_response(302, location='/login'))
    device.on('GET', '/rps/oauthms.cgi?SID=second', html_response(200, STATUS))
    with session(sleeps) as remote:
        remote.get_page('/rps/oauthms.cgi')
    assert '/logout?SID=first' in device.paths() and device.paths()[-1] == '/logout?SID=second'
    assert remote.logins_accepted == 2 and remote.logouts_sent == 2


def test_a_stop_signal_during_the_login_post_still_logs_out(device, sleeps):
    device.on('POST', '/login', SessionInterruptedError(HOST, 'stopped by signal 15'))
    remote = session(sleeps)
    with pytest.raises(SessionInterruptedError):
        with remote:
            pass
    assert device.paths()[-1] == '/logout' and remote.logouts_sent == 1
    assert remote.ledger.entry(remote._ledger_key)['failures'] == 1
