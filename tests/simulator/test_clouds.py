"""The fake Entra ID and fake Google, exercised over real HTTPS on loopback.

Requests for the real host names (login.microsoftonline.com, ...) are sent to the fake's
listener with the original Host header, as the simulated fleet does, and the certificate is
verified against the test CA on every call.
"""

import asyncio
import contextlib
import threading
import time
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import msal
import pytest
import requests
from aiohttp import web

from simulator.clock import Clock
from simulator.clouds import (
    CONTOSO_TENANT_ID, DEFAULT_MICROSOFT_USER, GOOGLE_AUTHORIZATION_ENDPOINT, GOOGLE_MAIL_SCOPE,
    GOOGLE_TOKEN_ENDPOINT, CloudError, FakeClouds)
from simulator import tls

DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
SMTP_SCOPES = 'https://outlook.office.com/SMTP.Send offline_access openid profile'
CLIENT_ID = '3e1c5a9b-7f2d-4c8e-a0b1-9d6f2e4c8a17'
TOKEN_URL = 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token'
DEVICECODE_URL = 'https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode'
DEVICE_REDIRECT_URI = 'http://127.0.0.1/oauth2callback'
DAY = 86400


class RoutedSession(requests.Session):
    """Sends requests for the real cloud host names to the fake's loopback listener."""

    def __init__(self, port, ca_path):
        super().__init__()
        self.trust_env = False  # else REQUESTS_CA_BUNDLE silently replaces verify
        self.verify = ca_path
        self.port = port

    def request(self, method, url, **kwargs):
        parts = urlsplit(url)
        if parts.hostname not in tls.CLOUD_HOSTNAMES:
            return super().request(method, url, **kwargs)
        kwargs['headers'] = {**(kwargs.get('headers') or {}), 'Host': parts.hostname}
        response = super().request(
            method, parts._replace(netloc=f'127.0.0.1:{self.port}').geturl(), **kwargs)
        response.url = url  # as if the name had resolved to the listener
        return response


class Forms(HTMLParser):
    """The forms of a page, as a browser sees them."""

    def __init__(self, page):
        super().__init__()
        self.forms = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'form':
            self.forms.append({'action': attrs.get('action', ''), 'fields': {}, 'buttons': {}})
        elif tag == 'input' and attrs.get('name'):
            self.forms[-1]['fields'][attrs['name']] = attrs.get('value') or ''
        elif tag == 'button' and attrs.get('name'):
            self.forms[-1]['buttons'][attrs['value']] = attrs['name']


def submit(session, page, button=None, **fields):
    """Fill in the page's only form and press `button` (its value), as a browser would."""
    (form,) = Forms(page.text).forms
    data = {**form['fields'], **fields}
    if button is not None:
        data[form['buttons'][button]] = button
    return session.post(urljoin(page.url, form['action']), data=data, allow_redirects=False)


@contextlib.contextmanager
def serving(app, ssl_context):
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, '127.0.0.1', 0, ssl_context=ssl_context)
    loop.run_until_complete(site.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield runner.addresses[0][1]
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    return tls.TestPKI(['127.0.0.1'], tmp_path_factory.mktemp('pki'))


def start_cloud(pki, **options):
    clock = Clock()
    clouds = FakeClouds(clock, poll_interval=1, **options)
    stack = contextlib.ExitStack()
    port = stack.enter_context(serving(clouds.app(), pki.server_context()))
    http = stack.enter_context(RoutedSession(port, pki.ca_path))
    return stack, SimpleNamespace(clouds=clouds, clock=clock, http=http, port=port)


@pytest.fixture
def cloud(pki):
    stack, cloud = start_cloud(pki)
    with stack:
        yield cloud


def start_device_flow(cloud, scope=SMTP_SCOPES):
    response = cloud.http.post(DEVICECODE_URL, data={'client_id': CLIENT_ID, 'scope': scope})
    assert response.status_code == 200, response.text
    return response.json()


def poll(cloud, flow):
    return cloud.http.post(TOKEN_URL, data={
        'grant_type': DEVICE_CODE_GRANT, 'client_id': CLIENT_ID,
        'device_code': flow['device_code'], 'code': flow['device_code']})


def entra_error(response):
    assert response.status_code == 400, response.text
    return response.json()['error']


def device_flow_tokens(cloud, scope=SMTP_SCOPES):
    flow = start_device_flow(cloud, scope)
    cloud.clouds.approve(flow['user_code'])
    response = poll(cloud, flow)
    assert response.status_code == 200, response.text
    return response.json()


# ---------------------------------------------------------------- Entra ID


@pytest.mark.parametrize('tenant', ['organizations', 'common', 'consumers',
                                    'contoso.onmicrosoft.com', CONTOSO_TENANT_ID])
def test_discovery_document_names_real_https_endpoints(cloud, tenant):
    response = cloud.http.get(
        f'https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration')
    assert response.status_code == 200
    document = response.json()
    for key in ('issuer', 'authorization_endpoint', 'token_endpoint',
                'device_authorization_endpoint'):
        assert document[key].startswith('https://login.microsoftonline.com/'), key
    assert document['device_authorization_endpoint'].endswith('/oauth2/v2.0/devicecode')


def test_unknown_tenant_is_refused_like_entra(cloud):
    response = cloud.http.get(
        'https://login.microsoftonline.com/fabrikam.example/v2.0/.well-known/openid-configuration')
    assert response.status_code == 400
    body = response.json()
    assert body['error'] == 'invalid_tenant'
    assert body['error_codes'] == [90002]
    assert body['error_description'].startswith("AADSTS90002: Tenant 'fabrikam.example'")


def test_msal_completes_the_device_flow_and_refreshes(cloud):
    app = msal.PublicClientApplication(
        CLIENT_ID, authority='https://login.microsoftonline.com/organizations',
        instance_discovery=False, http_client=cloud.http)
    flow = app.initiate_device_flow(scopes=['https://outlook.office.com/SMTP.Send'])
    assert 'https://microsoft.com/devicelogin' in flow['message']
    assert flow['user_code'] in flow['message']

    def person():
        while not cloud.clouds.pending_user_codes():
            time.sleep(0.05)
        time.sleep(1.5)  # msal has polled at least once and got authorization_pending
        cloud.clouds.approve(flow['user_code'])

    approver = threading.Thread(target=person)
    approver.start()
    result = app.acquire_token_by_device_flow(flow)
    approver.join()
    assert 'access_token' in result, result
    assert result['id_token_claims']['preferred_username'] == DEFAULT_MICROSOFT_USER
    assert cloud.clouds.validate_access_token(result['access_token'])['provider'] == 'microsoft'
    assert cloud.clouds.pending_user_codes() == []

    (account,) = app.get_accounts()
    refreshed = app.acquire_token_silent(['https://outlook.office.com/SMTP.Send'], account,
                                         force_refresh=True)
    assert refreshed['access_token'] != result['access_token']
    assert cloud.clouds.validate_access_token(refreshed['access_token'])['user'] == \
        DEFAULT_MICROSOFT_USER


def test_device_code_answer_has_entra_fields(cloud):
    flow = start_device_flow(cloud)
    assert flow['verification_uri'] == 'https://microsoft.com/devicelogin'
    assert flow['expires_in'] == 900 and flow['interval'] == 1
    assert 'verification_uri_complete' not in flow
    (pending,) = cloud.clouds.pending_user_codes()
    assert pending['user_code'] == flow['user_code']
    assert pending['client_id'] == CLIENT_ID and pending['tenant'] == 'organizations'


def test_polling_before_approval_is_pending_then_slow_down_when_too_fast(cloud):
    flow = start_device_flow(cloud)
    pending = poll(cloud, flow)
    assert entra_error(pending) == 'authorization_pending'
    assert pending.json()['error_codes'] == [70016]
    assert entra_error(poll(cloud, flow)) == 'slow_down'
    time.sleep(1.1)
    assert entra_error(poll(cloud, flow)) == 'authorization_pending'


def test_expired_code_cannot_be_approved_or_redeemed(cloud):
    flow = start_device_flow(cloud)
    cloud.clock.advance(901)
    assert cloud.clouds.pending_user_codes() == []
    with pytest.raises(CloudError, match='expired'):
        cloud.clouds.approve(flow['user_code'])
    response = poll(cloud, flow)
    assert entra_error(response) == 'expired_token'
    assert response.json()['error_codes'] == [70019]


def test_declined_code_is_reported_and_stays_declined(cloud):
    flow = start_device_flow(cloud)
    assert cloud.clouds.approve(flow['user_code'], decline=True)['status'] == 'declined'
    assert entra_error(poll(cloud, flow)) == 'authorization_declined'
    with pytest.raises(CloudError, match='already declined'):
        cloud.clouds.approve(flow['user_code'])


def test_unknown_and_redeemed_device_codes_are_bad_verification_codes(cloud):
    flow = start_device_flow(cloud)
    wrong = poll(cloud, {'device_code': 'DAQABIQEAAAB-not-issued'})
    assert entra_error(wrong) == 'bad_verification_code'
    assert wrong.json()['error_codes'] == [70018]
    cloud.clouds.approve(flow['user_code'])
    assert poll(cloud, flow).status_code == 200
    assert entra_error(poll(cloud, flow)) == 'bad_verification_code'
    with pytest.raises(CloudError, match='unknown user code'):
        cloud.clouds.approve('NOSUCHCODE')


def test_token_answer_has_what_msal_needs(cloud):
    tokens = device_flow_tokens(cloud)
    assert tokens['token_type'] == 'Bearer'
    assert tokens['scope'] == 'https://outlook.office.com/SMTP.Send'
    assert tokens['expires_in'] == 3599
    assert {'access_token', 'refresh_token', 'id_token', 'client_info'} <= tokens.keys()
    without_refresh = device_flow_tokens(cloud, scope='https://outlook.office.com/SMTP.Send')
    assert 'refresh_token' not in without_refresh and 'id_token' not in without_refresh


def test_access_token_expires_with_the_clock(cloud):
    tokens = device_flow_tokens(cloud)
    assert cloud.clouds.validate_access_token(tokens['access_token'])['user'] == \
        DEFAULT_MICROSOFT_USER
    assert cloud.clouds.validate_access_token('EwB-forged') is None
    cloud.clock.advance(3600)
    assert cloud.clouds.validate_access_token(tokens['access_token']) is None


def refresh_entra(cloud, refresh_token):
    return cloud.http.post(TOKEN_URL, data={
        'grant_type': 'refresh_token', 'client_id': CLIENT_ID, 'refresh_token': refresh_token,
        'scope': SMTP_SCOPES})


def test_entra_refresh_token_dies_after_90_days_unused(cloud):
    tokens = device_flow_tokens(cloud)
    cloud.clock.advance(60 * DAY)
    used = refresh_entra(cloud, tokens['refresh_token'])
    assert used.status_code == 200, used.text
    cloud.clock.advance(60 * DAY)  # 120 days after issue, 60 after last use
    assert refresh_entra(cloud, tokens['refresh_token']).status_code == 200
    cloud.clock.advance(91 * DAY)
    expired = refresh_entra(cloud, tokens['refresh_token'])
    assert entra_error(expired) == 'invalid_grant'
    assert expired.json()['error_codes'] == [700082]


def test_revoked_entra_grant_cannot_refresh(cloud):
    tokens = device_flow_tokens(cloud)
    assert cloud.clouds.revoke_all(provider='microsoft') == 1
    assert entra_error(refresh_entra(cloud, tokens['refresh_token'])) == 'invalid_grant'
    assert cloud.clouds.validate_access_token(tokens['access_token']) is None


def test_devicelogin_page_works_with_plain_form_posts(cloud):
    flow = start_device_flow(cloud)
    page = cloud.http.get(flow['verification_uri'])
    assert page.status_code == 200 and 'Enter code' in page.text

    wrong = submit(cloud.http, page, otc='BBBBBBBBB')
    assert "That code didn't work" in wrong.text

    typed = flow['user_code'].lower()  # people type as they like
    confirm = submit(cloud.http, page, otc=typed)
    assert 'Are you trying to sign in' in confirm.text
    assert entra_error(poll(cloud, flow)) == 'authorization_pending'

    done = submit(cloud.http, confirm, button='approve')
    assert 'You have signed in' in done.text
    assert poll(cloud, flow).status_code == 200


def test_devicelogin_page_decline_and_expired_code(cloud):
    flow = start_device_flow(cloud)
    page = cloud.http.get(flow['verification_uri'])
    confirm = submit(cloud.http, page, otc=flow['user_code'])
    assert 'declined' in submit(cloud.http, confirm, button='decline').text
    assert entra_error(poll(cloud, flow)) == 'authorization_declined'

    late = start_device_flow(cloud)
    cloud.clock.advance(901)
    assert 'has expired' in submit(cloud.http, page, otc=late['user_code']).text


def test_auto_approve_plays_the_person(pki):
    stack, cloud = start_cloud(pki, auto_approve_seconds=30)
    with stack:
        flow = start_device_flow(cloud)
        assert entra_error(poll(cloud, flow)) == 'authorization_pending'
        cloud.clock.advance(31)
        assert cloud.clouds.pending_user_codes() == []
        assert poll(cloud, flow).status_code == 200


def test_each_host_serves_only_its_own_paths(cloud):
    assert cloud.http.get('https://accounts.google.com/devicelogin').status_code == 404
    assert cloud.http.post('https://login.microsoftonline.com/token').status_code == 404
    assert cloud.http.get(
        'https://oauth2.googleapis.com/common/v2.0/.well-known/openid-configuration'
    ).status_code == 404


# ---------------------------------------------------------------- Google


def google_client(cloud, testing=False):
    client_id = (cloud.clouds.google_testing_client_id if testing
                 else cloud.clouds.google_production_client_id)
    return client_id, cloud.clouds.google_clients[client_id]['client_secret']


def authorization_url(client_id, redirect_uri=DEVICE_REDIRECT_URI, **extra):
    return GOOGLE_AUTHORIZATION_ENDPOINT + '?' + urlencode({
        'client_id': client_id, 'redirect_uri': redirect_uri, 'response_type': 'code',
        'scope': GOOGLE_MAIL_SCOPE, 'access_type': 'offline', **extra})


def exchange(cloud, client_id, secret, code, redirect_uri=DEVICE_REDIRECT_URI):
    return cloud.http.post(GOOGLE_TOKEN_ENDPOINT, data={
        'grant_type': 'authorization_code', 'code': code, 'client_id': client_id,
        'client_secret': secret, 'redirect_uri': redirect_uri})


def refresh_google(cloud, client_id, secret, refresh_token):
    return cloud.http.post(GOOGLE_TOKEN_ENDPOINT, data={
        'grant_type': 'refresh_token', 'refresh_token': refresh_token,
        'client_id': client_id, 'client_secret': secret})


def google_tokens(cloud, testing=False):
    client_id, secret = google_client(cloud, testing)
    code = cloud.clouds.consent(authorization_url(client_id))['code']
    response = exchange(cloud, client_id, secret, code)
    assert response.status_code == 200, response.text
    return client_id, secret, response.json()


def test_google_clients_exist_for_production_and_testing(cloud):
    clients = cloud.clouds.google_clients
    assert sorted(c['testing'] for c in clients.values()) == [False, True]
    assert all(client_id.endswith('.apps.googleusercontent.com') for client_id in clients)


def test_consent_redirects_to_loopback_with_code(cloud):
    client_id, secret = google_client(cloud)
    answer = cloud.clouds.consent(authorization_url(client_id, state='xyz'))
    redirect = urlsplit(answer['redirect_url'])
    assert f'{redirect.scheme}://{redirect.netloc}{redirect.path}' == DEVICE_REDIRECT_URI
    query = parse_qs(redirect.query)
    assert query['code'] == [answer['code']] and query['state'] == ['xyz']
    assert query['scope'] == [GOOGLE_MAIL_SCOPE]
    assert f"code={answer['code']}" in answer['redirect_url']  # copyable as shown

    tokens = exchange(cloud, client_id, secret, answer['code']).json()
    assert tokens['token_type'] == 'Bearer' and tokens['scope'] == GOOGLE_MAIL_SCOPE
    assert tokens['refresh_token'] and tokens['expires_in'] == 3599
    assert cloud.clouds.validate_access_token(tokens['access_token'])['provider'] == 'google'


def test_consent_page_works_with_plain_form_posts(cloud):
    client_id, secret = google_client(cloud, testing=True)
    page = cloud.http.get(authorization_url(client_id, state='s1'))
    assert page.status_code == 200 and "hasn't verified this app" in page.text
    allowed = submit(cloud.http, page, button='allow')
    assert allowed.status_code == 302
    location = urlsplit(allowed.headers['Location'])
    assert location.netloc == '127.0.0.1' and location.path == '/oauth2callback'
    (code,) = parse_qs(location.query)['code']
    assert exchange(cloud, client_id, secret, code).status_code == 200

    denied = submit(cloud.http, page, button='deny')
    assert parse_qs(urlsplit(denied.headers['Location']).query)['error'] == ['access_denied']


def test_authorization_code_is_single_use(cloud):
    client_id, secret = google_client(cloud)
    code = cloud.clouds.consent(authorization_url(client_id))['code']
    assert exchange(cloud, client_id, secret, code).status_code == 200
    reused = exchange(cloud, client_id, secret, code)
    assert reused.status_code == 400 and reused.json()['error'] == 'invalid_grant'


def test_wrong_secret_is_invalid_client(cloud):
    client_id, secret = google_client(cloud)
    code = cloud.clouds.consent(authorization_url(client_id))['code']
    wrong = exchange(cloud, client_id, 'GOCSPX-wrong', code)
    assert wrong.status_code == 401 and wrong.json()['error'] == 'invalid_client'


def test_redirect_uri_must_match(cloud):
    client_id, secret = google_client(cloud)
    elsewhere = authorization_url(client_id, redirect_uri='https://evil.example/callback')
    page = cloud.http.get(elsewhere)
    assert page.status_code == 400 and 'redirect_uri_mismatch' in page.text
    with pytest.raises(CloudError, match='redirect_uri_mismatch'):
        cloud.clouds.consent(elsewhere)
    with pytest.raises(CloudError, match='redirect_uri_mismatch'):
        cloud.clouds.consent(authorization_url(
            client_id, redirect_uri='http://127.0.0.1/other-path'))

    # Loopback redirects may use any port, but the exchange must repeat the same URI.
    with_port = 'http://127.0.0.1:8765/oauth2callback'
    code = cloud.clouds.consent(authorization_url(client_id, redirect_uri=with_port))['code']
    mismatch = exchange(cloud, client_id, secret, code, redirect_uri=DEVICE_REDIRECT_URI)
    assert mismatch.status_code == 400 and mismatch.json()['error'] == 'redirect_uri_mismatch'
    assert exchange(cloud, client_id, secret, code, redirect_uri=with_port).status_code == 200


def test_invalid_authorization_requests_show_google_errors(cloud):
    client_id, secret = google_client(cloud)
    unknown = cloud.http.get(authorization_url('1-nope.apps.googleusercontent.com'))
    assert unknown.status_code == 401 and 'invalid_client' in unknown.text
    with pytest.raises(CloudError, match='invalid_scope'):
        cloud.clouds.consent(authorization_url(client_id, scope='https://evil.example/'))
    with pytest.raises(CloudError, match='unsupported_response_type'):
        cloud.clouds.consent(authorization_url(client_id, response_type='token'))


def test_google_refresh_and_seven_day_expiry_for_testing_client(cloud):
    testing_id, testing_secret, testing_tokens = google_tokens(cloud, testing=True)
    production_id, production_secret, production_tokens = google_tokens(cloud)
    assert 'refresh_token_expires_in' in testing_tokens

    refreshed = refresh_google(cloud, testing_id, testing_secret, testing_tokens['refresh_token'])
    assert refreshed.status_code == 200 and 'refresh_token' not in refreshed.json()
    assert cloud.clouds.validate_access_token(refreshed.json()['access_token'])

    cloud.clock.advance(7 * DAY)
    expired = refresh_google(cloud, testing_id, testing_secret, testing_tokens['refresh_token'])
    assert expired.status_code == 400
    assert expired.json() == {'error': 'invalid_grant',
                              'error_description': 'Token has been expired or revoked.'}
    assert refresh_google(cloud, production_id, production_secret,
                          production_tokens['refresh_token']).status_code == 200


def test_revocation_ends_the_google_grant(cloud):
    client_id, secret, tokens = google_tokens(cloud)
    revoked = cloud.http.post('https://oauth2.googleapis.com/revoke',
                              data={'token': tokens['access_token']})
    assert revoked.status_code == 200
    assert cloud.clouds.validate_access_token(tokens['access_token']) is None
    failed = refresh_google(cloud, client_id, secret, tokens['refresh_token'])
    assert failed.json()['error_description'] == 'Token has been expired or revoked.'
    again = cloud.http.post('https://oauth2.googleapis.com/revoke',
                            data={'token': tokens['access_token']})
    assert again.status_code == 400

    client_id, secret, tokens = google_tokens(cloud)
    assert cloud.clouds.revoke_all(provider='google', client_id=client_id) == 1
    assert refresh_google(cloud, client_id, secret, tokens['refresh_token']).status_code == 400
