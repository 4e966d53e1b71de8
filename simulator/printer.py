"""One simulated printer: the Remote UI of its family, in its UI language.

Everything the client relies on (paths, field names, labels, status words, messages, markup) comes
from the collection's profile files in profiles/*.yml, resolved (extends, merge, schema) by the
collection's own plugins/plugin_utils/device_profiles.py, read here by path so the collection never
depends on the simulator. docs/device-contract.md describes the behaviour.
"""

import asyncio
import hashlib
import html
import importlib.util
import secrets
import socket
import struct
from pathlib import Path

from aiohttp import web

from .device_oauth import DEVICE_MESSAGES, DeviceOAuth
from .mail_pages import DeviceMail, device_time_text

_spec = importlib.util.spec_from_file_location(
    'printfleet_device_profiles', Path(__file__).resolve().parent.parent / 'plugins/plugin_utils/device_profiles.py')
device_profiles = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(device_profiles)


class _Profiles:
    """The resolved built-in profiles, and the shared words every built-in profile extends."""

    def __init__(self):
        self.PROFILES = {name: device_profiles.resolve_profile(name) for name in device_profiles.profile_names()}
        # Labels, status words and messages are per profile now; the built-in ones share them.
        base = next(iter(self.PROFILES.values()))
        self.LABELS = base['labels']
        self.STATUS_VALUES = base['status_values']
        self.MESSAGES = base['messages']
        self.DURATION_PATTERN = base['duration_pattern']


profiles = _Profiles()

LANGUAGES = ('en', 'fr')   # index into every [English, French] list of the profiles
LOCKOUT_FAILURES = 5
LOCKOUT_SECONDS = 300

# What the profiles do not describe because the client never reads it: page furniture.
FAMILY_LOOK = {
    'imagerunner_advance': {'model': 'iR-ADV C5535', 'server': 'CANON HTTP Server', 'portal': '/rps/'},
    'isensys_mf': {'model': 'MF746Cx', 'server': 'KS_HTTP', 'portal': '/portal_top.html'},
}
TEXT = {
    'login': ['Login', 'Connexion'],
    'system_manager_id': ['System Manager ID', "ID du responsable système"],
    'pin': ['System Manager PIN', 'PIN du responsable système'],
    'log_in': ['Log In', 'Connexion'],
    'log_out': ['Log Out', 'Déconnexion'],
    'portal': ['Portal', 'Portail'],
    'settings': ['Settings/Registration', 'Réglages/Enregistrement'],
    'send': ['Send', 'Envoi'],
    'microsoft': ['OAuth 2.0 (Microsoft) Settings', 'Réglages OAuth 2.0 (Microsoft)'],
    'google': ['OAuth 2.0 Settings (Google)', 'Réglages OAuth 2.0 (Google)'],
    'basic_settings': ['Basic Settings', 'Réglages de base'],
    'edit': ['Edit', 'Modifier'],
    'edit_basic': ['Edit Basic Settings', 'Modifier les réglages de base'],
    'authorization_info': ['Information for Authorization', "Informations pour l'autorisation"],
    'register': ['Register', 'Mémoriser'],
    'register_title': ['Register Authorization Information', "Mémoriser les informations d'autorisation"],
    'authorize': ['Authorize', 'Autoriser'],
    'ok': ['OK', 'OK'],
    'on': ['On', 'Activé'],
    'off': ['Off', 'Désactivé'],
    'error': ['ERR: The settings could not be applied. Reload the page and try again.',
              'ERR : les réglages n\u2019ont pas pu être appliqués. Rechargez la page et réessayez.'],
    'server_error': ['Internal Server Error', 'Erreur interne du serveur'],
    # captions of the settings inputs, by profile field key
    'enabled': {'microsoft': ['Use OAuth 2.0 (Microsoft)', 'Utiliser OAuth 2.0 (Microsoft)'],
                'google': ['Use OAuth 2.0 (Google)', 'Utiliser OAuth 2.0 (Google)']},
    'verify_server_certificate': ['Verify Server Certificate', 'Vérifier le certificat du serveur'],
    'add_cn_to_verification': ['Add CN to Verification Items',
                               'Ajouter CN à la liste des éléments à vérifier'],
    'authority_url': ['Microsoft Entra ID Authorization Server Endpoint', 'Microsoft Entra ID'],
    'client_id': ['Client ID', 'N° client'],
    'client_secret': ['Client Secret', 'Secret du client'],
    'change_secret': ['Change Client Secret', 'Modifier le secret du client'],
    'authorization_code': ['Authorization Code', "Code d'autorisation"],
}
CHECKBOXES = ('enabled', 'verify_server_certificate', 'add_cn_to_verification')


class Session:
    __slots__ = ('last_seen', 'form_token')

    def __init__(self, now):
        self.last_seen = now
        self.form_token = None


class Printer:
    def __init__(self, name, address, family, language, provider, *, username, password, clock, cloud,
                 settle_seconds=2.0, idle_timeout=300.0, session_limit=2, foreign_cert=False, submission=None):
        self.name, self.address, self.port = name, address, None
        self.family, self.language, self.provider = family, language, provider
        self.profile = profiles.PROFILES[family]
        self.look = FAMILY_LOOK[family]
        self.lang = LANGUAGES.index(language)
        self.username, self.password = username, password
        self.clock = clock
        self.idle_timeout, self.session_limit = idle_timeout, session_limit
        self.foreign_cert = foreign_cert
        self.oauth = {
            provider_name: DeviceOAuth(provider_name, [key for key in spec['fields'] if key != 'authorization_code'],
                                       clock, cloud, settle_seconds)
            for provider_name, spec in self.profile['providers'].items()}
        self.sessions = {}
        self.consecutive_failures, self.locked_until = 0, 0.0
        self.clock_offset = 0.0
        self.server = None
        self.mail = DeviceMail(self, submission)
        self.routes = self._routes()
        self.reset()

    # ----- control interface
    def reset(self):
        self.counters = dict.fromkeys(('writes', 'logins', 'failed_logins', 'requests'), 0)
        self.faults = {'latency': 0.0, 'http_500': 0, 'drop': 0, 'busy': 0, 'offline_until': 0.0}
        if self.server is not None and not self.server.is_serving():
            asyncio.get_running_loop().create_task(self.listen())

    def describe(self):
        return {'name': self.name, 'address': self.address, 'port': self.port, 'family': self.family,
                'language': self.language, 'provider': self.provider, 'foreign_cert': self.foreign_cert}

    def state(self):
        settings = {}
        for provider, oauth in self.oauth.items():
            settings[provider] = {key: value for key, value in oauth.settings.items() if key != 'client_secret'}
            if 'client_secret' in oauth.settings:
                secret = oauth.settings['client_secret']
                settings[provider]['client_secret_sha256'] = (
                    hashlib.sha256(secret.encode()).hexdigest() if secret else None)
        return {**self.describe(), 'settings': settings,
                'token': {provider: oauth.snapshot() for provider, oauth in self.oauth.items()},
                'counters': {**self.counters, 'open_sessions': self.open_sessions()},
                'mail': self.mail.state(), 'faults': self.faults, 'clock_offset': self.clock_offset,
                'idle_timeout': self.idle_timeout, 'session_limit': self.session_limit}

    async def refresh_tokens(self):
        for oauth in self.oauth.values():
            await oauth.refresh_if_due()

    def set_faults(self, faults):
        for key in ('latency', 'http_500', 'drop', 'busy'):
            if key in faults:
                self.faults[key] = type(self.faults[key])(faults[key])
        if faults.get('expire_sessions'):
            self.sessions.clear()
        if faults.get('offline'):
            self.go_offline(float(faults['offline']))

    def change_device_clock(self, seconds):
        self.clock_offset += float(seconds)
        for oauth in self.oauth.values():
            oauth.drop()

    def open_sessions(self):
        self._expire_idle_sessions()
        return len(self.sessions)

    def close(self):
        for oauth in self.oauth.values():
            oauth.close()
        if self.server is not None:
            self.server.close()

    # ----- listener
    async def listen(self, protocol_factory=None, ssl_context=None):
        if protocol_factory is not None:
            self._listen_args = (protocol_factory, ssl_context)
        protocol_factory, ssl_context = self._listen_args
        self.server = await asyncio.get_running_loop().create_server(
            protocol_factory, self.address, self.port or 0, ssl=ssl_context, backlog=64, reuse_address=True)
        self.port = self.server.sockets[0].getsockname()[1]

    def go_offline(self, seconds):
        """Refuse connections for a while, as a printer that is switched off or rebooting."""
        self.faults['offline_until'] = self.clock.now() + seconds
        if self.server.is_serving():
            self.server.close()
            asyncio.get_running_loop().call_later(seconds, self._back_online)

    def _back_online(self):
        if self.server is not None and not self.server.is_serving():
            self.faults['offline_until'] = 0.0
            asyncio.get_running_loop().create_task(self.listen())

    # ----- HTTP
    def _routes(self):
        login, logout = self.profile['login']['path'], self.profile['logout']['path']
        routes = {('GET', '/'): self.login_page, ('GET', login): self.login_page, ('POST', login): self.login,
                  ('GET', logout): self.logout, ('GET', self.look['portal']): self.portal_page}
        for provider, spec in self.profile['providers'].items():
            routes[('GET', spec['status_path'])] = lambda request, p=provider: self.status_page(request, p)
            routes[('GET', spec['edit_path'])] = lambda request, p=provider: self.edit_page(request, p)
            routes[('POST', spec['edit_path'])] = lambda request, p=provider: self.save_settings(request, p)
            if 'authorize_path' in spec:
                routes[('GET', spec['authorize_path'])] = lambda request, p=provider: self.authorize_page(request, p)
            if 'register_path' in spec:
                routes[('GET', spec['register_path'])] = lambda request, p=provider: self.register_page(request, p)
                routes[('POST', spec['register_path'])] = lambda request, p=provider: self.register_code(request, p)
        routes.update(self.mail.routes())
        return routes

    async def handle(self, request):
        self.counters['requests'] += 1
        faults = self.faults
        if faults['drop'] or faults['offline_until']:
            if faults['drop']:
                faults['drop'] -= 1
            self._reset_connection(request)
            return web.Response(status=500)    # never reaches the client
        if faults['latency']:
            await asyncio.sleep(faults['latency'])
        if faults['busy']:
            faults['busy'] -= 1
            return self._html(self._page('', self._message('busy')), status=503)
        if faults['http_500']:
            faults['http_500'] -= 1
            return self._html(self._page('', f'<p>{self._t("server_error")}</p>'), status=500)
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return self._html(self._page('', '<p>404 Not Found</p>', menu=False), status=404)
        return await handler(request)

    @staticmethod
    def _reset_connection(request):
        sock = request.transport.get_extra_info('socket') if request.transport else None
        if sock is not None:
            # Linger 0: closing sends a TCP reset, as a crashing device does.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        if request.transport:
            request.transport.abort()

    # ----- sessions and login
    def _expire_idle_sessions(self):
        horizon = self.clock.now() - self.idle_timeout
        for session_id in [sid for sid, session in self.sessions.items() if session.last_seen < horizon]:
            del self.sessions[session_id]

    def _viewer(self, request):
        """The session of a page view: every view issues a new anti-forgery token."""
        session = self._session(request)
        if session is not None:
            session.form_token = str(secrets.randbits(60))
        return session

    def _session(self, request):
        self._expire_idle_sessions()
        session = self.sessions.get(request.cookies.get(self.profile['login']['session_cookie'], ''))
        if session is not None:
            session.last_seen = self.clock.now()
        return session

    def _to_login(self):
        return self._redirect(self.profile['login']['path'])

    async def login_page(self, request, message=None):
        login = self.profile['login']
        hidden = ''.join(self._hidden(name, value) for name, value in login['extra_fields'].items())
        note = self._message(message) if message else ''
        body = (f'{note}<form method="post" action="{login["path"]}" name="login">{hidden}'
                + self._rows([(self._t('system_manager_id'), f'<input type="text" name="{login["username_field"]}">'),
                              (self._t('pin'), f'<input type="password" name="{login["password_field"]}">')])
                + f'<input type="submit" value="{self._t("log_in")}"></form>')
        return self._html(self._page(self._t('login'), body, menu=False))

    async def login(self, request):
        form = await request.post()
        login = self.profile['login']
        now = self.clock.now()
        if now < self.locked_until:
            self.counters['failed_logins'] += 1
            return await self.login_page(request, 'locked_out')
        if (form.get(login['username_field']), form.get(login['password_field'])) != (self.username, self.password):
            self.counters['failed_logins'] += 1
            self.consecutive_failures += 1
            if self.consecutive_failures >= LOCKOUT_FAILURES:
                self.consecutive_failures, self.locked_until = 0, now + LOCKOUT_SECONDS
            return await self.login_page(request, 'login_failed')
        self.consecutive_failures = 0
        if self.open_sessions() >= self.session_limit:
            return await self.login_page(request, 'session_limit')
        session_id = secrets.token_hex(16)
        self.sessions[session_id] = Session(now)
        self.counters['logins'] += 1
        target = form.get('uri', '')
        response = self._redirect(target if target.startswith('/') else self.look['portal'])
        response.set_cookie(login['session_cookie'], session_id, path='/', httponly=True, secure=True)
        return response

    async def logout(self, request):
        self.sessions.pop(request.cookies.get(self.profile['login']['session_cookie'], ''), None)
        response = self._to_login()
        response.del_cookie(self.profile['login']['session_cookie'], path='/')
        return response

    # ----- pages
    async def portal_page(self, request):
        if not self._viewer(request):
            return self._to_login()
        return self._html(self._page(self._t('portal'), f'<p>{self.look["model"]}</p>'))

    async def status_page(self, request, provider):
        session = self._viewer(request)
        if not session:
            return self._to_login()
        oauth, spec = self.oauth[provider], self.profile['providers'][provider]
        await oauth.refresh_if_due()
        rows = []
        for key in oauth.settings:
            if key != 'client_secret':
                value = self._setting_text(oauth, key)
                if key == 'authority_url':      # the link next to the endpoint starts the authorization
                    value += f' <a href="{spec["authorize_path"]}">{self._t("authorize")}</a>'
                rows.append((self._caption(key, provider), value))
        body = (f'<h2>{self._t("basic_settings")}</h2><a href="{spec["edit_path"]}">{self._t("edit")}</a>'
                + self._rows(rows) + self._rows(self._oauth_rows(oauth)))
        if provider == 'google':
            body += (f'<h2>{self._t("authorization_info")}</h2>'
                     f'<a href="{spec["register_path"]}">{self._t("register")}</a>')
        return self._html(self._page(self._t(provider), body))

    async def edit_page(self, request, provider):
        session = self._viewer(request)
        if not session:
            return self._to_login()
        oauth, spec = self.oauth[provider], self.profile['providers'][provider]
        rows = []
        for key, value in oauth.settings.items():
            name = spec['fields'][key]
            if key in CHECKBOXES:
                checked = ' checked' if value else ''
                rows.append((self._caption(key, provider),
                             f'<input type="checkbox" name="{name}" value="{self.profile["checkbox"]["on"]}"{checked}>'))
            elif key == 'client_secret':   # never shown back
                rows.append((self._t(key), f'<input type="password" name="{name}" value="" autocomplete="off">'))
                flag = spec.get('secret_change_flag')
                if flag:
                    rows.append((self._t('change_secret'),
                                 f'<input type="checkbox" name="{flag["field"]}" value="{flag["value"]}">'))
            else:
                rows.append((self._t(key), f'<input type="text" name="{name}" value="{self._attr(value)}" maxlength="256">'))
        body = self._form(session, spec['edit_path'], self._rows(rows))
        return self._html(self._page(self._t('edit_basic'), body))

    async def authorize_page(self, request, provider):
        session = self._viewer(request)
        if not session:
            return self._to_login()
        oauth = self.oauth[provider]
        await oauth.start_device_authorization()
        return self._html(self._page(self._t(provider), self._rows(self._oauth_rows(oauth))))

    async def register_page(self, request, provider):
        session = self._viewer(request)
        if not session:
            return self._to_login()
        oauth, spec = self.oauth[provider], self.profile['providers'][provider]
        url = self._attr(oauth.authorization_url())
        rows = self._rows([(self._label('authorization_url'), f'<a href="{url}" target="_blank">{url}</a>'),
                           (self._t('authorization_code'),
                            f'<input type="text" name="{spec["fields"]["authorization_code"]}" value="">')])
        return self._html(self._page(self._t('register_title'), self._form(session, spec['register_path'], rows)))

    # ----- writes
    async def _accept_post(self, request, session):
        """The posted form, or None when the anti-forgery token or the page bookkeeping is wrong."""
        form = await request.post()
        token, session.form_token = session.form_token, None   # one post per page view
        if token is None or form.get(self.profile['token_field']) != token:
            return None
        if any(form.get(name) != value for name, value in self.profile['write_fields'].items()):
            return None
        stamp = self.profile['timestamp_field']
        if stamp and not form.get(stamp, '').isdigit():
            return None
        return form

    async def save_settings(self, request, provider):
        session = self._session(request)
        if not session:
            return self._to_login()
        form = await self._accept_post(request, session)
        settings = form and self._parse_settings(form, provider)
        if not settings:
            return self._error_page()
        self.oauth[provider].apply(settings)
        self.counters['writes'] += 1
        return self._to_status(provider)

    def _parse_settings(self, form, provider):
        oauth, spec = self.oauth[provider], self.profile['providers'][provider]
        checkbox = self.profile['checkbox']
        settings = dict(oauth.settings)
        for key in settings:
            name = spec['fields'][key]
            value = form.get(name)
            if key in CHECKBOXES:
                if value is None and checkbox['off'] is not None:
                    continue        # not sent: unchanged
                if value not in (checkbox['on'], checkbox['off']):
                    return None
                settings[key] = value == checkbox['on']
            elif key == 'client_secret':
                flag = spec.get('secret_change_flag')
                if value is not None and (form.get(flag['field']) == flag['value'] if flag else value != ''):
                    settings[key] = value
            elif value is not None:
                settings[key] = value.strip()
        if settings['enabled'] and not (settings.get('authority_url', 'https://').startswith('https://')
                                        and settings.get('client_id', '-')):
            return None     # the device refuses to enable OAuth without an endpoint / client ID
        return settings

    async def register_code(self, request, provider):
        session = self._session(request)
        if not session:
            return self._to_login()
        form = await self._accept_post(request, session)
        if form is None:
            return self._error_page()
        await self.oauth[provider].redeem(form.get(self.profile['providers'][provider]['fields']['authorization_code'], ''))
        self.counters['writes'] += 1
        return self._to_status(provider)

    # ----- rendering
    def _t(self, key):
        return self._translate(TEXT, key)

    def _translate(self, table, key):
        value = table[key]
        return value[self.lang] if isinstance(value, list) else {k: v[self.lang] for k, v in value.items()}

    def device_time_text(self, moment):
        return device_time_text(moment + self.clock_offset)

    def _caption(self, key, provider):
        """Caption of a settings field; 'enabled' names its provider."""
        return self._t(key)[provider] if key == 'enabled' else self._t(key)

    def _label(self, key):
        return self.profile['labels'][key][self.lang]

    def _status_word(self, kind, value):
        return self.profile['status_values'][kind][value][self.lang]

    def _message(self, key):
        return f'<p class="message">{html.escape(self.profile["messages"][key][self.lang], quote=False)}</p>'

    def _error_text(self, error):
        texts = self.profile['messages'].get(error) or DEVICE_MESSAGES.get(error)
        return texts[self.lang] if texts else error

    @staticmethod
    def _attr(value):
        return html.escape(str(value), quote=True)

    def _setting_text(self, oauth, key):
        value = oauth.settings[key]
        if isinstance(value, bool):
            return self._t('on' if value else 'off')
        return html.escape(value, quote=False) or '-'

    def _oauth_rows(self, oauth):
        rows = [(self._label('connection_status'), self._status_word('connection_status', oauth.connection_status())),
                (self._label('token_status'), self._status_word('token_status', oauth.status))]
        pending = oauth.pending
        if pending and oauth.status == 'authorizing':
            remaining = max(0, int(pending['expires_at'] - self.clock.now()))
            rows += [(self._label('message'), html.escape(pending['message'], quote=False)),
                     (self._label('user_code'), html.escape(pending['user_code'], quote=False)),
                     (self._label('user_code_expires_in'), f'{remaining // 60} min {remaining % 60} s')]
        if oauth.token:     # expiry watch: when the token was last renewed, and the end the cloud announced
            rows.append((self._label('token_refreshed_at'), self.device_time_text(oauth.refreshed_at)))
            if oauth.refresh_expires_at:
                rows.append((self._label('refresh_token_expires_at'), self.device_time_text(oauth.refresh_expires_at)))
        if oauth.error:
            rows.append((self._label('error_details'), html.escape(self._error_text(oauth.error), quote=False)))
        return rows

    def _rows(self, rows):
        if self.profile['markup'] == 'table':
            return '<table>' + ''.join(f'<tr><th>{label}</th><td>{value}</td></tr>' for label, value in rows) + '</table>'
        return ''.join(f'<dl><dt>{label}</dt><dd>{value}</dd></dl>' for label, value in rows)

    def _hidden(self, name, value):
        return f'<input type="hidden" name="{name}" value="{self._attr(value)}">'

    def _form(self, session, action, inner):
        return (f'<form method="post" action="{action}" name="{self.profile["token_field"]}Form">'
                + self._hidden(self.profile['token_field'], session.form_token)
                + inner + f'<input type="submit" value="{self._t("ok")}"></form>')

    def _page(self, title, body, menu=True):
        nav = ''
        if menu:
            links = ''.join(f'<li><a href="{spec["status_path"]}">{self._t(provider)}</a></li>'
                            for provider, spec in self.profile['providers'].items()) + self.mail.menu_link()
            nav = (f'<div id="nav"><a href="{self.look["portal"]}">{self._t("portal")}</a>'
                   f'<ul><li>{self._t("settings")}<ul><li>{self._t("send")}<ul>{links}</ul></li></ul></li></ul>'
                   f'<a href="{self.profile["logout"]["path"]}">{self._t("log_out")}</a></div>')
        heading = f'{title}: ' if title else ''
        return (f'<!DOCTYPE html><html lang="{self.language}"><head><meta charset="utf-8">'
                f'<title>Remote UI: {heading}{self.look["model"]}</title></head><body>'
                f'<div id="header">{self.look["model"]} / {self.name}</div>{nav}'
                f'<div id="main"><h1>{title}</h1>{body}</div></body></html>')

    def _html(self, text, status=200):
        return web.Response(text=text, status=status, content_type='text/html', charset='utf-8',
                            headers={'Server': self.look['server'], 'Cache-Control': 'no-store'})

    def _error_page(self):
        return self._html(self._page('', f'<p class="error">{self._t("error")}</p>'))

    def _to_status(self, provider):
        return self._redirect(self.profile['providers'][provider]['status_path'])

    def _redirect(self, location):
        return web.Response(status=302, headers={'Location': location, 'Server': self.look['server']})
