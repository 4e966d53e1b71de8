"""A firmware generation no built-in profile describes ("Remote UI X"), in German and English.

Written from the user's side of an unknown printer, not from the collection's profiles: its own
paths and field names, and what makes real embedded UIs hard to automate:

- ``/`` redirects to a start page whose meta refresh loads the sign-in page;
- a one-time login nonce in the sign-in form (a post with a stale or missing nonce is refused);
- one administrator session at a time, a lockout after 5 failed logins;
- a one-time form token per page view (``ftok``);
- a hidden field the page script fills with the time on submit (``zeit``, held empty in the form)
  and a hidden ``commit`` field the script adds; a post without them is refused with the device's
  text "Fehler: Ungültige Anforderung. (E-4002)";
- Edit and Register as ``onclick`` buttons, the OK button submitting through the page script;
- the menu path as pages (Einstellungen/Registrierung > Senden > OAuth 2.0-Einstellungen (...));
- the link that starts the Microsoft sign-in next to the endpoint, named "Anmelden" / "Sign In";
- a destructive GET link on the status pages ("Autorisierungsinformationen löschen" drops the token);
- German words the collection ships none of; the English printer shows Canon's usual English words.

Everything else (clouds, tokens, counters, faults, the control interface) is the simulator's own
Printer. docs/device-contract.md describes the built-in families; this module is its own contract.
"""

import html
import secrets
import time

from aiohttp import web

from .device_oauth import DEVICE_MESSAGES
from .printer import Printer

FAMILY = 'generation_x'
LANGUAGES = ('de', 'en')
ROOT = '/webui'
SEND = ROOT + '/settings/send'
SCRIPT = ROOT + '/wx.js'

# The simulator's own description of the firmware (the shape of a resolved profile, for the Printer's
# machinery); the collection never reads it: a profile for it must be learnt.
PROFILE = {
    'name': FAMILY,
    'login': {'form_path': ROOT + '/signin.html', 'path': ROOT + '/auth/session.cgi', 'username_field': 'usr_id',
              'password_field': 'usr_pw', 'extra_fields': {}, 'session_cookie': 'WXSID'},
    'logout': {'path': ROOT + '/auth/logout.cgi', 'method': 'GET'},
    'token_field': 'ftok',
    'write_fields': {'commit': '1'},
    'timestamp_field': 'zeit',
    'checkbox': {'on': 'true', 'off': None},
    'markup': 'table',
    'after_login': [],
    'device_time_format': '%d.%m.%Y %H:%M:%S',
    'providers': {
        'microsoft': {'status_path': SEND + '/oauth_ms.html', 'edit_path': SEND + '/oauth_ms_form.html',
                      'save_path': SEND + '/oauth_ms_save.cgi', 'authorize_path': SEND + '/oauth_ms_signin.cgi',
                      'delete_path': SEND + '/oauth_ms_tokdel.cgi', 'authorization_flow': 'authorize_page',
                      'fields': {'enabled': 'ms_use', 'verify_server_certificate': 'ms_chk_cert',
                                 'add_cn_to_verification': 'ms_add_cn', 'authority_url': 'ms_endpoint'}},
        'google': {'status_path': SEND + '/oauth_gg.html', 'edit_path': SEND + '/oauth_gg_form.html',
                   'save_path': SEND + '/oauth_gg_save.cgi', 'register_path': SEND + '/oauth_gg_code.html',
                   'code_path': SEND + '/oauth_gg_code.cgi', 'delete_path': SEND + '/oauth_gg_tokdel.cgi',
                   'fields': {'enabled': 'gg_use', 'verify_server_certificate': 'gg_chk_cert',
                              'add_cn_to_verification': 'gg_add_cn', 'client_id': 'gg_client',
                              'client_secret': 'gg_secret', 'authorization_code': 'gg_code'},
                   'secret_change_flag': {'field': 'gg_secret_neu', 'value': 'true'}},
    },
    # [German, English]
    'labels': {
        'connection_status': ['Serververbindungsstatus', 'Server Connection Status'],
        'token_status': ['Token-Status', 'Token Status'],
        'message': ['Meldung', 'Message'],
        'user_code': ['Benutzercode', 'User Code'],
        'user_code_expires_in': ['Benutzercode gültig für', 'User Code Expires In'],
        'authorization_url': ['URL des Google-Autorisierungsservers', 'URL for Google Authorization Server'],
        'error_details': ['Fehlerdetails', 'Error Details'],
        'device_time': ['Datum/Uhrzeit des Geräts', 'Device Date/Time'],
        'token_refreshed_at': ['Token zuletzt erneuert', 'Token Last Refreshed'],
        'refresh_token_expires_at': ['Autorisierung gültig bis', 'Authorization Valid Until'],
    },
    'status_values': {
        'connection_status': {'connected': ['Verbunden', 'Successfully Connected'],
                              'not_connected': ['Verbindung fehlgeschlagen', 'Connection Failed'],
                              'unknown': ['Wird geprüft...', 'Checking...']},
        'token_status': {'active': ['Gültig', 'Active'], 'inactive': ['Nicht autorisiert', 'Inactive'],
                         'authorizing': ['Warten auf Autorisierung', 'Waiting for Authorization'],
                         'expired': ['Abgelaufen', 'Expired'], 'error': ['Fehler', 'Error']},
    },
    'messages': {
        'login_failed': ['Anmeldung fehlgeschlagen: Benutzer-ID oder Kennwort ist falsch.',
                         'Login failed: the user ID or password is wrong.'],
        'locked_out': ['Die Anmeldung ist nach wiederholten Fehlversuchen für 5 Minuten gesperrt.',
                       'Login is locked for 5 minutes after repeated failed attempts.'],
        'session_limit': ['Ein anderer Administrator ist angemeldet.', 'Another administrator is logged in.'],
        'busy': ['Das Gerät ist beschäftigt.', 'The device is busy.'],
        'code_rejected': ['Der Autorisierungscode ist ungültig.', 'The authorization code is incorrect.'],
        'stale_form': ['Die Seite ist abgelaufen. Bitte neu laden.', 'The page has expired. Please reload it.'],
    },
}
LOOK = {'model': 'imageFORCE X 6160', 'server': 'WX-httpd/2.4', 'portal': ROOT + '/portal.html',
        'portal_top': ROOT + '/portal.html', 'portal_cookie': 'wxportal', 'page_fields': lambda page: {}}

TEXT = {
    'login': ['Anmeldung', 'Sign In'],
    'system_manager_id': ['Benutzer-ID', 'User ID'],
    'pin': ['Kennwort', 'Password'],
    'log_in': ['Anmelden', 'Sign In'],
    'log_out': ['Abmelden', 'Sign Out'],
    'portal': ['Startseite', 'Home'],
    'settings': ['Einstellungen/Registrierung', 'Settings/Registration'],
    'send': ['Senden', 'Send'],
    'microsoft': ['OAuth 2.0-Einstellungen (Microsoft)', 'OAuth 2.0 Settings (Microsoft)'],
    'google': ['OAuth 2.0-Einstellungen (Google)', 'OAuth 2.0 Settings (Google)'],
    'basic_settings': ['Grundeinstellungen', 'Basic Settings'],
    'edit': ['Bearbeiten', 'Edit'],
    'edit_basic': ['Grundeinstellungen bearbeiten', 'Edit Basic Settings'],
    'authorization_info': ['Autorisierungsinformationen', 'Authorization Information'],
    'register': ['Registrieren', 'Register'],
    'register_title': ['Autorisierungsinformationen registrieren', 'Register Authorization Information'],
    'authorize': ['Anmelden', 'Sign In'],
    'delete': ['Autorisierungsinformationen löschen', 'Delete Authorization Information'],
    'ok': ['OK', 'OK'],
    'cancel': ['Abbrechen', 'Cancel'],
    'on': ['Ein', 'On'],
    'off': ['Aus', 'Off'],
    'error': ['Fehler: Ungültige Anforderung. (E-4002)', 'Error: Invalid request. (E-4002)'],
    'server_error': ['Interner Serverfehler', 'Internal Server Error'],
    'enabled': {'microsoft': ['OAuth 2.0 (Microsoft) verwenden', 'Use OAuth 2.0 (Microsoft)'],
                'google': ['OAuth 2.0 (Google) verwenden', 'Use OAuth 2.0 (Google)']},
    'verify_server_certificate': ['Serverzertifikat prüfen', 'Verify Server Certificate'],
    'add_cn_to_verification': ['CN zu den Prüfelementen hinzufügen', 'Add CN to Verification Items'],
    'authority_url': ['Endpunkt des Autorisierungsservers von Microsoft Entra ID',
                      'Microsoft Entra ID Authorization Server Endpoint'],
    'client_id': ['Client-ID', 'Client ID'],
    'client_secret': ['Client-Geheimnis', 'Client Secret'],
    'change_secret': ['Client-Geheimnis ändern', 'Change Client Secret'],
    'authorization_code': ['Autorisierungscode', 'Authorization Code'],
}
DEVICE_TEXTS = {
    'code_expired': 'Der Benutzercode ist abgelaufen. Bitte erneut anmelden.',
    'declined': 'Die Autorisierung wurde abgelehnt.',
    'unreachable': 'Keine Verbindung zum Autorisierungsserver.',
    'refresh_failed': 'Das Token konnte nicht erneuert werden. Bitte erneut anmelden.',
    'not_enabled': 'OAuth 2.0 ist nicht aktiviert.',
}
# The page script: fills the time field and adds the commit field, then submits (the OK button is no submit).
PAGE_SCRIPT = '''(function () {
  window.wxSubmit = function (form) {
    if (form.elements["zeit"]) { form.elements["zeit"].value = String(Date.now()); }
    var commit = document.createElement("input");
    commit.type = "hidden"; commit.name = "commit"; commit.value = "1";
    form.appendChild(commit);
    form.submit();
  };
})();
'''


class GenerationX(Printer):
    LOOKS = {FAMILY: LOOK}
    LANGUAGES = LANGUAGES
    SECRET_FLAG_FIRST = True

    @staticmethod
    def built_in_profile(family):
        return PROFILE

    def __init__(self, *arguments, **options):
        options['session_limit'] = 1      # one administrator at a time
        super().__init__(*arguments, **options)
        self.nonces = set()

    # ----- routes
    def _routes(self):
        login, logout = self.profile['login'], self.profile['logout']
        routes = {('GET', '/'): self.root, ('GET', ROOT + '/'): self.start_page, ('GET', ROOT + '/start.html'): self.start_page,
                  ('GET', login['form_path']): self.login_page, ('POST', login['path']): self.login,
                  ('GET', logout['path']): self.logout, ('GET', LOOK['portal']): self.portal_page,
                  ('GET', ROOT + '/settings.html'): self.menu_page_settings,
                  ('GET', ROOT + '/settings/send.html'): self.menu_page_send, ('GET', SCRIPT): self.script}
        for provider, spec in self.profile['providers'].items():
            routes[('GET', spec['status_path'])] = lambda request, p=provider: self.status_page(request, p)
            routes[('GET', spec['edit_path'])] = lambda request, p=provider: self.edit_page(request, p)
            routes[('POST', spec['save_path'])] = lambda request, p=provider: self.save_settings(request, p)
            routes[('GET', spec['delete_path'])] = lambda request, p=provider: self.delete_token(request, p)
        ms, gg = self.profile['providers']['microsoft'], self.profile['providers']['google']
        routes[('GET', ms['authorize_path'])] = lambda request: self.authorize_page(request, 'microsoft')
        routes[('GET', gg['register_path'])] = lambda request: self.register_page(request, 'google')
        routes[('POST', gg['code_path'])] = lambda request: self.register_code(request, 'google')
        return routes

    def _to_login(self):
        return self._redirect(self.profile['login']['form_path'])

    async def root(self, request):
        return self._redirect(ROOT + '/start.html')

    async def start_page(self, request):
        """The start page loads the sign-in page by a meta refresh, as many embedded UIs do."""
        return self._html('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><meta http-equiv="refresh" '
                          'content="0; url=signin.html"><title>Remote UI X</title></head><body></body></html>'
                          % self.language)

    async def script(self, request):
        return web.Response(text=PAGE_SCRIPT, content_type='application/javascript',
                            headers={'Server': LOOK['server']})

    # ----- sign-in
    def _login_hidden(self):
        """A one-time nonce per view of the sign-in form."""
        nonce = secrets.token_hex(12)
        self.nonces.add(nonce)
        return self._hidden('nonce', nonce)

    async def login(self, request):
        """A stale or missing nonce is refused before the credentials are even read (nothing counted)."""
        form = await request.post()
        if form.get('nonce') not in self.nonces:
            return await self.login_page(request, 'stale_form')
        self.nonces.discard(form['nonce'])
        return await super().login(request)

    # ----- pages
    async def portal_page(self, request):
        if not self._session(request, portal=True):
            return self._to_login()
        return self._html(self._page(self._t('portal'), f'<p>{LOOK["model"]}</p>'))

    async def menu_page_settings(self, request):
        return await self._menu_page(request, self._t('settings'), [(ROOT + '/settings/send.html', self._t('send'))])

    async def menu_page_send(self, request):
        return await self._menu_page(request, self._t('send'), [
            (spec['status_path'], self._t(provider)) for provider, spec in self.profile['providers'].items()])

    async def _menu_page(self, request, title, entries):
        if not self._session(request):
            return self._to_login()
        items = ''.join(f'<li><a href="{path}">{text}</a></li>' for path, text in entries)
        return self._html(self._page(title, f'<ul class="menu">{items}</ul>'))

    def _button(self, text, target):
        return f'<input type="button" value="{text}" onclick="location.href=\'{target}\'">'

    def _authorize_link(self, oauth, spec, provider):
        return f' <a href="{spec["authorize_path"]}">{self._t("authorize")}</a>'

    def _status_body(self, oauth, spec, provider, rows):
        """Edit and Register are onclick buttons; the destructive GET link stands under the rows."""
        body = (f'<h2>{self._t("basic_settings")}</h2>{self._button(self._t("edit"), spec["edit_path"])}'
                + self._rows(rows) + self._rows(self._oauth_rows(oauth))
                + f'<p><a href="{spec["delete_path"]}">{self._t("delete")}</a></p>')
        if provider == 'google':
            body += (f'<h2>{self._t("authorization_info")}</h2>'
                     + self._button(self._t('register'), spec['register_path']))
        return body

    def _form(self, session, action, inner):
        return (f'<form method="post" action="{action}" name="wxform">'
                + self._hidden('ftok', session.form_token) + '<input type="hidden" name="zeit" value="">' + inner
                + f'<button type="button" value="OK" onclick="wxSubmit(this.form)">{self._t("ok")}</button>'
                + f'<button type="button" onclick="history.back()">{self._t("cancel")}</button></form>')

    async def delete_token(self, request, provider):
        """A GET that acts, as old embedded UIs have them: the token is gone."""
        if not self._session(request):
            return self._to_login()
        self.oauth[provider].drop()
        self.counters['writes'] += 1
        self.counters['side_effect_reads'] += 1
        return self._to_status(provider)

    # ----- writes
    async def _accept_post(self, request, session):
        """The posted form, or None: the one-time token, the script's time stamp and commit field are required."""
        form = await request.post()
        token, session.form_token = session.form_token, None
        if token is None or form.get('ftok') != token:
            return None
        if not (form.get('zeit', '').isdigit() and len(form['zeit']) == 13) or form.get('commit') != '1':
            return None
        return form

    async def _after_write(self, request, provider, form_page=None):
        return self._to_status(provider)

    def _error_page(self):
        return self._html(self._page('', f'<p class="error">{self._t("error")}</p>'), status=200)

    # ----- words
    def _t(self, key):
        return self._translate(TEXT, key)

    def _error_text(self, error):
        if self.lang == 0 and error in DEVICE_TEXTS:
            return DEVICE_TEXTS[error]
        if error in self.profile['messages']:
            return self.profile['messages'][error][self.lang]
        return DEVICE_MESSAGES[error][0] if error in DEVICE_MESSAGES else error

    def device_time_text(self, moment):
        moment += self.clock_offset
        if self.lang == 0:
            return time.strftime('%d.%m.%Y %H:%M', time.gmtime(moment))
        return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(moment))

    def _oauth_rows(self, oauth):
        rows = super()._oauth_rows(oauth)
        fixed = []
        for label, value in rows:
            if label == self._label('device_time') and self.lang == 1:
                value = time.strftime('%Y/%m/%d %H:%M:%S', time.gmtime(self.clock.now() + self.clock_offset))
            elif label == self._label('user_code_expires_in') and self.lang == 0:
                minutes, seconds = value.replace(' s', '').split(' min ')
                value = f'{minutes} Min. {seconds} Sek.'
            fixed.append((label, value))
        return fixed

    def _page(self, title, body, menu=True):
        nav = ''
        if menu:
            nav = (f'<div id="nav"><a href="{LOOK["portal"]}">{self._t("portal")}</a> '
                   f'<a href="{ROOT}/settings.html">{self._t("settings")}</a> '
                   f'<a href="{self.profile["logout"]["path"]}">{self._t("log_out")}</a></div>')
        heading = html.escape(title, quote=False)
        return (f'<!DOCTYPE html><html lang="{self.language}"><head><meta charset="utf-8">'
                f'<title>Remote UI X: {heading}</title><script src="{SCRIPT}"></script></head><body>'
                f'<div id="header">{LOOK["model"]} / {self.name}</div>{nav}'
                f'<div id="main"><h1>{heading}</h1>{body}</div></body></html>')


GENERATIONS = {FAMILY: GenerationX}
