"""Fake Microsoft Entra ID (device authorization grant) and fake Google OAuth (code flow).

Both clouds are served by one aiohttp application on one listener; the simulator routes the
real host names (login.microsoftonline.com, microsoft.com, accounts.google.com,
oauth2.googleapis.com) to it, so every URL in documents and pages uses the real names.
Close enough to the real services that msal's device flow runs against it unchanged.
All times come from the shared simulator clock, so tests can move time and see expiry.
"""

import base64
import dataclasses
import datetime
import hashlib
import html
import json
import secrets
import threading
import uuid
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from aiohttp import web

MICROSOFT_LOGIN_HOST = 'login.microsoftonline.com'
MICROSOFT_VERIFICATION_URI = 'https://microsoft.com/devicelogin'
GOOGLE_AUTHORIZATION_ENDPOINT = 'https://accounts.google.com/o/oauth2/v2/auth'
GOOGLE_TOKEN_ENDPOINT = 'https://oauth2.googleapis.com/token'
GOOGLE_REVOKE_ENDPOINT = 'https://oauth2.googleapis.com/revoke'
GOOGLE_MAIL_SCOPE = 'https://mail.google.com/'

CONTOSO_TENANT_ID = '5f3c1a2e-8d4b-4e7a-9c61-2b0f7d9e4a13'
CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad'
# Tenant as written in an authority URL -> the directory's id (None: multi-tenant alias).
ENTRA_TENANTS = {
    'common': None,
    'organizations': None,
    'consumers': CONSUMERS_TENANT_ID,
    'contoso.onmicrosoft.com': CONTOSO_TENANT_ID,
    CONTOSO_TENANT_ID: CONTOSO_TENANT_ID,
}
DEFAULT_MICROSOFT_USER = 'scanner@contoso.onmicrosoft.com'
DEFAULT_GOOGLE_USER = 'scanner.fleet@gmail.com'

OIDC_SCOPES = {'openid', 'profile', 'offline_access', 'email'}
GOOGLE_KNOWN_SCOPES = {GOOGLE_MAIL_SCOPE, 'openid', 'email', 'profile'}
LOOPBACK_HOSTS = {'127.0.0.1', '::1', 'localhost'}
DAY = 86400
ENTRA_REFRESH_INACTIVITY = 90 * DAY
GOOGLE_TESTING_REFRESH_LIFETIME = 7 * DAY
GOOGLE_REFRESH_INACTIVITY = 183 * DAY
GOOGLE_CODE_LIFETIME = 600
# Unambiguous characters for codes a person types.
USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ23456789'

# Which routes each real host name serves; other hosts (127.0.0.1 in tests) serve them all.
HOST_ROUTE_OWNERS = {
    'login.microsoftonline.com': 'entra',
    'microsoft.com': 'entra',
    'www.microsoft.com': 'entra',
    'accounts.google.com': 'google_accounts',
    'oauth2.googleapis.com': 'google_api',
}


class CloudError(ValueError):
    """A request the cloud refuses; `error` is the OAuth error name."""

    def __init__(self, error, description):
        super().__init__(f'{error}: {description}')
        self.error = error
        self.description = description


@dataclasses.dataclass
class Grant:
    """What a person consented to: every token issued from it dies with it."""
    provider: str
    user: str
    client_id: str
    scope: str
    issued_at: float
    testing: bool = False
    revoked: bool = False
    tenant: str = None


@dataclasses.dataclass
class AccessToken:
    grant: Grant
    expires_at: float


@dataclasses.dataclass
class RefreshToken:
    grant: Grant
    last_used: float


@dataclasses.dataclass
class DeviceCode:
    device_code: str
    user_code: str
    tenant: str
    client_id: str
    scopes: list
    issued_at: float
    expires_at: float
    status: str = 'pending'  # pending, approved, declined, redeemed
    user: str = None
    last_poll: float = None


@dataclasses.dataclass
class AuthorizationCode:
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    expires_at: float
    code_challenge: str = None
    code_challenge_method: str = None
    used: bool = False


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def _user_object_id(user):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, 'user:' + user))


def _page(title, body):
    return web.Response(content_type='text/html', text=(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<title>{html.escape(title)}</title></head><body>{body}</body></html>'))


def _hidden_inputs(fields):
    return ''.join(f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
                   for name, value in fields.items())


class FakeClouds:
    def __init__(self, clock, *, poll_interval=5, device_code_lifetime=900,
                 access_token_lifetime=3599, auto_approve_seconds=None):
        self.clock = clock
        self.poll_interval = int(poll_interval)
        self.device_code_lifetime = device_code_lifetime
        self.access_token_lifetime = access_token_lifetime
        self.auto_approve_seconds = auto_approve_seconds
        # approve()/consent() run on the caller's thread while the app serves on its loop.
        self._lock = threading.RLock()
        self._device_codes = {}      # device_code -> DeviceCode
        self._user_codes = {}        # user_code -> DeviceCode
        self._access_tokens = {}     # token -> AccessToken
        self._refresh_tokens = {}    # token -> RefreshToken
        self._authorization_codes = {}
        self._grants = []
        self._last_purge = clock.now()
        self.google_clients = {}   # client_id -> {"client_secret", "testing", "redirect_uris"}
        self.google_production_client_id = self._new_google_client(testing=False)
        self.google_testing_client_id = self._new_google_client(testing=True)

    # ------------------------------------------------------------------ public helpers

    def _new_google_client(self, testing):
        client_id = (f'{secrets.randbelow(10**12):012d}-{secrets.token_hex(16)}'
                     '.apps.googleusercontent.com')
        self.google_clients[client_id] = {
            'client_secret': 'GOCSPX-' + secrets.token_urlsafe(21),
            'testing': testing,
            # A desktop client: loopback redirects, any port (RFC 8252 section 7.3).
            'redirect_uris': ['http://127.0.0.1/oauth2callback', 'http://localhost'],
        }
        return client_id

    def pending_user_codes(self):
        """User codes a person could still enter: not approved, declined or expired."""
        with self._lock:
            now = self.clock.now()
            result = []
            for code in self._user_codes.values():
                self._auto_approve(code, now)
                if code.status == 'pending' and now < code.expires_at:
                    result.append({'user_code': code.user_code, 'tenant': code.tenant,
                                   'client_id': code.client_id, 'expires_at': code.expires_at})
            return result

    def approve(self, user_code, decline=False, user=DEFAULT_MICROSOFT_USER):
        """What a person does on the verification page; CloudError for unusable codes."""
        with self._lock:
            code = self._find_user_code(user_code)
            code.status = 'declined' if decline else 'approved'
            code.user = user
            return {'user_code': code.user_code, 'status': code.status, 'user': user,
                    'tenant': code.tenant, 'client_id': code.client_id}

    def consent(self, authorization_url, allow=True, user=DEFAULT_GOOGLE_USER):
        """What a person does on Google's consent page: {"redirect_url", "code"}."""
        parts = urlsplit(authorization_url)
        if parts.path != '/o/oauth2/v2/auth':
            raise CloudError('invalid_request', f'not a Google authorization URL: {parts.path}')
        return self._google_consent(dict(parse_qsl(parts.query)), allow, user)

    def revoke_all(self, provider=None, user=None, client_id=None):
        """Revoke every grant matching the filters (None matches all); returns how many."""
        with self._lock:
            count = 0
            for grant in self._grants:
                if ((provider is None or grant.provider == provider)
                        and (user is None or grant.user == user)
                        and (client_id is None or grant.client_id == client_id)
                        and not grant.revoked):
                    grant.revoked = True
                    count += 1
            return count

    def validate_access_token(self, token):
        """{"provider", "user", "client_id", "scope"} for a live access token, else None."""
        with self._lock:
            record = self._access_tokens.get(token)
            if record is None or record.grant.revoked or self.clock.now() >= record.expires_at:
                return None
            grant = record.grant
            return {'provider': grant.provider, 'user': grant.user,
                    'client_id': grant.client_id, 'scope': grant.scope}

    # ------------------------------------------------------------------ the application

    def app(self):
        app = web.Application(middlewares=[self._dispatch_on_host])
        app.router.add_get('/devicelogin', self._devicelogin_page, name='entra.devicelogin')
        app.router.add_post('/devicelogin', self._devicelogin_post, name='entra.devicelogin_post')
        app.router.add_get('/{tenant}/v2.0/.well-known/openid-configuration',
                           self._entra_discovery, name='entra.discovery')
        app.router.add_post('/{tenant}/oauth2/v2.0/devicecode', self._entra_devicecode,
                            name='entra.devicecode')
        app.router.add_post('/{tenant}/oauth2/v2.0/token', self._entra_token, name='entra.token')
        app.router.add_get('/o/oauth2/v2/auth', self._google_auth_page,
                           name='google_accounts.auth')
        app.router.add_post('/o/oauth2/v2/auth', self._google_auth_post,
                            name='google_accounts.auth_post')
        app.router.add_post('/token', self._google_token, name='google_api.token')
        app.router.add_post('/revoke', self._google_revoke, name='google_api.revoke')
        return app

    @web.middleware
    async def _dispatch_on_host(self, request, handler):
        owner = HOST_ROUTE_OWNERS.get((request.url.host or '').lower())
        route_name = request.match_info.route.name or ''
        if owner and not route_name.startswith(owner + '.'):
            raise web.HTTPNotFound()
        return await handler(request)

    def _new_token(self, prefix, nbytes=48):
        return prefix + secrets.token_urlsafe(nbytes)

    def _purge_old_records(self, now):
        # Records long past any use; bounded work so a long demo does not grow without end.
        if now - self._last_purge < 3600:
            return
        self._last_purge = now
        for code in [c for c in self._device_codes.values() if c.expires_at < now - 3600]:
            del self._device_codes[code.device_code]
            self._user_codes.pop(code.user_code, None)
        for token in [t for t, r in self._access_tokens.items() if r.expires_at < now]:
            del self._access_tokens[token]
        for code in [c for c, r in self._authorization_codes.items() if r.expires_at < now]:
            del self._authorization_codes[code]
        # Far beyond every refresh-token lifetime, so no answer changes when one goes.
        for token in [t for t, r in self._refresh_tokens.items() if r.last_used < now - 365 * DAY]:
            del self._refresh_tokens[token]

    # ------------------------------------------------------------------ Entra ID

    def _entra_error(self, error, code, description, status=400):
        now = datetime.datetime.fromtimestamp(self.clock.now(), datetime.timezone.utc)
        trace_id, correlation_id = uuid.uuid4(), uuid.uuid4()
        stamp = now.strftime('%Y-%m-%d %H:%M:%SZ')
        prefix = f'AADSTS{code}: ' if code else ''
        body = {
            'error': error,
            'error_description': (f'{prefix}{description} Trace ID: {trace_id} '
                                  f'Correlation ID: {correlation_id} Timestamp: {stamp}'),
            'error_codes': [code] if code else [],
            'timestamp': stamp,
            'trace_id': str(trace_id),
            'correlation_id': str(correlation_id),
        }
        if code:
            body['error_uri'] = f'https://{MICROSOFT_LOGIN_HOST}/error?code={code}'
        return web.json_response(body, status=status)

    def _unknown_tenant(self, tenant):
        return self._entra_error(
            'invalid_tenant', 90002,
            f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID "
            'and are signing into the correct cloud. Check with your subscription '
            'administrator, this may happen if there are no active subscriptions for the tenant.')

    async def _entra_discovery(self, request):
        tenant = request.match_info['tenant']
        if tenant.lower() not in ENTRA_TENANTS:
            return self._unknown_tenant(tenant)
        tenant_id = ENTRA_TENANTS[tenant.lower()]
        # Like Entra: a named directory's endpoints use its id; aliases keep their name.
        path_tenant = tenant_id if tenant.lower() not in ('common', 'organizations', 'consumers') \
            else tenant.lower()
        base = f'https://{MICROSOFT_LOGIN_HOST}/{path_tenant}/oauth2/v2.0'
        return web.json_response({
            'issuer': f'https://{MICROSOFT_LOGIN_HOST}/{tenant_id or "{tenantid}"}/v2.0',
            'authorization_endpoint': f'{base}/authorize',
            'token_endpoint': f'{base}/token',
            'device_authorization_endpoint': f'{base}/devicecode',
            'end_session_endpoint': f'{base}/logout',
            'jwks_uri': f'https://{MICROSOFT_LOGIN_HOST}/{path_tenant}/discovery/v2.0/keys',
            'userinfo_endpoint': 'https://graph.microsoft.com/oidc/userinfo',
            'token_endpoint_auth_methods_supported': [
                'client_secret_post', 'private_key_jwt', 'client_secret_basic'],
            'response_modes_supported': ['query', 'fragment', 'form_post'],
            'response_types_supported': ['code', 'id_token', 'code id_token', 'id_token token'],
            'subject_types_supported': ['pairwise'],
            'id_token_signing_alg_values_supported': ['RS256'],
            'scopes_supported': ['openid', 'profile', 'email', 'offline_access'],
            'tenant_region_scope': 'EU' if tenant_id == CONTOSO_TENANT_ID else None,
            'cloud_instance_name': 'microsoftonline.com',
        })

    async def _entra_devicecode(self, request):
        tenant = request.match_info['tenant']
        if tenant.lower() not in ENTRA_TENANTS:
            return self._unknown_tenant(tenant)
        form = await request.post()
        for field in ('client_id', 'scope'):
            if not form.get(field):
                return self._entra_error(
                    'invalid_request', 900144,
                    f"The request body must contain the following parameter: '{field}'.")
        with self._lock:
            now = self.clock.now()
            self._purge_old_records(now)
            user_code = self._new_user_code()
            code = DeviceCode(
                device_code=self._new_token('DAQABIQEAAAB', 96), user_code=user_code,
                tenant=tenant, client_id=form['client_id'], scopes=form['scope'].split(),
                issued_at=now, expires_at=now + self.device_code_lifetime)
            self._device_codes[code.device_code] = code
            self._user_codes[user_code] = code
        return web.json_response({
            'user_code': user_code,
            'device_code': code.device_code,
            'verification_uri': MICROSOFT_VERIFICATION_URI,
            'expires_in': int(self.device_code_lifetime),
            'interval': self.poll_interval,
            'message': (f'To sign in, use a web browser to open the page '
                        f'{MICROSOFT_VERIFICATION_URI} and enter the code {user_code} '
                        'to authenticate.'),
        })

    def _new_user_code(self):
        while True:
            code = ''.join(secrets.choice(USER_CODE_ALPHABET) for position in range(9))
            if code not in self._user_codes:
                return code

    def _auto_approve(self, code, now):
        # The demo's "person": approves each code some seconds after it was shown.
        if (code.status == 'pending' and self.auto_approve_seconds is not None
                and now >= code.issued_at + self.auto_approve_seconds
                and code.issued_at + self.auto_approve_seconds < code.expires_at):
            code.status, code.user = 'approved', DEFAULT_MICROSOFT_USER

    def _find_user_code(self, user_code):
        """The pending code a person typed (case, spaces and dashes ignored)."""
        typed = ''.join(ch for ch in str(user_code).upper() if ch.isalnum())
        code = self._user_codes.get(typed)
        if code is None:
            raise CloudError('invalid_user_code', f'unknown user code {typed!r}')
        now = self.clock.now()
        self._auto_approve(code, now)
        if now >= code.expires_at:
            raise CloudError('expired_user_code', f'user code {typed} has expired')
        if code.status != 'pending':
            raise CloudError('used_user_code', f'user code {typed} was already {code.status}')
        return code

    async def _entra_token(self, request):
        tenant = request.match_info['tenant']
        if tenant.lower() not in ENTRA_TENANTS:
            return self._unknown_tenant(tenant)
        form = await request.post()
        grant_type = form.get('grant_type', '')
        with self._lock:
            self._purge_old_records(self.clock.now())
            if grant_type == 'urn:ietf:params:oauth:grant-type:device_code':
                return self._entra_device_code_grant(form)
            if grant_type == 'refresh_token':
                return self._entra_refresh_grant(form)
        return self._entra_error('unsupported_grant_type', 70003,
                                 f"The app requested an unsupported grant type '{grant_type}'.")

    def _entra_device_code_grant(self, form):
        # msal sends the device code both as device_code and as code.
        code = self._device_codes.get(form.get('device_code') or form.get('code') or '')
        if code is None or code.status == 'redeemed' or code.client_id != form.get('client_id'):
            return self._entra_error('bad_verification_code', 70018,
                                     'The provided value for the input parameter '
                                     "'device_code' is not valid.")
        now = self.clock.now()
        self._auto_approve(code, now)
        if now >= code.expires_at:
            return self._entra_error('expired_token', 70019,
                                     'Verification code expired.')
        if code.status == 'declined':
            return self._entra_error('authorization_declined', 70000,
                                     'The user declined the authorization request.')
        if code.status == 'pending':
            # Generous slack, since a loaded fleet delays some polls more than others.
            too_fast = code.last_poll is not None and now - code.last_poll < self.poll_interval / 2
            code.last_poll = now
            if too_fast:
                return self._entra_error('slow_down', None,
                                         'The client is polling too quickly and should back off.')
            return self._entra_error('authorization_pending', 70016,
                                     'OAuth 2.0 device flow error. Authorization is pending. '
                                     'Continue polling.')
        code.status = 'redeemed'
        grant = Grant('microsoft', code.user, code.client_id, self._entra_scope(code.scopes), now,
                      tenant=code.tenant)
        self._grants.append(grant)
        return self._entra_tokens(grant, code.scopes, now)

    @staticmethod
    def _entra_scope(scopes):
        resource_scopes = [s for s in scopes if s not in OIDC_SCOPES]
        return ' '.join(resource_scopes or ['openid', 'profile'])

    def _entra_tokens(self, grant, scopes, now):
        access_token = self._new_token('EwB', 96)
        self._access_tokens[access_token] = AccessToken(grant, now + self.access_token_lifetime)
        body = {
            'token_type': 'Bearer',
            'scope': grant.scope,
            'expires_in': int(self.access_token_lifetime),
            'ext_expires_in': int(self.access_token_lifetime),
            'access_token': access_token,
        }
        if 'offline_access' in scopes:
            refresh_token = self._new_token('1.AQEA', 96)
            self._refresh_tokens[refresh_token] = RefreshToken(grant, now)
            body['refresh_token'] = refresh_token
        if 'openid' in scopes:
            tenant_id = ENTRA_TENANTS.get(grant.tenant.lower()) or CONTOSO_TENANT_ID
            object_id = _user_object_id(grant.user)
            claims = {
                'aud': grant.client_id,
                'iss': f'https://{MICROSOFT_LOGIN_HOST}/{tenant_id}/v2.0',
                'iat': int(now), 'nbf': int(now), 'exp': int(now + self.access_token_lifetime),
                'name': grant.user.split('@')[0], 'oid': object_id,
                'preferred_username': grant.user, 'sub': _b64url(object_id.encode())[:43],
                'tid': tenant_id, 'ver': '2.0',
            }
            # Unsigned: msal does not validate id tokens, it only reads the claims.
            body['id_token'] = '.'.join([_b64url(b'{"typ":"JWT","alg":"none"}'),
                                         _b64url(json.dumps(claims).encode()), ''])
            body['client_info'] = _b64url(json.dumps({'uid': object_id,
                                                      'utid': tenant_id}).encode())
        return web.json_response(body)

    def _entra_refresh_grant(self, form):
        record = self._refresh_tokens.get(form.get('refresh_token', ''))
        if record is None or record.grant.provider != 'microsoft' \
                or record.grant.client_id != form.get('client_id'):
            return self._entra_error('invalid_grant', 9002313,
                                     'Invalid request. Request is malformed or invalid.')
        now = self.clock.now()
        if record.grant.revoked:
            return self._entra_error('invalid_grant', 50173,
                                     'The provided grant has expired due to it being revoked, '
                                     'a fresh auth token is needed.')
        inactive = now - record.last_used
        if inactive > ENTRA_REFRESH_INACTIVITY:
            issued = datetime.datetime.fromtimestamp(record.last_used, datetime.timezone.utc)
            return self._entra_error(
                'invalid_grant', 700082,
                f"The refresh token has expired due to inactivity. The token was issued on "
                f"{issued.isoformat()} and was inactive for 90.00:00:00.")
        record.last_used = now
        scopes = form.get('scope', '').split() or ['offline_access']
        # Entra hands out a new refresh token each time; the old one stays usable.
        scopes = list(dict.fromkeys(scopes + ['offline_access']))
        return self._entra_tokens(record.grant, scopes, now)

    async def _devicelogin_page(self, request):
        return self._devicelogin_code_form()

    def _devicelogin_code_form(self, error=''):
        notice = (f'<p class="error" role="alert">{html.escape(error, quote=False)}</p>'
                  if error else '')
        return _page('Enter code', (
            '<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>'
            f'{notice}<form method="post" action="/devicelogin">'
            '<input type="text" name="otc" placeholder="Code" autocomplete="off" required>'
            '<button type="submit">Next</button></form>'))

    async def _devicelogin_post(self, request):
        form = await request.post()
        with self._lock:
            try:
                code = self._find_user_code(form.get('otc', ''))
            except CloudError as error:
                message = ('The code you entered has expired. Get a new code from the device '
                           "you're trying to sign in to and try again."
                           if error.error == 'expired_user_code'
                           else "That code didn't work. Check the code and try again.")
                return self._devicelogin_code_form(message)
            decision = form.get('decision')
            if decision not in ('approve', 'decline'):
                return self._devicelogin_confirm_form(code)
            user = form.get('login') or DEFAULT_MICROSOFT_USER
            self.approve(code.user_code, decline=decision == 'decline', user=user)
        if decision == 'decline':
            return _page('Sign-in declined', (
                '<h1>Sign-in declined</h1><p>You have declined to sign in to the application '
                'on your device. You may now close this window.</p>'))
        return _page('Signed in', (
            f'<h1>{html.escape(code.client_id)}</h1><p>You have signed in to the '
            f'{html.escape(code.client_id)} application on your device as '
            f'{html.escape(user)}. You may now close this window.</p>'))

    def _devicelogin_confirm_form(self, code):
        app_name = html.escape(code.client_id)
        return _page('Sign in', (
            f'<h1>Are you trying to sign in to {app_name}?</h1>'
            '<p>Only continue if you downloaded the app from a store or website that you trust.'
            '</p><form method="post" action="/devicelogin">'
            f'{_hidden_inputs({"otc": code.user_code})}'
            '<label>Sign in as <input type="email" name="login" '
            f'value="{html.escape(DEFAULT_MICROSOFT_USER)}"></label>'
            '<button type="submit" name="decision" value="approve">Continue</button>'
            '<button type="submit" name="decision" value="decline">Cancel</button></form>'))

    # ------------------------------------------------------------------ Google

    def _redirect_uri_registered(self, client, redirect_uri):
        if redirect_uri in client['redirect_uris']:
            return True
        asked = urlsplit(redirect_uri)
        try:
            asked.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            return False
        if asked.scheme != 'http' or asked.hostname not in LOOPBACK_HOSTS \
                or asked.query or asked.fragment:
            return False
        # Loopback redirects match whatever the port (RFC 8252 section 7.3), nothing else.
        for registered in map(urlsplit, client['redirect_uris']):
            if (registered.scheme, registered.hostname, registered.path or '/') == \
                    (asked.scheme, asked.hostname, asked.path or '/'):
                return True
        return False

    def _check_google_authorization(self, params):
        """The client of a valid authorization request; CloudError shown as Google's page."""
        client = self.google_clients.get(params.get('client_id', ''))
        if client is None:
            raise CloudError('invalid_client', 'The OAuth client was not found.')
        redirect_uri = params.get('redirect_uri', '')
        if not self._redirect_uri_registered(client, redirect_uri):
            raise CloudError('redirect_uri_mismatch',
                             f"You can't sign in to this app because it doesn't comply with "
                             f"Google's OAuth 2.0 policy. redirect_uri={redirect_uri}")
        if params.get('response_type') != 'code':
            raise CloudError('unsupported_response_type',
                             f"Invalid response_type: {params.get('response_type', '')}")
        scopes = params.get('scope', '').split()
        if not scopes or not set(scopes) <= GOOGLE_KNOWN_SCOPES:
            raise CloudError('invalid_scope', f"Some requested scopes were invalid: "
                                              f"{params.get('scope', '')}")
        if params.get('code_challenge_method', 'plain') not in ('plain', 'S256'):
            raise CloudError('invalid_request', 'Invalid code_challenge_method.')
        return client

    def _google_consent(self, params, allow, user):
        with self._lock:
            self._check_google_authorization(params)
            redirect_uri = params['redirect_uri']
            answer = {'state': params['state']} if 'state' in params else {}
            if not allow:
                answer['error'] = 'access_denied'
                code = None
            else:
                code = self._new_token('4/0A', 54)
                self._authorization_codes[code] = AuthorizationCode(
                    client_id=params['client_id'], redirect_uri=redirect_uri,
                    scope=params['scope'], user=user,
                    expires_at=self.clock.now() + GOOGLE_CODE_LIFETIME,
                    code_challenge=params.get('code_challenge'),
                    code_challenge_method=params.get('code_challenge_method', 'plain'))
                answer.update(code=code, scope=params['scope'])
            separator = '&' if '?' in redirect_uri else '?'
            # Slashes stay readable, as in Google's redirects: people copy the code by hand.
            query = urlencode(answer, safe='/:', quote_via=quote)
            return {'redirect_url': f'{redirect_uri}{separator}{query}', 'code': code}

    def _google_error_page(self, error):
        status = 401 if error.error == 'invalid_client' else 400
        response = _page('Error', (
            '<h1>Access blocked: This app\'s request is invalid</h1>'
            f'<p>{html.escape(error.description)}</p>'
            f'<p class="error">Error {status}: {html.escape(error.error)}</p>'))
        response.set_status(status)
        return response

    async def _google_auth_page(self, request):
        params = dict(request.query)
        with self._lock:
            try:
                client = self._check_google_authorization(params)
            except CloudError as error:
                return self._google_error_page(error)
        warning = ("<p class=\"warning\">Google hasn't verified this app. Only test users "
                   'can continue.</p>' if client['testing'] else '')
        return _page('Sign in - Google Accounts', (
            f'<h1>{html.escape(params["client_id"])} wants to access your Google Account</h1>'
            f'{warning}<form method="post" action="/o/oauth2/v2/auth">{_hidden_inputs(params)}'
            '<label>Account <input type="email" name="login" '
            f'value="{html.escape(DEFAULT_GOOGLE_USER)}"></label>'
            '<p>This will allow the app to: Read, compose, send, and permanently delete all '
            'your email from Gmail.</p>'
            '<button type="submit" name="decision" value="deny">Cancel</button>'
            '<button type="submit" name="decision" value="allow">Allow</button></form>'))

    async def _google_auth_post(self, request):
        form = await request.post()
        params = {k: v for k, v in form.items() if k not in ('decision', 'login')}
        try:
            answer = self._google_consent(params, form.get('decision') == 'allow',
                                          form.get('login') or DEFAULT_GOOGLE_USER)
        except CloudError as error:
            return self._google_error_page(error)
        raise web.HTTPFound(answer['redirect_url'])

    @staticmethod
    def _google_error(error, description, status=400):
        return web.json_response({'error': error, 'error_description': description},
                                 status=status)

    @staticmethod
    def _client_credentials(request, form):
        header = request.headers.get('Authorization', '')
        if header.startswith('Basic '):
            try:
                client_id, separator, secret = base64.b64decode(header[6:]).decode().partition(':')
                return client_id, secret
            except ValueError:
                return '', ''
        return form.get('client_id', ''), form.get('client_secret', '')

    async def _google_token(self, request):
        form = await request.post()
        client_id, client_secret = self._client_credentials(request, form)
        client = self.google_clients.get(client_id)
        if client is None:
            return self._google_error('invalid_client', 'The OAuth client was not found.', 401)
        if not secrets.compare_digest(client_secret.encode(), client['client_secret'].encode()):
            return self._google_error('invalid_client', 'Unauthorized', 401)
        grant_type = form.get('grant_type', '')
        with self._lock:
            self._purge_old_records(self.clock.now())
            if grant_type == 'authorization_code':
                return self._google_code_grant(client_id, client, form)
            if grant_type == 'refresh_token':
                return self._google_refresh_grant(client_id, form)
        return self._google_error('unsupported_grant_type', f'Invalid grant_type: {grant_type}')

    def _google_code_grant(self, client_id, client, form):
        record = self._authorization_codes.get(form.get('code', ''))
        now = self.clock.now()
        if record is None:
            return self._google_error('invalid_grant', 'Malformed auth code.')
        if record.used or now >= record.expires_at or record.client_id != client_id:
            return self._google_error('invalid_grant', 'Bad Request')
        if form.get('redirect_uri') != record.redirect_uri:
            return self._google_error('redirect_uri_mismatch', 'Bad Request')
        if record.code_challenge:
            verifier = form.get('code_verifier')
            if not verifier:
                return self._google_error('invalid_grant', 'Missing code verifier.')
            if record.code_challenge_method == 'S256':
                verifier = _b64url(hashlib.sha256(verifier.encode()).digest())
            if not secrets.compare_digest(verifier.encode(), record.code_challenge.encode()):
                return self._google_error('invalid_grant', 'Invalid code verifier.')
        record.used = True
        grant = Grant('google', record.user, client_id, record.scope, now,
                      testing=client['testing'])
        self._grants.append(grant)
        refresh_token = self._new_token('1//0', 72)
        self._refresh_tokens[refresh_token] = RefreshToken(grant, now)
        body = self._google_access_token(grant, now)
        body['refresh_token'] = refresh_token
        if grant.testing:
            body['refresh_token_expires_in'] = GOOGLE_TESTING_REFRESH_LIFETIME - 1
        return web.json_response(body)

    def _google_access_token(self, grant, now):
        access_token = self._new_token('ya29.a0', 96)
        self._access_tokens[access_token] = AccessToken(grant, now + self.access_token_lifetime)
        return {'access_token': access_token, 'expires_in': int(self.access_token_lifetime),
                'scope': grant.scope, 'token_type': 'Bearer'}

    def _google_refresh_grant(self, client_id, form):
        record = self._refresh_tokens.get(form.get('refresh_token', ''))
        if record is None or record.grant.provider != 'google' \
                or record.grant.client_id != client_id:
            return self._google_error('invalid_grant', 'Bad Request')
        grant, now = record.grant, self.clock.now()
        if (grant.revoked
                or (grant.testing and now - grant.issued_at >= GOOGLE_TESTING_REFRESH_LIFETIME)
                or now - record.last_used > GOOGLE_REFRESH_INACTIVITY):
            return self._google_error('invalid_grant', 'Token has been expired or revoked.')
        record.last_used = now
        return web.json_response(self._google_access_token(grant, now))

    async def _google_revoke(self, request):
        form = await request.post()
        token = form.get('token') or request.query.get('token', '')
        with self._lock:
            record = self._access_tokens.get(token) or self._refresh_tokens.get(token)
            if record is None or record.grant.provider != 'google' or record.grant.revoked:
                return self._google_error('invalid_token', 'Token expired or revoked')
            # Revoking either token ends the whole grant, as with Google.
            record.grant.revoked = True
        return web.json_response({})
