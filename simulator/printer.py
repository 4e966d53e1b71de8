"""One simulated printer: the Remote UI of its family, in its UI language, in one markup variant.

Everything the client relies on (paths, field names, labels, status words, messages, markup) comes
from the collection's profile files in profiles/*.yml, resolved by the collection's own resolver
(simulator/profile_data.py reads both by path, so the collection never depends on the simulator),
or from a profile file of the operator's. Markup VARIANTS change how the same pages are
written, the way independently written embedded web servers differ. docs/device-contract.md
describes the behaviour.
"""

import asyncio
import hashlib
import html
import json
import html.entities
import posixpath
import re
import secrets
import socket
import struct
import time

from aiohttp import web

from .device_oauth import DEVICE_MESSAGES, DeviceOAuth
from .mail_pages import DeviceMail, device_time_text
from .profile_data import load_profile_file, profiles

LANGUAGES = ('en', 'fr')   # index into every [English, French] list of the profiles
LOCKOUT_FAILURES = 5
LOCKOUT_SECONDS = 300

# What the profiles do not describe because the client never reads it: page furniture.
FAMILY_LOOK = {
    'imagerunner_advance': {'model': 'iR-ADV C5535', 'server': 'CANON HTTP Server', 'portal': '/rps/',
                            # the page a browser loads after login; with `portal_cookie` it sets a cookie
                            'portal_top': '/rps/nativetop.cgi', 'portal_cookie': 'iR',
                            # per-page bookkeeping inputs (`page_hidden_fields`), by page file name
                            'page_fields': lambda page: {'CoreNXAction': './' + page,
                                                         'PageFlag': page.rsplit('.', 1)[0] + '.tpl'}},
    'isensys_mf': {'model': 'MF746Cx', 'server': 'KS_HTTP', 'portal': '/portal_top.html',
                   'portal_top': '/portal_top.html', 'portal_cookie': 'portalid',
                   'page_fields': lambda page: {'iPageID': page.rsplit('.', 1)[0]}},
}

# Transport-level faults (control interface: {"transport": KIND, "transport_scope": "pages"|"all"}):
# they last until the printer is reset or the fault is set to "". Scope "pages" spares the login
# and logout pages, so that a session is open when the fault hits; "all" hits every request.
TRANSPORT_FAULTS = {
    'trickle_headers': 'the status line, then one header byte a second',
    'trickle_body': 'headers announcing 100 kB, then one body byte a second',
    'oversized': 'a 10 MB page',
    'redirect_host': 'HTTP 302 to the same path on another loopback address',
    'truncated': 'headers announcing 5000 bytes, 1000 of them, then the connection closes',
    'tls_failure': 'every TLS handshake fails with a handshake_failure alert (always every request)',
    'reset_post': 'every form post is read, then the connection is reset (no answer)',
}
TRICKLE_LIMIT_SECONDS = 600
FOREIGN_ADDRESS = '127.2.0.1'
# A TLS 1.2 fatal alert, handshake_failure (40).
TLS_HANDSHAKE_FAILURE = bytes((0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28))

# The session_* and login variants: the renamed cookie, the URL parameter, the message no profile knows.
RENAMED_SESSION_COOKIE = 'RUISESSIONID'
URL_SESSION_PARAMETER = 'SID'
UNKNOWN_LOGIN_TEXT = 'Anmeldung fehlgeschlagen: Benutzer-ID oder Passwort falsch.'
# Markup variants a printer can serve (any combination; none: the markup the profiles describe).
VARIANTS = {
    'td_labels': 'labels in <td> cells of a table, not <th> (also for definition-list families)',
    'span_labels': 'label/value pairs as <div><span>label</span><span>value</span></div>',
    'label_colon': 'a colon after every label ("Token Status:", French "Statut du jeton :")',
    'label_case': 'labels in upper case ("TOKEN STATUS")',
    'nbsp': 'non-breaking spaces between the words of labels (&nbsp;) and status words (U+00A0)',
    'unicode_punctuation': 'typographic punctuation: "Vérification…" (U+2026), "En attente d\u2019autorisation" (U+2019)',
    'entities': 'every non-ASCII character written as a named HTML entity (&eacute;)',
    'whitespace': 'labels and values spread over lines, indented, with doubled spaces between words',
    'omit_end_tags': 'optional end tags left out: <tr><th>L<td>V, <dt>L<dd>V, <li>, <p>',
    'markup_style': 'upper-case tags and attributes, reversed attribute order, single-quoted or unquoted values',
    'noise': 'comments and scripts holding label text and stale values, a <noscript> note',
    'meta_charset': 'pages in windows-1252, the charset only in <meta http-equiv> (none in Content-Type)',
    'meta_charset_latin1': 'pages in iso-8859-1, the charset only in <meta charset>, other characters as &#N;',
    'relative_action': 'form actions relative to the page URL ("oauthmsedit.cgi")',
    'submit_name': 'forms carry named OK and Cancel submit buttons; a post without OK (or with Cancel) is refused',
    'checkbox_hidden': 'every checkbox follows a hidden input of the same name with value 0; the last value wins',
    'page_hidden_fields': 'per-page hidden bookkeeping inputs (CoreNXAction, PageFlag / iPageID) checked on post',
    'save_200_status': 'a successful save answers HTTP 200 with the status page instead of a 302',
    'save_200_form': 'a successful save answers HTTP 200 with the edit form again instead of a 302',
    'cookie_path': 'the session cookie is scoped to the OAuth pages\' directory (Path=/rps), the logout page is not',
    'portal_cookie': 'the portal page (/rps/nativetop.cgi, /portal_top.html) sets a second cookie every OAuth page requires',
    'code_after_save': 'Microsoft: no authorize page; saving with OAuth on starts the authorization and the '
                       'status page shows the user code, with a link to the sign-in page',
    'rate_limit': 'requests closer than the rate limit (250 ms unless set) answer 503 busy',
    'login_fields_i0019': 'login fields i0019 / i2101 instead of the profile\'s (contradicts the profile)',
    'login_fields_i0023': 'login fields i0023 / i0025 instead of the profile\'s (contradicts the profile)',
    'sign_in_link': 'the link next to the Microsoft endpoint that starts the authorization reads "Sign In" / '
                    '"Se connecter", not "Authorize"',
    'destructive_links': 'every page with the menu carries side-effect GET links of every kind (delete the token, '
                         'reset, reboot, start an authorization; in several languages, with neutral text, icon only, '
                         'a bare .cgi, the action in the path or the query only): reading one counts a write',
    # Sessions and login answers (the session carrier, redirects, answers no profile knows).
    'session_cookie_renamed': f'the session cookie is named {RENAMED_SESSION_COOKIE!r}, not as the profile says',
    'session_in_url': 'the session id travels in the URL (?SID=...), no cookie: every link, frame and form action '
                      'carries it, and the logout needs it',
    'cookie_domain': 'the session cookie has Domain=<the host name the client used>, Secure, SameSite=Strict and '
                     'Max-Age=<the idle timeout>',
    'redirect_by_ip': 'the login redirect names the device by its address (https://<address>:<port>/...) when it was '
                      'reached by a host name',
    'redirect_by_name': 'the login redirect names the device by the host name "localhost" when it was reached by its '
                        'address (on a printer at 127.0.0.1, the one loopback address a name resolves to here)',
    'unknown_login_answer': 'a wrong password is answered with the login form and a German message no profile '
                            'knows ("Benutzer-ID oder Passwort falsch."); the failure still counts towards the lockout',
    # Forms and pages as other firmware writes them; each one works in a real browser.
    'select_boolean': 'on/off settings as a <select> with On/Off options (values true/false); a post without one is refused',
    'radio_boolean': 'on/off settings as a pair of radio buttons (values enable/disable); a post without the checked one '
                     'is refused',
    'disabled_until_enabled': 'while OAuth is off, the other settings inputs are disabled until the enable box is ticked '
                              '(the page script enables them); a post turning OAuth on without them is refused',
    'form_attribute': 'the settings inputs stand outside the <form> element and join it with form="..."',
    'readonly_code': 'the user code shown in an <input readonly> (to copy it) instead of as text',
    'test_form_first': 'a "test the connection" form with its own action and hidden copies of the settings before the '
                       'settings form',
    'both_sections': 'the status page shows the Microsoft and the Google sections with the same labels; their order '
                     'alternates from one view to the next',
    'script_flag': 'the forms hold the profile\'s write fields empty (Flag=""); the page script fills them before '
                   'submit; a post without the right value is refused',
    'duration_colon': 'the code expiry as mm:ss (14:59) instead of words',
    'button_formaction': 'the OK button is a <button> whose formaction names the save target; the form\'s own action '
                         'answers 404',
    'multipart': 'forms with enctype multipart/form-data; a post in another encoding is refused',
    'nested_fieldsets': 'settings in nested <fieldset>s, and a disabled fieldset holding a decoy input named as a setting '
                        '(a post with the decoy\'s value is refused)',
    'label_for': 'edit forms as rows of <div>s with captions in <label for> (after the box for check boxes)',
    'output_element': 'status values in <output> elements',
}
# The side-effect GET links of `destructive_links`: (target, link text or None for an icon, what a GET does).
# Old embedded UIs act on a plain GET; the probe must read none of them.
DESTRUCTIVE_LINKS = (
    ('/oauth_ms_tokdel.cgi', 'Delete Authorization Information', 'drop'),
    ('/oauth_tokdel_fr.cgi', "Supprimer les informations d'autorisation", 'drop'),
    ('/oauth_tokdel_de.cgi', 'Autorisierungsinformationen löschen', 'drop'),
    ('/token_it.cgi', 'Elimina le informazioni di autorizzazione', 'drop'),
    ('/token_es.cgi', 'Eliminar la información de autorización', 'drop'),
    ('/token_nl.cgi', 'Autorisatiegegevens verwijderen', 'drop'),
    ('/token_ja.cgi', '認証情報を削除', 'drop'),
    ('/x01.cgi', 'OK', 'drop'),
    ('/trash.cgi', None, 'drop'),
    ('/status_refresh.cgi?cmd=init', 'Refresh', 'drop'),
    ('/sys/reboot.cgi', 'Details', 'drop'),
    ('/oauth_start.cgi', 'Start Authorization', 'authorize'),
    ('/oauth_ms_reset.cgi', 'OAuth 2.0 (Microsoft) zurücksetzen', 'drop'),
    ('/confirm.cgi', 'onclick:OK', 'drop'),
)
# Option values of on/off settings in the select_boolean and radio_boolean variants: (on, off).
BOOLEAN_OPTIONS = {'select_boolean': ('true', 'false'), 'radio_boolean': ('enable', 'disable')}
DECOY_URL = 'https://decoy.invalid/'
LOGIN_FIELD_VARIANTS = {'login_fields_i0019': ('i0019', 'i2101'), 'login_fields_i0023': ('i0023', 'i0025')}
DEFAULT_RATE_LIMIT_MS = 250
SUBMIT, CANCEL = 'Submit', 'Cancel'
# Static files every page links, as a browser loads them; the script does what the firmware's page script does.
STYLESHEET, PAGE_SCRIPT = '/static/remoteui.css', '/static/remoteui.js'

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
    __slots__ = ('last_seen', 'form_token', 'page_fields', 'portal_value')

    def __init__(self, now):
        self.last_seen = now
        self.form_token = None
        self.page_fields = {}       # hidden bookkeeping values of the last form shown
        self.portal_value = None    # the second cookie set by the portal page (`portal_cookie`)


def parse_variants(value):
    """A variant set from a list or a '+'/','-separated string; 'none' is the empty set."""
    names = re.split(r'[+,\s]+', value) if isinstance(value, str) else list(value or ())
    names = [name for name in names if name and name != 'none']
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown:
        raise ValueError(f'unknown variant(s) {", ".join(unknown)}; known: {", ".join(VARIANTS)}')
    return tuple(sorted(set(names)))


class Printer:
    # A firmware generation of its own (simulator/generation_x.py) overrides these three.
    LOOKS = FAMILY_LOOK
    LANGUAGES = LANGUAGES
    SECRET_FLAG_FIRST = False   # whether the "change the secret" box stands before the secret field

    @staticmethod
    def built_in_profile(family):
        return profiles.PROFILES[family]

    def __init__(self, name, address, family, language, provider, *, username, password, clock, cloud,
                 settle_seconds=2.0, idle_timeout=300.0, session_limit=2, foreign_cert=False,
                 variants=(), profile_file=None, rate_limit_ms=None, submission=None, lockout_failures=None):
        self.name, self.address, self.port = name, address, None
        self.language, self.provider = language, provider
        self.profile_file = str(profile_file) if profile_file else None
        if profile_file:
            self.base_profile, family = load_profile_file(profile_file)
        else:
            self.base_profile = self.built_in_profile(family)
        self.family = family
        self.look = self.LOOKS[family]
        self.lang = self.LANGUAGES.index(language)
        self.username, self.password = username, password
        self.clock = clock
        self.idle_timeout, self.session_limit = idle_timeout, session_limit
        self.lockout_failures = int(lockout_failures or LOCKOUT_FAILURES)
        self.foreign_cert = foreign_cert
        self.rate_limit_ms = rate_limit_ms
        self.last_request_at = None
        self.oauth = {
            provider_name: DeviceOAuth(provider_name, [key for key in spec['fields'] if key != 'authorization_code'],
                                       clock, cloud, settle_seconds)
            for provider_name, spec in self.base_profile['providers'].items()}
        self.sessions = {}
        self.consecutive_failures, self.locked_until = 0, 0.0
        self.clock_offset = 0.0
        self.server = None
        self.mail = DeviceMail(self, submission)    # before the routes: they include its pages
        self.set_variants(variants)
        self.reset()

    def set_variants(self, variants):
        """Serve another markup variant from the next request on (sessions stay)."""
        self.variants = frozenset(parse_variants(variants))
        profile = dict(self.base_profile)
        for variant, (username_field, password_field) in LOGIN_FIELD_VARIANTS.items():
            if variant in self.variants:
                profile['login'] = {**profile['login'], 'username_field': username_field,
                                    'password_field': password_field}
        self.profile = profile
        pages = [path for spec in profile['providers'].values() for key, path in spec.items() if key.endswith('_path')]
        directory = posixpath.commonpath(pages) if 'cookie_path' in self.variants else '/'
        self.cookie_path = directory if all(path.startswith(directory + '/') for path in pages) else '/'
        self.routes = self._routes()

    def _has(self, variant):
        return variant in self.variants

    # ----- control interface
    def reset(self):
        self.counters = dict.fromkeys(('writes', 'logins', 'failed_logins', 'requests', 'rate_limited', 'logouts',
                                       'lockouts', 'side_effect_reads'), 0)
        failing_tls = getattr(self, 'faults', {}).get('transport') == 'tls_failure'
        self.faults = {'latency': 0.0, 'http_500': 0, 'drop': 0, 'busy': 0, 'offline_until': 0.0,
                       'transport': '', 'transport_scope': 'pages'}
        if failing_tls:
            self._switch_listener()
        elif self.server is not None and not self.server.is_serving():
            asyncio.get_running_loop().create_task(self.listen())

    def describe(self):
        return {'name': self.name, 'address': self.address, 'port': self.port, 'family': self.family,
                'language': self.language, 'provider': self.provider, 'foreign_cert': self.foreign_cert,
                'variants': sorted(self.variants), 'profile_file': self.profile_file,
                'rate_limit_ms': self.effective_rate_limit_ms()}

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
                'idle_timeout': self.idle_timeout, 'session_limit': self.session_limit,
                'cookie_path': self.cookie_path, 'login': self.login_state()}

    def login_state(self):
        """Sessions and the account's failures, as the control interface shows them."""
        now = self.clock.now()
        return {'open_sessions': self.open_sessions(), 'session_limit': self.session_limit,
                'consecutive_failures': self.consecutive_failures, 'lockout_failures': self.lockout_failures,
                'locked': now < self.locked_until, 'locked_seconds_left': max(0.0, self.locked_until - now),
                'lockouts': self.counters['lockouts'], 'session_cookie': self.session_cookie_name()}

    def effective_rate_limit_ms(self):
        if self.rate_limit_ms is not None:
            return self.rate_limit_ms
        return DEFAULT_RATE_LIMIT_MS if self._has('rate_limit') else 0

    async def refresh_tokens(self):
        for oauth in self.oauth.values():
            await oauth.refresh_if_due()

    def set_faults(self, faults):
        for key in ('latency', 'http_500', 'drop', 'busy'):
            if key in faults:
                self.faults[key] = type(self.faults[key])(faults[key])
        if 'transport' in faults:
            kind = faults['transport'] or ''
            if kind and kind not in TRANSPORT_FAULTS:
                raise ValueError(f'unknown transport fault {kind!r}; one of {", ".join(TRANSPORT_FAULTS)}')
            scope = faults.get('transport_scope', 'pages')
            if scope not in ('pages', 'all'):
                raise ValueError(f'transport_scope is "pages" or "all", not {scope!r}')
            switch = (kind == 'tls_failure') != (self.faults['transport'] == 'tls_failure')
            self.faults['transport'], self.faults['transport_scope'] = kind, scope
            if switch:
                self._switch_listener()
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

    def _switch_listener(self):
        """Serve TLS, or fail every handshake (the tls_failure fault), on the same address and port."""
        if self.server is not None:
            self.server.close()
        loop = asyncio.get_running_loop()
        if self.faults['transport'] != 'tls_failure':
            loop.create_task(self.listen())
            return

        class FailHandshake(asyncio.Protocol):
            def connection_made(self, transport):
                transport.write(TLS_HANDSHAKE_FAILURE)
                transport.close()

        async def listen_failing():
            self.server = await loop.create_server(FailHandshake, self.address, self.port, backlog=64,
                                                   reuse_address=True)
        loop.create_task(listen_failing())

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
                  ('GET', logout): self.logout, ('GET', self.look['portal']): self.portal_page,
                  ('GET', self.look['portal_top']): self.portal_page,
                  ('GET', STYLESHEET): self.stylesheet, ('GET', PAGE_SCRIPT): self.page_script}
        for page in self.profile.get('after_login') or ():
            routes[('GET', page['path'] if isinstance(page, dict) else page)] = self.portal_page
        for provider, spec in self.profile['providers'].items():
            routes[('GET', spec['status_path'])] = lambda request, p=provider: self.status_page(request, p)
            routes[('GET', spec['edit_path'])] = lambda request, p=provider: self.edit_page(request, p)
            routes[('POST', spec['edit_path'])] = lambda request, p=provider: self.save_settings(request, p)
            if spec.get('authorize_path') and not self._code_after_save(provider):
                routes[('GET', spec['authorize_path'])] = lambda request, p=provider: self.authorize_page(request, p)
            if 'register_path' in spec:
                routes[('GET', spec['register_path'])] = lambda request, p=provider: self.register_page(request, p)
                routes[('POST', spec['register_path'])] = lambda request, p=provider: self.register_code(request, p)
        routes.update(self.mail.routes())
        if self._has('destructive_links'):
            for target, _text, effect in DESTRUCTIVE_LINKS:
                routes[('GET', target.partition('?')[0])] = lambda request, e=effect: self.side_effect(request, e)
        return routes

    async def side_effect(self, request, effect):
        """A GET that acts, as old embedded UIs have them: drops every token, or starts an authorization."""
        self.counters['writes'] += 1
        self.counters['side_effect_reads'] += 1
        for provider, oauth in self.oauth.items():
            if effect == 'authorize' and provider == 'microsoft':
                await oauth.start_device_authorization()
            elif effect == 'drop':
                oauth.drop()
        return self._redirect(self.look['portal'])

    def _side_effect_links(self):
        links = []
        for target, text, _effect in DESTRUCTIVE_LINKS:
            if text is None:
                links.append(f'<a href="{target}"><img src="/static/trash.png" alt=""></a>')
            elif text.startswith('onclick:'):
                links.append(f'<input type="button" value="{text[8:]}" onclick="location.href=\'{target}\'">')
            else:
                links.append(f'<a href="{html.escape(target)}">{html.escape(text)}</a>')
        return '<div class="tools">' + ' '.join(links) + '</div>'

    def _code_after_save(self, provider):
        """Whether this firmware shows the Microsoft user code after saving (no authorize page)."""
        spec = self.profile['providers'][provider]
        return provider == 'microsoft' and (self._has('code_after_save')
                                            or spec.get('authorization_flow') == 'code_after_save'
                                            or not spec.get('authorize_path'))

    def _too_soon(self):
        """Rate limit: whether this request follows the previous accepted one too closely."""
        limit = self.effective_rate_limit_ms()
        now = time.monotonic()
        if limit and self.last_request_at is not None and (now - self.last_request_at) * 1000 < limit:
            self.counters['rate_limited'] += 1
            return True
        self.last_request_at = now
        return False

    async def handle(self, request):
        self.counters['requests'] += 1
        faults = self.faults
        if faults['drop'] or faults['offline_until']:
            if faults['drop']:
                faults['drop'] -= 1
            self._reset_connection(request)
            return web.Response(status=500)    # never reaches the client
        if faults['transport'] and self._transport_fault_applies(request):
            answer = await self._transport_fault(request, faults['transport'])
            if answer is not None:
                return answer
        if faults['latency']:
            await asyncio.sleep(faults['latency'])
        if faults['busy'] or self._too_soon():
            faults['busy'] = max(0, faults['busy'] - 1)
            return self._html(self._page('', self._message('busy')), status=503)
        if faults['http_500']:
            faults['http_500'] -= 1
            return self._html(self._page('', f'<p>{self._t("server_error")}</p>'), status=500)
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return self._html(self._page('', '<p>404 Not Found</p>', menu=False), status=404)
        response = await handler(request)
        if self._has('session_in_url'):
            response = self._carry_url_session(request, response)
        return response

    def _transport_fault_applies(self, request):
        if self.faults['transport_scope'] == 'all':
            return True
        spared = {'/', self.profile['login']['path'], self.profile['login'].get('form_path'),
                  self.profile['logout']['path']}
        return request.path not in spared

    async def _transport_fault(self, request, kind):
        """Misbehave as ``kind`` says; a response to send, or None to answer normally."""
        transport = request.transport
        if kind == 'redirect_host':
            return web.Response(status=302,
                                headers={'Location': f'https://{FOREIGN_ADDRESS}:{self.port}{request.path_qs}'})
        if kind == 'reset_post':
            if request.method != 'POST':
                return None
            await request.read()
            self._reset_connection(request)
            return web.Response(status=500)    # never reaches the client
        if kind == 'oversized':
            response = web.StreamResponse(headers={'Content-Type': 'text/html; charset=utf-8'})
            await response.prepare(request)
            await response.write(b'<!DOCTYPE html><html><head><title>Status</title></head><body>')
            chunk = b'<p>' + b'x' * 65529 + b'</p>'
            for _chunk in range(10 * 1024 * 1024 // len(chunk)):
                if transport is None or transport.is_closing():
                    break
                await response.write(chunk)
            return response
        if transport is None:
            return None
        if kind == 'truncated':
            page = (b'<!DOCTYPE html><html><body>' + b'<p>status</p>' * 200)[:1000]
            transport.write(b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n' + page)
        elif kind in ('trickle_headers', 'trickle_body'):
            head = b'HTTP/1.1 200 OK\r\n'
            if kind == 'trickle_body':
                head += b'Content-Type: text/html\r\nContent-Length: 100000\r\n\r\n'
            transport.write(head + (b'X-Slow: ' if kind == 'trickle_headers' else b''))
            for _second in range(TRICKLE_LIMIT_SECONDS):
                await asyncio.sleep(1)
                if transport.is_closing():
                    break
                transport.write(b'a')
        transport.abort()
        return web.Response(status=500)    # never reaches the client

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

    def _session(self, request, portal=False):
        """The request's session; with `portal_cookie`, OAuth pages also need the portal's cookie."""
        self._expire_idle_sessions()
        session = self.sessions.get(self._session_id(request))
        if session is None:
            return None
        if (self._has('portal_cookie') and not portal
                and (session.portal_value is None
                     or request.cookies.get(self.look['portal_cookie']) != session.portal_value)):
            return None
        session.last_seen = self.clock.now()
        return session

    def _to_login(self):
        return self._redirect(self.profile['login']['path'])

    def _login_hidden(self):
        return ''.join(self._hidden(name, value) for name, value in self.profile['login']['extra_fields'].items())

    def session_cookie_name(self):
        return RENAMED_SESSION_COOKIE if self._has('session_cookie_renamed') else self.profile['login']['session_cookie']

    def _session_id(self, request):
        """The session a request names: in its URL (session_in_url) or in the session cookie."""
        if self._has('session_in_url'):
            return request.query.get(URL_SESSION_PARAMETER, '')
        return request.cookies.get(self.session_cookie_name(), '')

    def _carry_url_session(self, request, response):
        """Every link, frame and form action of a page of a valid session carries its id, as is the redirect."""
        session_id = getattr(response, 'new_session_id', None) or self._session_id(request)
        if session_id not in self.sessions:
            return response
        carried = f'{URL_SESSION_PARAMETER}={session_id}'

        def carry(url):
            if url.startswith(('http:', 'https:', '#', 'javascript:')) or f'{URL_SESSION_PARAMETER}=' in url:
                return url
            return url + ('&' if '?' in url else '?') + carried
        location = response.headers.get('Location')
        if location and not location.startswith(self.profile['login']['path']):
            response.headers['Location'] = carry(location)
        if response.body is not None and 'html' in (response.content_type or ''):
            pattern = re.compile(rb'(\b(?:href|src|action|formaction)=)(["\']?)([^"\' >]*)\2', re.IGNORECASE)
            response.body = pattern.sub(lambda m: m.group(1) + m.group(2) + carry(m.group(3).decode('latin-1')).encode(
                'latin-1') + m.group(2), response.body)
        return response

    def _device_location(self, request, path):
        """Where a redirect sends the browser: a path, or (redirect_by_*) this device under another name."""
        host = (request.host or '').rsplit(':', 1)[0].strip('[]') if request.host else ''
        by_address = re.fullmatch(r'[0-9.]+|[0-9a-fA-F:]+', host or '') is not None
        if self._has('redirect_by_ip') and not by_address:
            return f'https://{self.address}:{self.port}{path}'
        if self._has('redirect_by_name') and by_address and self.address == '127.0.0.1':
            # "localhost" resolves to 127.0.0.1 only: a printer elsewhere has no name to be called by.
            return f'https://localhost:{self.port}{path}'
        return path

    async def login_page(self, request, message=None, text=None):
        login = self.profile['login']
        hidden = self._login_hidden()
        note = self._message(message) if message else ''
        if text:
            note = f'<p class="message">{html.escape(text, quote=False)}</p>'
        body = (f'{note}<form method="post" action="{self._action(login["path"])}" name="login">{hidden}'
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
            if self.consecutive_failures >= self.lockout_failures:
                self.consecutive_failures, self.locked_until = 0, now + LOCKOUT_SECONDS
                self.counters['lockouts'] += 1
            if self._has('unknown_login_answer'):
                return await self.login_page(request, text=UNKNOWN_LOGIN_TEXT)
            return await self.login_page(request, 'login_failed')
        self.consecutive_failures = 0
        if self.open_sessions() >= self.session_limit:
            return await self.login_page(request, 'session_limit')
        session_id = secrets.token_hex(16)
        self.sessions[session_id] = Session(now)
        self.counters['logins'] += 1
        target = form.get('uri', '')
        response = self._redirect(self._device_location(request, target if target.startswith('/') else self.look['portal']))
        if self._has('session_in_url'):
            response.new_session_id = session_id    # carried in the Location by handle()
        elif self._has('cookie_domain'):
            host = (request.host or self.address).rsplit(':', 1)[0].strip('[]')
            response.set_cookie(self.session_cookie_name(), session_id, path=self.cookie_path, httponly=True,
                                secure=True, domain=host, samesite='Strict', max_age=int(self.idle_timeout))
        else:
            response.set_cookie(self.session_cookie_name(), session_id, path=self.cookie_path, httponly=True,
                                secure=True)
        return response

    async def logout(self, request):
        """Ends the session the request names: none when the cookie's path excludes this page (or no SID)."""
        if self.sessions.pop(self._session_id(request), None) is not None:
            self.counters['logouts'] += 1
        response = self._to_login()
        if not self._has('session_in_url'):
            response.del_cookie(self.session_cookie_name(), path=self.cookie_path)
        return response

    # ----- static files a browser loads with every page
    async def stylesheet(self, request):
        return web.Response(text='th, dt { text-align: left; font-weight: bold }\n', content_type='text/css',
                            headers={'Server': self.look['server']})

    async def page_script(self, request):
        """The page script of the firmware: on submit of an edit form it adds the profile's write fields
        (unless the form holds them) and the timestamp field, as the real pages' scripts do."""
        script = (
            '(function () {\n'
            f'  var token = {json.dumps(self.profile["token_field"])}, extra = {json.dumps(self.profile["write_fields"])},'
            f' stamp = {json.dumps(self.profile["timestamp_field"])};\n'
            '  function add(form, name, value) { var input = document.createElement("input");'
            ' input.type = "hidden"; input.name = name; input.value = value; form.appendChild(input); }\n'
            '  document.addEventListener("submit", function (event) {\n'
            '    var form = event.target;\n'
            '    if (!form.elements[token]) { return; }\n'
            '    for (var name in extra) { if (!form.elements[name]) { add(form, name, extra[name]); }'
            ' else if (form.elements[name].value === "") { form.elements[name].value = extra[name]; } }\n'
            '    if (stamp) { add(form, stamp, String(Date.now())); }\n'
            '  }, true);\n'
            '  document.addEventListener("change", function (event) {\n'
            '    var name = event.target.getAttribute("data-enables");\n'
            '    if (!name) { return; }\n'
            '    Array.prototype.forEach.call(document.querySelectorAll("[data-enabled-by=\\"" + name + "\\"]"),'
            ' function (input) { input.disabled = !event.target.checked; });\n'
            '  });\n'
            '})();\n')
        return web.Response(text=script, content_type='application/javascript', headers={'Server': self.look['server']})

    # ----- pages
    async def portal_page(self, request):
        session = self._session(request, portal=True)
        if not session:
            return self._to_login()
        # The portal's top page loads in a frame of the portal, as the firmware's frameset does.
        frame = (f'<iframe src="{self.look["portal_top"]}"></iframe>'
                 if request.path == self.look['portal'] != self.look['portal_top'] else '')
        response = self._html(self._page(self._t('portal'), f'<p>{self.look["model"]}</p>{frame}'))
        if self._has('portal_cookie') and request.path == self.look['portal_top']:
            session.portal_value = secrets.token_hex(8)
            response.set_cookie(self.look['portal_cookie'], session.portal_value, path=self.cookie_path,
                                httponly=True, secure=True)
        return response

    async def status_page(self, request, provider):
        session = self._viewer(request)
        if not session:
            return self._to_login()
        shown = [provider]
        if self._has('both_sections'):
            # Every provider's section, with the same labels, in an order that alternates between views.
            self.section_views = getattr(self, 'section_views', 0) + 1
            shown = sorted(self.oauth, reverse=self.section_views % 2 == 0)
        body = ''
        for name in shown:
            section = await self._status_section(name)
            body += f'<div class="section"><h2>{self._t(name)}</h2>{section}</div>' if len(shown) > 1 else section
        return self._html(self._page(self._t(provider), body))

    async def _status_section(self, provider):
        oauth, spec = self.oauth[provider], self.profile['providers'][provider]
        await oauth.refresh_if_due()
        rows = []
        for key in oauth.settings:
            if key != 'client_secret':
                value = self._setting_text(oauth, key)
                if key == 'authority_url':      # the link next to the endpoint starts the authorization
                    value += self._authorize_link(oauth, spec, provider)
                rows.append((self._caption(key, provider), value))
        return self._status_body(oauth, spec, provider, rows)

    def _status_body(self, oauth, spec, provider, rows):
        body = (f'<h3>{self._t("basic_settings")}</h3><a href="{spec["edit_path"]}">{self._t("edit")}</a>'
                if self._has('both_sections') else
                f'<h2>{self._t("basic_settings")}</h2><a href="{spec["edit_path"]}">{self._t("edit")}</a>')
        body += self._rows(rows) + self._rows(self._oauth_rows(oauth))
        if provider == 'google':
            body += (f'<h{3 if self._has("both_sections") else 2}>{self._t("authorization_info")}'
                     f'</h{3 if self._has("both_sections") else 2}>'
                     f'<a href="{spec["register_path"]}">{self._t("register")}</a>')
        return body

    def _authorize_link(self, oauth, spec, provider):
        if not self._code_after_save(provider):
            text = ('Sign In', 'Se connecter')[self.lang] if self._has('sign_in_link') else self._t('authorize')
            return f' <a href="{spec["authorize_path"]}">{text}</a>'
        if oauth.pending and oauth.status == 'authorizing' and oauth.pending.get('verification_uri'):
            # current firmware: the link opens the sign-in page of the authority itself
            return f' <a href="{self._attr(oauth.pending["verification_uri"])}" target="_blank">{self._t("authorize")}</a>'
        return ''

    async def edit_page(self, request, provider):
        session = self._viewer(request)
        if not session:
            return self._to_login()
        oauth, spec = self.oauth[provider], self.profile['providers'][provider]
        rows = []
        # disabled_until_enabled: while OAuth is off, the other settings wait for the enable box.
        waiting = self._has('disabled_until_enabled') and not oauth.settings['enabled']
        enabler = spec['fields']['enabled']
        for key, value in oauth.settings.items():
            name = spec['fields'][key]
            extra = f' disabled data-enabled-by="{enabler}"' if waiting and key in self._dependent_keys() else ''
            if key in CHECKBOXES:
                if key == 'enabled' and self._has('disabled_until_enabled'):
                    extra = f' data-enables="{enabler}"'
                rows.append((self._caption(key, provider), self._boolean_control(name, value, extra)))
            elif key == 'client_secret':   # never shown back
                secret = [(self._t(key), f'<input type="password" name="{name}" value="" autocomplete="off">')]
                flag = spec.get('secret_change_flag')
                if flag:
                    box = [(self._t('change_secret'), f'<input type="checkbox" name="{flag["field"]}" value="{flag["value"]}">')]
                    secret = box + secret if self.SECRET_FLAG_FIRST else secret + box
                rows += secret
            else:
                rows.append((self._t(key), f'<input type="text" name="{name}" value="{self._attr(value)}" '
                             f'maxlength="256"{extra}>'))
        inner = self._rows(rows)
        if self._has('nested_fieldsets'):
            text_key = 'authority_url' if 'authority_url' in spec['fields'] else 'client_id'
            inner = (f'<fieldset><legend>{self._t("basic_settings")}</legend><fieldset><legend>{self._t(provider)}'
                     f'</legend>{inner}</fieldset></fieldset><fieldset disabled><legend>{self._t("edit")}</legend>'
                     f'<input type="text" name="{spec["fields"][text_key]}" value="{DECOY_URL}"></fieldset>')
        # Where the form posts: its own page, unless the firmware has a separate target (`save_path`).
        body = self._form(session, spec.get('save_path', spec['edit_path']), inner)
        if self._has('test_form_first'):
            copies = ''.join(self._hidden(spec['fields'][key], self._plain_value(value))
                             for key, value in oauth.settings.items() if key != 'client_secret')
            body = (f'<form method="post" action="{posixpath.dirname(spec["edit_path"]).rstrip("/")}/test_connection.cgi" '
                    f'name="test">{self._hidden(self.profile["token_field"], session.form_token)}{copies}'
                    f'<input type="submit" value="Test"></form>') + body
        return self._html(self._page(self._t('edit_basic'), body))

    def _dependent_keys(self):
        """The settings the enable box enables (disabled_until_enabled)."""
        return ('verify_server_certificate', 'add_cn_to_verification', 'authority_url', 'client_id')

    def _boolean_options(self):
        """(on, off) option values of on/off settings in the select/radio variants, or None for check boxes."""
        return next((BOOLEAN_OPTIONS[variant] for variant in BOOLEAN_OPTIONS if self._has(variant)), None)

    def _plain_value(self, value):
        if isinstance(value, bool):
            return self.profile['checkbox']['on'] if value else (self.profile['checkbox']['off'] or '')
        return value

    def _boolean_control(self, name, value, extra=''):
        """An on/off setting as a check box (the profiles' markup), a select or a pair of radio buttons."""
        on_text, off_text = self._t('on'), self._t('off')
        if self._has('select_boolean'):
            on, off = BOOLEAN_OPTIONS['select_boolean']
            return (f'<select name="{name}"{extra}><option value="{on}"{" selected" if value else ""}>{on_text}</option>'
                    f'<option value="{off}"{"" if value else " selected"}>{off_text}</option></select>')
        if self._has('radio_boolean'):
            on, off = BOOLEAN_OPTIONS['radio_boolean']
            return (f'<label><input type="radio" name="{name}" value="{on}"{" checked" if value else ""}{extra}> {on_text}'
                    f'</label> <label><input type="radio" name="{name}" value="{off}"{"" if value else " checked"}{extra}>'
                    f' {off_text}</label>')
        paired = self._hidden(name, '0') if self._has('checkbox_hidden') else ''
        return (paired + f'<input type="checkbox" name="{name}" value="{self.profile["checkbox"]["on"]}"'
                f'{" checked" if value else ""}{extra}>')

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
        return self._html(self._page(self._t('register_title'),
                                     self._form(session, spec.get('code_path', spec['register_path']), rows)))

    # ----- writes
    async def _accept_post(self, request, session):
        """The posted form, or None when the anti-forgery token or the page bookkeeping is wrong."""
        if self._has('multipart') and request.content_type != 'multipart/form-data':
            session.form_token = None
            return None     # this firmware reads multipart/form-data only
        form = await request.post()
        token, session.form_token = session.form_token, None   # one post per page view
        page_fields, session.page_fields = session.page_fields, {}
        if token is None or form.get(self.profile['token_field']) != token:
            return None
        if any(form.get(name) != value for name, value in page_fields.items()):
            return None     # the page's own bookkeeping values must come back unchanged
        if any(form.get(name) != value for name, value in self.profile['write_fields'].items()
               if name not in page_fields):
            return None
        stamp = self.profile['timestamp_field']
        if stamp and not form.get(stamp, '').isdigit():
            return None
        if self._has('submit_name') and (form.get(SUBMIT) != self._t('ok') or CANCEL in form):
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
        oauth = self.oauth[provider]
        oauth.apply(settings)
        self.counters['writes'] += 1
        if self._code_after_save(provider) and settings['enabled'] and oauth.status != 'active':
            await oauth.start_device_authorization()
        return await self._after_write(request, provider)

    async def _after_write(self, request, provider, form_page=None):
        """A browser-style 302 to the status page, or (variants) a 200 with the status page or the form."""
        if self._has('save_200_status'):
            return await self.status_page(request, provider)
        if self._has('save_200_form'):
            return await (form_page or self.edit_page)(request, provider)
        return self._to_status(provider)

    def _parse_settings(self, form, provider):
        oauth, spec = self.oauth[provider], self.profile['providers'][provider]
        checkbox = self.profile['checkbox']
        settings = dict(oauth.settings)
        off_values = (checkbox['off'], '0') if self._has('checkbox_hidden') else (checkbox['off'],)
        options = self._boolean_options()
        enabled_value = form.getall(spec['fields']['enabled'], [None])[-1]
        turned_on = enabled_value == (options[0] if options else checkbox['on'])
        for key in settings:
            name = spec['fields'][key]
            values = form.getall(name, [])
            value = values[-1] if values else None     # a checked box after its hidden 0: the last wins
            if DECOY_URL in values:
                return None     # a browser never sends a control of a disabled fieldset
            if self._has('disabled_until_enabled') and key in self._dependent_keys() and not turned_on:
                continue        # disabled while OAuth stays off: a browser does not send them, they stay
            if self._has('disabled_until_enabled') and key in ('authority_url', 'client_id') and value is None:
                return None     # enabled without the settings the box enabled: the device keeps nothing
            if key in CHECKBOXES and options:
                if value not in options:
                    return None     # a select or radio group always sends a value
                settings[key] = value == options[0]
            elif key in CHECKBOXES:
                if value is None and checkbox['off'] is not None:
                    continue        # not sent: unchanged
                if value != checkbox['on'] and value not in off_values:
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
        return await self._after_write(request, provider, self.register_page)

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
        texts = (self.profile.get('labels') or {}).get(key) or profiles.LABELS[key]
        return self._word(texts[self.lang])

    def _status_word(self, kind, value):
        texts = ((self.profile.get('status_values') or {}).get(kind) or {}).get(value) or profiles.STATUS_VALUES[kind][value]
        text = texts[self.lang]
        return html.escape(self._word(text).replace('&nbsp;', '\u00a0'), quote=False)

    def _word(self, text):
        """A label or status word as the variant writes it (plain text but for &nbsp;)."""
        if self._has('unicode_punctuation'):
            text = text.replace('...', '\u2026').replace("'", '\u2019')
        if self._has('nbsp'):
            text = text.replace(' ', '&nbsp;')
        return text

    def _messages(self):
        return self.profile.get('messages') or profiles.MESSAGES

    def _message(self, key):
        return f'<p class="message">{html.escape(self._messages()[key][self.lang], quote=False)}</p>'

    def _error_text(self, error):
        texts = self._messages().get(error) or DEVICE_MESSAGES.get(error)
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
                (self._label('token_status'), self._status_word('token_status', oauth.status)),
                # The device's own real-time clock: the simulated world's time (which tests move forward),
                # skewed by the control interface's clock offset, as the token rows below.
                (self._label('device_time'), time.strftime(self.profile['device_time_format'],
                                                           time.gmtime(self.clock.now() + self.clock_offset)))]
        pending = oauth.pending
        if pending and oauth.status == 'authorizing':
            remaining = max(0, int(pending['expires_at'] - self.clock.now()))
            code = html.escape(pending['user_code'], quote=False)
            if self._has('readonly_code'):
                code = f'<input type="text" readonly value="{self._attr(pending["user_code"])}" size="12">'
            expiry = (f'{remaining // 60}:{remaining % 60:02d}' if self._has('duration_colon')
                      else f'{remaining // 60} min {remaining % 60} s')
            rows += [(self._label('message'), html.escape(pending['message'], quote=False)),
                     (self._label('user_code'), code),
                     (self._label('user_code_expires_in'), expiry)]
        if oauth.token:     # expiry watch: when the token was last renewed, and the end the cloud announced
            rows.append((self._label('token_refreshed_at'), self.device_time_text(oauth.refreshed_at)))
            if oauth.refresh_expires_at:
                rows.append((self._label('refresh_token_expires_at'), self.device_time_text(oauth.refresh_expires_at)))
        if oauth.error:
            rows.append((self._label('error_details'), html.escape(self._error_text(oauth.error), quote=False)))
        if self._has('output_element'):
            rows = [(label, f'<output>{value}</output>') for label, value in rows]
        return rows

    def _row_label(self, label):
        if self._has('label_case'):
            label = label.upper().replace('&NBSP;', '&nbsp;')
        if self._has('label_colon'):
            label += ' :' if self.language == 'fr' else ':'
        if self._has('whitespace'):
            label = '\n        ' + '  '.join(label.split(' ')) + '\n      '
        return label

    def _rows(self, rows):
        """Label/value rows in the family's markup, or the variant's."""
        rows = [(self._row_label(label), f'\n        {value}\n      ' if self._has('whitespace') else value)
                for label, value in rows]
        bare = self._has('omit_end_tags')
        if self._has('label_for') and any(CONTROL.search(value) for _label, value in rows):
            return ''.join(self._label_for_row(label, value) for label, value in rows)
        if self._has('span_labels'):
            return ''.join(f'<div class="item"><span>{label}</span> <span>{value}</span></div>' for label, value in rows)
        if self._has('td_labels') or self.profile['markup'] == 'table':
            cell = 'td' if self._has('td_labels') else 'th'
            row = ('<tr><{c}>{l}<td>{v}' if bare else '<tr><{c}>{l}</{c}><td>{v}</td></tr>')
            return '<table>' + ''.join(row.format(c=cell, l=label, v=value) for label, value in rows) + '</table>'
        row = '<dt>{l}<dd>{v}' if bare else '<dt>{l}</dt><dd>{v}</dd>'
        return ''.join('<dl>' + row.format(l=label, v=value) + '</dl>' for label, value in rows)

    @staticmethod
    def _label_for_row(label, value):
        """A row of an edit form with its caption in <label for>: after a check box, before other controls."""
        match = CONTROL.search(value)
        if match is None:
            return f'<div class="field"><span>{label}</span> <span>{value}</span></div>'
        control_id = 'f-' + re.sub(r'[^A-Za-z0-9_-]', '_', match.group(2))
        value = value[:match.start()] + f'<{match.group(1)} id="{control_id}"' + value[match.start() + len(match.group(1)) + 1:]
        caption = f'<label for="{control_id}">{label}</label>'
        if 'type="checkbox"' in match.group(0):
            return f'<div class="field">{value} {caption}</div>'
        return f'<div class="field">{caption} {value}</div>'

    def _hidden(self, name, value):
        return f'<input type="hidden" name="{name}" value="{self._attr(value)}">'

    def _action(self, path):
        return posixpath.basename(path) if self._has('relative_action') else path

    def _form(self, session, action, inner):
        hidden = self._hidden(self.profile['token_field'], session.form_token)
        if self._has('page_hidden_fields'):
            session.page_fields = self.look['page_fields'](posixpath.basename(action))
            hidden += ''.join(self._hidden(name, value) for name, value in session.page_fields.items())
        if self._has('script_flag'):
            # Left empty: the page script fills them before submit (and the device checks them).
            hidden += ''.join(self._hidden(name, '') for name in self.profile['write_fields'] if name not in session.page_fields)
        if self._has('submit_name'):
            buttons = (f'<input type="submit" name="{SUBMIT}" value="{self._t("ok")}">'
                       f'<input type="submit" name="{CANCEL}" value="{CANCEL}">')
        elif self._has('button_formaction'):
            buttons = f'<button formaction="{self._action(action)}">{self._t("ok")}</button>'
        else:
            buttons = f'<input type="submit" value="{self._t("ok")}">'
        attributes = f'method="post" action="{self._action(action)}" name="{self.profile["token_field"]}Form"'
        if self._has('button_formaction'):
            attributes = attributes.replace(f'action="{self._action(action)}"', f'action="{self._action(action)}.refused"')
        if self._has('multipart'):
            attributes += ' enctype="multipart/form-data"'
        if self._has('form_attribute'):
            # The controls stand after the form and join it by its id.
            form_id = f'{self.profile["token_field"]}Form'
            inner = CONTROL_TAG.sub(lambda match: f'<{match.group(1)} form="{form_id}"', inner)
            return f'<form id="{form_id}" {attributes}>{hidden}{buttons}</form>{inner}'
        return f'<form {attributes}>' + hidden + inner + buttons + '</form>'

    def _page(self, title, body, menu=True):
        bare = self._has('omit_end_tags')
        item_end = '' if bare else '</li>'
        nav = ''
        if menu:
            links = ''.join(f'<li><a href="{spec["status_path"]}">{self._t(provider)}</a>{item_end}'
                            for provider, spec in self.profile['providers'].items()) + self.mail.menu_link()
            nav = (f'<div id="nav"><a href="{self.look["portal"]}">{self._t("portal")}</a>'
                   f'<ul><li>{self._t("settings")}<ul><li>{self._t("send")}<ul>{links}</ul>{item_end}</ul>{item_end}</ul>'
                   f'<a href="{self.profile["logout"]["path"]}">{self._t("log_out")}</a></div>')
        if menu and self._has('destructive_links'):
            body = self._side_effect_links() + body
        if bare:
            body = body.replace('</p>', '')
        heading = f'{title}: ' if title else ''
        if self._has('meta_charset'):
            meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        elif self._has('meta_charset_latin1'):
            meta = '<meta charset="iso-8859-1">'
        else:
            meta = '<meta charset="utf-8">'
        page = (f'<!DOCTYPE html><html lang="{self.language}"><head>{meta}'
                f'<title>Remote UI: {heading}{self.look["model"]}</title>'
                f'<link rel="stylesheet" href="{STYLESHEET}"><script src="{PAGE_SCRIPT}"></script></head><body>'
                f'<div id="header">{self.look["model"]} / {self.name}</div>{nav}'
                f'<div id="main"><h1>{title}</h1>{self._noise()}{body}</div></body></html>')
        if bare:
            page = page.replace('</body></html>', '')
        if self._has('markup_style'):
            page = restyle(page)
        if self._has('entities'):
            page = ''.join(ch if ord(ch) < 128 else f'&{html.entities.codepoint2name[ord(ch)]};'
                           if ord(ch) in html.entities.codepoint2name else f'&#{ord(ch)};' for ch in page)
        return page

    def _noise(self):
        """Comments and scripts holding label text and stale values: a parser must skip them."""
        if not self._has('noise'):
            return ''
        label = self._label('token_status')
        stale = self._status_word('token_status', 'active')
        return (f'<!-- <tr><th>{label}</th><td>{stale}</td></tr> -->'
                f'<script type="text/javascript">var last = "<td>{label}</td><td>{stale}</td>";'
                f' if (1 < 2 && last) {{ document.title += ""; }}</script>'
                f'<noscript><p>JavaScript is off: {label}</p></noscript>'
                '<style>th { text-align: left }</style>')

    def _html(self, text, status=200):
        headers = {'Server': self.look['server'], 'Cache-Control': 'no-store'}
        if self._has('meta_charset') or self._has('meta_charset_latin1'):
            charset = 'windows-1252' if self._has('meta_charset') else 'iso-8859-1'
            return web.Response(body=text.encode(charset, errors='xmlcharrefreplace'), status=status,
                                headers={**headers, 'Content-Type': 'text/html'})
        return web.Response(text=text, status=status, content_type='text/html', charset='utf-8', headers=headers)

    def _error_page(self):
        return self._html(self._page('', f'<p class="error">{self._t("error")}</p>'))

    def _to_status(self, provider):
        return self._redirect(self.profile['providers'][provider]['status_path'])

    def _redirect(self, location):
        return web.Response(status=302, headers={'Location': location, 'Server': self.look['server']})


CONTROL = re.compile(r'<(input|select)\b(?![^>]*type="hidden")[^>]*name="([^"]+)"[^>]*>')
CONTROL_TAG = re.compile(r'<(input|select|textarea)\b')
TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*>')
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)(?:="([^"]*)")?')
UNQUOTED = re.compile(r'^[A-Za-z0-9_.:-]+$')


def restyle(page):
    """Tags and attributes upper case, attributes in reverse order, values single-quoted or unquoted."""
    def attribute(name, value):
        if value is None:
            return name.upper()
        if UNQUOTED.match(value):
            return f'{name.upper()}={value}'
        return f"{name.upper()}='{value}'"     # values were escaped for double quotes: no ' inside

    def tag(match):
        closing, name, attributes = match.group(1), match.group(2), match.group(3)
        pairs = [attribute(found.group(1), found.group(2)) for found in ATTRIBUTE.finditer(attributes or '')]
        return '<' + closing + name.upper() + ''.join(' ' + pair for pair in reversed(pairs)) + '>'
    return TAG.sub(tag, page)
