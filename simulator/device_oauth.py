"""The printer's own OAuth 2.0 client, speaking real HTTPS to the fake clouds.

The printer keeps the real authority names (login.microsoftonline.com, oauth2.googleapis.com);
``CloudClient`` resolves exactly those names to the local cloud listener, so nothing else is
reachable. One ``DeviceOAuth`` per printer and provider holds the settings, the connection check
and the token; it starts a task only while checking a connection or waiting for a user code.
"""

import asyncio
import socket
import ssl
from urllib.parse import urlencode

import aiohttp
from aiohttp.abc import AbstractResolver

from .tls import CLOUD_HOSTNAMES

# The application ID built into the firmware: the device registers no app of its own.
DEVICE_APP_ID = '3c6e3b5a-0d8f-4b6e-9f1a-7a2d5c8e4b10'
MICROSOFT_SCOPE = 'https://outlook.office.com/SMTP.Send offline_access'
DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
GOOGLE_AUTHORIZATION_URL = 'https://accounts.google.com/o/oauth2/v2/auth'
GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token'
GOOGLE_REDIRECT_URI = 'http://127.0.0.1/oauth2callback'
GOOGLE_SCOPE = 'https://mail.google.com/'

# Settings of a fresh device, per provider: the keys of the profile's ``fields``.
DEFAULT_SETTINGS = {
    'enabled': False,
    'verify_server_certificate': True,
    'add_cn_to_verification': False,
    'authority_url': '',
    'client_id': '',
    'client_secret': '',
}
# Changing one of these invalidates the token (Canon: authorize again).
TOKEN_BINDING_SETTINGS = ('enabled', 'authority_url', 'client_id')

# Error details the device shows (index 0 English, 1 French), besides profiles.MESSAGES.
DEVICE_MESSAGES = {
    'code_expired': ['The user code has expired. Authorize again.',
                     "Le code utilisateur a expiré. Recommencez l'autorisation."],
    'declined': ['The authorization was declined.', "L'autorisation a été refusée."],
    'unreachable': ['Could not connect to the authorization server.',
                    "Impossible de se connecter au serveur d'autorisation."],
    'refresh_failed': ['The token could not be renewed. Authorize again.',
                       "Le jeton n'a pas pu être renouvelé. Recommencez l'autorisation."],
    'not_enabled': ['OAuth 2.0 is not enabled.', "OAuth 2.0 n'est pas activé."],
}


class Unreachable(Exception):
    """The authority could not be reached (name, connection or TLS failure, timeout)."""


class CloudResolver(AbstractResolver):
    """Resolves the cloud host names to the local cloud listener and nothing else."""

    def __init__(self, address):
        self.host, self.port = address

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if host not in CLOUD_HOSTNAMES:
            raise OSError(f'no address for {host}')
        return [{'hostname': host, 'host': self.host, 'port': self.port,
                 'family': socket.AF_INET, 'proto': 0, 'flags': socket.AI_NUMERICHOST}]

    async def close(self):
        pass


class CloudClient:
    """One HTTPS client for the whole fleet; each request carries its printer's TLS policy."""

    def __init__(self, cloud_address, ca_path, timeout=10):
        self.cloud_address = cloud_address
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        chain_only = ssl.create_default_context(cafile=ca_path)
        chain_only.check_hostname = False
        # verify_server_certificate -> add_cn_to_verification -> policy
        self.tls = {False: {False: False, True: False},
                    True: {False: chain_only, True: ssl.create_default_context(cafile=ca_path)}}
        self._session = None

    def session(self):
        if self._session is None:
            connector = aiohttp.TCPConnector(resolver=CloudResolver(self.cloud_address), limit=200)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self.timeout,
                                                  trust_env=False)
        return self._session

    async def request(self, method, url, settings, data=None):
        """Answers (HTTP status, JSON body or {}); raises Unreachable."""
        policy = self.tls[settings['verify_server_certificate']][settings['add_cn_to_verification']]
        try:
            async with self.session().request(method, url, data=data, ssl=policy) as response:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = {}
                return response.status, body if isinstance(body, dict) else {}
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            raise Unreachable(str(error)) from error

    async def close(self):
        if self._session is not None:
            await self._session.close()


def discovery_url(authority_url):
    """https://host/<tenant>/oauth2/v2.0 -> https://host/<tenant>/v2.0/.well-known/openid-configuration"""
    base = authority_url.rstrip('/')
    if base.endswith('/oauth2/v2.0'):
        base = base[:-len('/oauth2/v2.0')]
    return base + '/v2.0/.well-known/openid-configuration'


def google_authorization_url(client_id):
    return GOOGLE_AUTHORIZATION_URL + '?' + urlencode({
        'client_id': client_id, 'redirect_uri': GOOGLE_REDIRECT_URI, 'response_type': 'code',
        'scope': GOOGLE_SCOPE, 'access_type': 'offline', 'prompt': 'consent'})


class DeviceOAuth:
    """Settings, connection status and token of one provider on one printer."""

    def __init__(self, provider, setting_keys, clock, cloud, settle_seconds):
        self.provider = provider
        self.clock = clock
        self.cloud = cloud
        self.settle_seconds = settle_seconds
        self.settings = {key: DEFAULT_SETTINGS[key] for key in setting_keys}
        self.reachable = None       # result of the last connection check
        self.settle_at = 0.0
        self.status = 'inactive'    # normalized token status
        self.error = None           # key of DEVICE_MESSAGES / MESSAGES, or a text from the cloud
        self.pending = None         # Microsoft user code being authorized
        self.token = None           # {'access_token', 'refresh_token', 'expires_at'}
        self.refreshed_at = None    # when the last access token was issued (authorization or refresh)
        self.refresh_expires_at = None  # end of the refresh token, when the cloud said (Google testing clients)
        self._tasks = {}            # 'check' / 'poll' -> asyncio.Task
        self._refreshing = None

    # ----- state shown on the pages
    def connection_status(self):
        if not self.settings['enabled'] or self.reachable is None or self.clock.now() < self.settle_at:
            return 'unknown'
        return 'connected' if self.reachable else 'not_connected'

    def snapshot(self):
        """Token state for the control interface: no token, code or secret values."""
        state = {'status': self.status, 'error': self.error,
                 'connection_status': self.connection_status()}
        if self.pending:
            state.update({key: self.pending[key] for key in ('user_code', 'verification_uri', 'expires_at')})
        if self.token:
            state.update(access_token_expires_at=self.token['expires_at'], refreshed_at=self.refreshed_at,
                         refresh_token_expires_at=self.refresh_expires_at)
        return state

    # ----- settings
    def apply(self, settings):
        """Store saved settings: drop the token if its binding changed, re-check the connection."""
        if any(settings.get(key) != self.settings.get(key) for key in TOKEN_BINDING_SETTINGS):
            self.drop()
        self.settings = settings
        self.reachable = None
        self.settle_at = self.clock.now() + self.settle_seconds
        if settings['enabled']:
            self._start('check', self._check_connection())
        else:
            self._cancel('check')

    def drop(self):
        """Forget the token and any authorization in progress."""
        self._cancel('poll')
        self.status, self.error, self.pending, self.token = 'inactive', None, None, None

    def _start(self, name, coroutine):
        self._cancel(name)
        task = self._tasks[name] = asyncio.get_running_loop().create_task(coroutine)
        task.add_done_callback(lambda done: self._tasks.get(name) is done and self._tasks.pop(name))

    def _cancel(self, name):
        task = self._tasks.pop(name, None)
        if task:
            task.cancel()

    def close(self):
        for name in list(self._tasks):
            self._cancel(name)

    async def _check_connection(self):
        try:
            if self.provider == 'microsoft':
                status, document = await self.cloud.request(
                    'GET', discovery_url(self.settings['authority_url']), self.settings)
                self.reachable = status == 200
            else:
                await self.cloud.request('POST', GOOGLE_TOKEN_URL, self.settings, data={})
                self.reachable = True   # any answer from the token endpoint will do
        except Unreachable:
            self.reachable = False

    # ----- tokens
    def _grant(self, body):
        now = self.clock.now()
        if body.get('refresh_token'):
            # A new refresh token; Google says how long it lives for a client in testing status.
            lifetime = body.get('refresh_token_expires_in')
            self.refresh_expires_at = now + float(lifetime) if lifetime else None
        self.refreshed_at = now
        self.token = {'access_token': body.get('access_token'),
                      'refresh_token': body.get('refresh_token') or (self.token or {}).get('refresh_token'),
                      'expires_at': self.clock.now() + float(body.get('expires_in', 3599))}
        self.status, self.error, self.pending = 'active', None, None

    def _fail(self, status, error):
        self.status, self.error, self.pending = status, error, None
        if status != 'active':
            self.token = None

    async def _token_endpoint(self):
        if self.provider == 'google':
            return GOOGLE_TOKEN_URL
        status, discovery = await self.cloud.request('GET', discovery_url(self.settings['authority_url']),
                                                     self.settings)
        if status != 200 or 'token_endpoint' not in discovery:
            raise Unreachable(f'discovery answered {status}')
        return discovery['token_endpoint']

    async def refresh_if_due(self):
        """Renew an expired access token, as the device does before sending mail."""
        if self.status != 'active' or self.clock.now() < self.token['expires_at']:
            return
        if self._refreshing is None:
            self._refreshing = asyncio.ensure_future(self._refresh())
            self._refreshing.add_done_callback(lambda _: setattr(self, '_refreshing', None))
        await asyncio.shield(self._refreshing)

    async def _refresh(self):
        form = {'grant_type': 'refresh_token', 'client_id': self._client_id(),
                'refresh_token': self.token['refresh_token']}
        if self.provider == 'google':
            form['client_secret'] = self.settings['client_secret']
        else:
            form['scope'] = MICROSOFT_SCOPE
        try:
            status, body = await self.cloud.request('POST', await self._token_endpoint(), self.settings, form)
        except Unreachable:
            return      # try again on the next use; the token stays as it is
        if status == 200 and body.get('access_token'):
            self._grant(body)
        else:
            self._fail('expired', 'refresh_failed')

    def _client_id(self):
        return DEVICE_APP_ID if self.provider == 'microsoft' else self.settings['client_id']

    # ----- Microsoft: device authorization grant
    async def start_device_authorization(self):
        """Get a user code unless one is still valid, then poll for the token in the background."""
        if not self.settings['enabled']:
            self.error = 'not_enabled'
            return
        if self.pending and self.clock.now() < self.pending['expires_at']:
            return
        try:
            status, discovery = await self.cloud.request('GET', discovery_url(self.settings['authority_url']),
                                                         self.settings)
            if status != 200:
                raise Unreachable(f'discovery answered {status}')
            status, body = await self.cloud.request(
                'POST', discovery['device_authorization_endpoint'], self.settings,
                {'client_id': DEVICE_APP_ID, 'scope': MICROSOFT_SCOPE})
        except (Unreachable, KeyError):
            self.error = 'unreachable'
            return
        if status != 200 or 'device_code' not in body:
            self.error = body.get('error_description') or body.get('error') or 'unreachable'
            return
        self.pending = {
            'device_code': body['device_code'], 'user_code': body['user_code'],
            'verification_uri': body.get('verification_uri'), 'message': body.get('message', ''),
            'expires_at': self.clock.now() + float(body.get('expires_in', 900)),
            'interval': float(body.get('interval', 5)),
            'token_endpoint': discovery['token_endpoint'],
        }
        self.status, self.error = 'authorizing', None
        self._start('poll', self._poll(self.pending))

    async def _poll(self, pending):
        interval = pending['interval']
        form = {'grant_type': DEVICE_CODE_GRANT, 'client_id': DEVICE_APP_ID,
                'device_code': pending['device_code'], 'code': pending['device_code']}
        while True:
            await asyncio.sleep(interval)
            try:
                status, body = await self.cloud.request('POST', pending['token_endpoint'], self.settings, form)
            except Unreachable:
                if self.clock.now() >= pending['expires_at']:
                    return self._fail('inactive', 'code_expired')
                continue
            error = body.get('error')
            if status == 200 and body.get('access_token'):
                return self._grant(body)
            if error == 'authorization_pending':
                continue
            if error == 'slow_down':
                interval += 5   # RFC 8628 section 3.5
                continue
            if error == 'expired_token':
                return self._fail('inactive', 'code_expired')
            if error in ('authorization_declined', 'access_denied'):
                return self._fail('inactive', 'declined')
            return self._fail('inactive', body.get('error_description') or error or f'HTTP {status}')

    # ----- Google: authorization code with loopback redirect
    def authorization_url(self):
        return google_authorization_url(self.settings['client_id'])

    async def redeem(self, code):
        """Exchange the code the person copied from the browser."""
        if not self.settings['enabled']:
            self.error = 'not_enabled'
            return
        form = {'grant_type': 'authorization_code', 'code': code, 'client_id': self.settings['client_id'],
                'client_secret': self.settings['client_secret'], 'redirect_uri': GOOGLE_REDIRECT_URI}
        try:
            status, body = await self.cloud.request('POST', GOOGLE_TOKEN_URL, self.settings, form)
        except Unreachable:
            return self._fail('error', 'unreachable')
        if status == 200 and body.get('access_token'):
            return self._grant(body)
        error = body.get('error')
        self._fail('error', 'code_rejected' if error == 'invalid_grant'
                   else body.get('error_description') or error or f'HTTP {status}')
