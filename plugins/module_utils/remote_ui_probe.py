# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A read-only look at an unknown printer: which profile describes it, or a draft of one.

The probe is read-only by construction: it reads only what a person sees by opening the Remote
UI and following the manual's menu path, and lists every other link without reading it
(docs/real-devices.md, "What the probe reads"). It may GET:

1. before any password: ``/`` and the login form pages the profiles name, and what those pages
   load without a click (a redirect, a meta refresh, a frame or iframe);
2. after the login: the page the login leads to, the profile's ``after_login`` and the known portal
   pages, the pages the host's own profile names (status and form pages, which the collection reads
   itself), and what these load without a click;
3. a link (or a button that navigates) only when its text names a step of the manual's menu path
   (Settings/Registration > Send > OAuth 2.0 Settings (Microsoft/Google), in the languages the
   collection knows, the words of the host's profile, or the untranslated shape
   "OAuth 2.0 <one word> (Microsoft|Google)"), or is the Edit / Register entry of an OAuth status page;
   and only when its target is on the same host and port and has no query string.

Never, whatever its text: a logout, the link next to the Microsoft endpoint (it starts an
authorization), a link whose text or path holds an action word in a Canon UI language (a second
safeguard, not the rule), a form post. A link with neutral text ("OK", an icon, a bare ``.cgi``)
names no menu step, so it is never read. Where no OAuth page can be reached that way, the result
says so and asks for a browser capture (docs/learn-profile.md).

What it finds (pages, field names, labels) is compared with each profile here; what is made of the
findings (the run of one probe, the draft profile and what the draft cannot know) is in ``probe_result``,
so that this file holds the walk and its read-only rule alone.
"""

from __future__ import annotations

__metaclass__ = type

import re
from collections import deque
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import DeviceUnreachableError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES, PROVIDERS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import LOGOUT_PATH, LOGOUT_TEXT, logout_controls
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import comparable, normalize_label, normalize_text

PROVIDER_NAMES = NAMES

# The manual's words (English, French, German) for what the probe clicks, from Canon's page "Support for a
# cloud mail server with OAuth 2.0".
MENU_TEXTS = dict(((name, list(provider.menu_texts)) for name, provider in PROVIDERS.items()), **{
    'path': ['Settings/Registration', 'Réglages/Enregistrement', 'Einstellungen/Registrierung', 'Send', 'Envoi',
             'Senden'],
    'edit': ['Edit', 'Modifier', 'Bearbeiten'],
    'register': ['Register', 'Mémoriser', 'Registrieren'],
    # The link next to the endpoint: reading it starts a device authorization, so it is never followed.
    'authorize': ['Authorize', 'Autoriser', 'Autorisieren'],
})
# A menu entry in a language the collection has no words for: "OAuth 2.0", at most one word ("Settings",
# "Einstellungen", "設定") and the provider in parentheses, which no translation changes.
OAUTH_MENU_SHAPE = re.compile(r'^(?:(?P<before>[^\s()]+)\s*)?oauth\s*2\.0(?:[\s-]*(?P<middle>[^\s()]+))?\s*'
                              r'\((?P<provider>%s)\)(?:\s*(?P<after>[^\s()]+))?$' % '|'.join(NAMES))
# Second safeguard: words that make a GET act, in the languages Canon Remote UIs ship (in link texts and paths).
ACTION_WORDS = re.compile(
    r'delet|remov|reset|reboot|restart|init|clear|format|start|exec|apply|submit|cancel|revoke|'
    r'löschen|losch|entfern|zurücksetz|neustart|widerruf|'
    r'supprim|effac|réinitialis|redémarr|annul|révoqu|'
    r'elimin|cancell|ripristin|riavvi|borrar|restablec|reinici|'
    r'verwijder|wissen|herstart|'
    r'削除|初期化|再起動|リセット|取り消|消去', re.IGNORECASE)
PATH_ACTION_WORDS = re.compile(r'del|rst|reset|reboot|restart|init|clear|start|exec|apply|revoke|cancel|'
                               r'log_?(out|off)|sign_?out', re.IGNORECASE)
# Captions of the settings inputs in the manual, by profile field key.
FIELD_CAPTIONS = dict((name, provider.field_captions) for name, provider in PROVIDERS.items())
# Not in the manual: the tick box some firmware wants with a new client secret (modelled).
SECRET_CHANGE_CAPTIONS = ['Change Client Secret', 'Modifier le secret du client', 'Client-Geheimnis ändern']
FIRMWARE_LABELS = ['Firmware Version', 'Firmware', 'Version', 'Controller Version', 'Version du micrologiciel',
                   'Micrologiciel', 'Version du contrôleur', 'Firmware-Version']
LANGUAGE_TEXTS = {
    'en': ['OAuth 2.0 (Microsoft) Settings', 'OAuth 2.0 Settings (Google)', 'Settings/Registration', 'Send', 'Edit'],
    'fr': ['Réglages OAuth 2.0 (Microsoft)', 'Réglages OAuth 2.0 (Google)', 'Réglages/Enregistrement', 'Envoi',
           'Modifier'],
    'de': ['OAuth 2.0-Einstellungen (Microsoft)', 'OAuth 2.0-Einstellungen (Google)', 'Einstellungen/Registrierung',
           'Senden', 'Bearbeiten'],
}
# Portal pages that public captures show setting a cookie the OAuth pages need; read (GET) when present.
KNOWN_PORTAL_PAGES = ('/rps/nativetop.cgi', '/portal_top.html')
TITLE_MODEL = re.compile(r'Remote\s*UI\s*:\s*(?:[^:]+:\s*)?(?P<model>[^:]+?)\s*$', re.IGNORECASE)

_LOGOUT = re.compile(r'log\s*-?\s*(out|off)|sign\s*-?\s*out|d[ée]connexion|d[ée]connecter|abmelden', re.IGNORECASE)
_NOT_PAGES = re.compile(r'\.(css|js|png|gif|jpe?g|ico|svg|bmp|woff2?|ttf|pdf|zip|bin|xml|json)$', re.IGNORECASE)
# Pages followed without a click (redirects, meta refresh, frames) before the login form, at most.
LOGIN_HOPS = 5
# Links listed but not read, at most, in the notes.
LISTED_LINKS = 12


def label_matches(text, candidates):
    """Whether a label or link text, normalized, is one of ``candidates`` (in any of their languages)."""
    shown = normalize_label(text)
    return bool(shown) and any(normalize_label(candidate) == shown for candidate in candidates)


def oauth_menu_provider(text):
    """The provider a menu entry names by the untranslated shape "OAuth 2.0 <word> (Provider)", or None."""
    match = OAUTH_MENU_SHAPE.match(comparable(text))
    if not match or sum(1 for part in ('before', 'middle', 'after') if match.group(part)) > 1:
        return None
    return match.group('provider')


def is_action(text, path=''):
    """Whether a link's text or path holds a word that makes a GET act (the second safeguard)."""
    return bool(ACTION_WORDS.search(comparable(text))) or bool(
        PATH_ACTION_WORDS.search(re.sub(r'oauth', '', path.rsplit('/', 1)[-1], flags=re.IGNORECASE)))


class Findings:
    """What the probe saw on one printer."""

    def __init__(self):
        self.server = None
        self.model = None
        self.firmware = None
        self.language = None
        self.login = {}            # form_path, path, username_field, password_field
        self.after_login = []      # portal pages that set a cookie
        self.providers = {}        # provider -> status_path, edit_path, authorize_path, register_path, fields, ...
        self.labels = {}           # connection_status / token_status -> label shown
        self.statuses = {}         # provider -> connection_status / token_status normalized (None: unknown word)
        self.notes = []            # what it could not find or did not follow, in words
        self.pages_read = 0
        self.sent_to_login = []    # pages that answered with the login page
        self.not_followed = []     # (page, target, text) of links listed, not read
        self.shown = {}            # provider -> the labels and link texts its pages showed (for the draft)
        self.session_cookie = None  # the cookie the login answer set
        self.logout = None         # the logout control the pages after the login show: path, method (fields)


class Probe:
    """Probe one printer. ``candidates``: built-in profile name -> resolved profile; ``own``: the host's profile."""

    def __init__(self, open_session, candidates, own=None, max_pages=40):
        self.open_session = open_session
        self.candidates = candidates
        self.own = own
        self.max_pages = max_pages
        self.found = Findings()
        self.warnings = []
        self.menu = MENU_TEXTS
        self.discovered = None

    # -- before any password

    def login_forms(self):
        """For each profile: whether its login page holds its fields, and the login form seen there.

        ``discovered``: the login form found from ``/`` by structure (a form with a password input,
        through redirects, meta refresh and frames), for a draft when no profile names one.
        """
        checks = {}
        profiles = dict(self.candidates)
        if self.own is not None:
            profiles[self.own['name']] = self.own
        pages = {}
        for name, profile in profiles.items():
            login = profile['login']
            form_path = login.get('form_path') or login['path']
            if form_path not in pages:
                pages[form_path] = self._read_login_page(profile, form_path)
            form = pages[form_path]
            wanted = (login['username_field'], login['password_field'])
            checks[name] = {'form_path': form_path, 'holds_fields': bool(form) and all(f in form['fields'] for f in wanted),
                            'form': form}
        if not any(check['form'] for check in checks.values()):
            self.discovered = self._discover_login_form(next(iter(profiles.values())))
        else:
            self.discovered = None
        return checks

    def _read_login_page(self, profile, form_path, session=None):
        """The login form at ``form_path`` (a form with a password input), or None. GET only."""
        own_session = session is None
        session = session or self.open_session(profile)
        try:
            session.connect()
            response, page = session.fetch(form_path)
            self.found.server = self.found.server or response.headers.get('Server')
            if page is None or response.status_code != 200:
                return None
            return self._password_form(session, form_path, page)
        finally:
            if own_session:
                session.close()

    @staticmethod
    def _password_form(session, form_path, page):
        for form in page.forms:
            passwords = [c.name for c in form.inputs if c.kind == 'password' and c.name]
            if passwords:
                users = [c.name for c in form.inputs if c.kind in ('text', 'email') and c.name]
                return {'fields': form.names(), 'password_field': passwords[0],
                        'username_field': users[0] if users else None, 'form_path': form_path,
                        'path': session._action_path(form_path, form.action or form_path)}
        return None

    def _discover_login_form(self, profile):
        """From ``/``, what the device loads without a click, until a form with a password input. GET only."""
        session = self.open_session(profile)
        base = None
        try:
            session.connect()
            base = urlsplit(session.base_url)
            queue, seen = deque(['/']), set()
            while queue and len(seen) < LOGIN_HOPS * 2:
                path = queue.popleft()
                if path in seen:
                    continue
                seen.add(path)
                try:
                    response, page = session.fetch(path)
                except DeviceUnreachableError:
                    continue
                self.found.server = self.found.server or response.headers.get('Server')
                if response.is_redirect:
                    target = self._same_site(base, path, response.headers.get('Location', ''))
                    if target:
                        queue.append(target)
                    continue
                if page is None or response.status_code != 200:
                    continue
                form = self._password_form(session, path, page)
                if form:
                    self.found.notes.append('login form found from / at %s (fields %s / %s)' % (
                        path, form['username_field'], form['password_field']))
                    return form
                for href in page.loads:
                    target = self._same_site(base, path, href)
                    if target and not target.partition('?')[2]:
                        queue.append(target)
            self.found.notes.append('no login form (a form with a password input) found from / (read: %s)'
                                    % ', '.join(sorted(seen)))
            return None
        finally:
            session.close()

    # -- after the login

    def explore(self, session):
        """Read the landing page and the manual's menu path from it; every other link is listed, not read."""
        start = [session.landing_path or '/'] + list(session.profile.get('after_login') or ())
        start += [page for page in KNOWN_PORTAL_PAGES if page not in start]
        if self.own is not None:
            # Pages the host's profile names: the collection reads them itself (GET), so may the probe.
            for spec in self.own['providers'].values():
                start += [spec[key] for key in ('status_path', 'edit_path', 'register_path') if spec.get(key)]
        self._base = urlsplit(session.base_url)
        # A session carried in the URL (?SID=...) stands in every link: it is the session, not a query that acts.
        self._url_session = set(tuple(pair) for pair in getattr(session, 'url_session', None) or ())
        self._avoid = set(p['logout']['path'] for p in self._profiles()) | set(
            spec.get('authorize_path') for p in self._profiles() for spec in p['providers'].values()
            if spec.get('authorize_path'))
        self._seen, self._links, self._pages = set(), [], {}
        self.found.session_cookie = next(iter(getattr(session, 'login_cookies', None) or ()), None)
        self._note_logout(session, getattr(session, 'page_logout', None))
        self._roles = {}     # path -> 'menu' / provider status page / 'edit:<provider>' / 'register:google'
        queue = deque()
        for path in start:
            self._visit(session, path, queue)
        while queue and len(self._pages) < self.max_pages:
            self._visit(session, queue.popleft(), queue)
        self.found.pages_read = len(self._pages)
        if queue:
            self.found.notes.append('stopped after %d pages (max_pages); %d menu links not read'
                                    % (len(self._pages), len(queue)))
        self._identify(self._pages, self._links)

    def _visit(self, session, path, queue):
        if path in self._seen:
            return
        self._seen.add(path)
        cookies_before = set(cookie.name for cookie in session._http.cookies)
        try:
            response, page = session.fetch(path)
        except DeviceUnreachableError as exc:
            self.found.notes.append('%s not read: %s' % (path, str(exc).split(': ', 1)[-1]))
            return
        self.found.server = self.found.server or response.headers.get('Server')
        if response.is_redirect:
            target = self._without_session(self._same_site(self._base, path, response.headers.get('Location', '')))
            if target and session._is_login_redirect(response):
                self.found.sent_to_login.append(path)
            elif target and target not in self._seen and not target.partition('?')[2]:
                queue.appendleft(target)
            return
        if page is None or response.status_code != 200:
            return
        self._pages[path] = page
        if self.found.logout is None:
            for control in logout_controls(page):
                target = self._without_session(self._same_site(self._base, path, control['url']))
                if target:
                    self._note_logout(session, dict(control, path=target.partition('?')[0]))
                    break
        if set(cookie.name for cookie in session._http.cookies) - cookies_before \
                and path != session.landing_path and path not in self.found.after_login:
            self.found.after_login.append(path)
        self.found.language = self.found.language or page.language
        role = self._roles.get(path)
        preferred = []
        for href in page.loads:
            target = self._without_session(self._same_site(self._base, path, page.resolve(href)))
            if target and not target.partition('?')[2] and target not in self._seen:
                preferred.append(target)
        if role in PROVIDER_NAMES:
            # A status page may show every provider's section: the Edit entry read is this provider's own.
            page = page.in_section(role)
        authorize = self._authorize_links(page, PROVIDERS[role]) if role in PROVIDERS else set()
        for href, link_text in page.navigations():
            target = self._without_session(self._same_site(self._base, path, page.resolve(href)))
            if target is None:
                continue
            self._links.append((path, target, link_text))
            if target in self._seen:
                continue
            step = self._menu_step(target, link_text, role, href in authorize)
            if step is None:
                if (path, target, link_text) not in self.found.not_followed:
                    self.found.not_followed.append((path, target, link_text))
                continue
            self._roles.setdefault(target, step)
            preferred.append(target)
        # The manual's menu path first, so that a bounded walk reaches the OAuth pages early.
        queue.extendleft(reversed(preferred))

    def _note_logout(self, session, control):
        """Keep the logout control seen (never read: it ends the session), and never visit it."""
        if not control or self.found.logout is not None:
            return
        self.found.logout = {'path': control['path'], 'method': control['method']}
        if control.get('fields'):
            self.found.logout['fields'] = control['fields']
        self._avoid.add(control['path'])
        if getattr(session, 'page_logout', None) is None:
            session.page_logout = dict(control)

    def _menu_step(self, target, text, role, authorize):
        """What a link is on the manual's menu path ('menu', a provider, 'edit:...', 'register:...'), or None.

        None for everything the probe must not read: the allow-list is the rule, the action words a safeguard.
        """
        path, _sep, query = target.partition('?')
        if query or path in self._avoid or authorize or _NOT_PAGES.search(path) or _LOGOUT.search(text or '') \
                or _LOGOUT.search(path) or LOGOUT_TEXT.search(comparable(text or '')) or \
                LOGOUT_PATH.search(path.rsplit('/', 1)[-1]) or label_matches(text, self.menu['authorize']) or is_action(text, path):
            return None
        for provider in PROVIDER_NAMES:
            if label_matches(text, self.menu[provider]) or oauth_menu_provider(text) == provider:
                return provider
        if label_matches(text, self.menu['path']):
            return 'menu'
        if role in PROVIDER_NAMES and label_matches(text, self.menu['edit']):
            return 'edit:' + role
        if role in PROVIDERS and PROVIDERS[role].asks_code_back and label_matches(text, self.menu['register']):
            return 'register:' + role
        return None

    def _without_session(self, target):
        """``target`` without the session's own URL id (the session adds it to every request itself)."""
        path, _sep, query = (target or '').partition('?')
        if not query or not self._url_session:
            return target
        kept = [pair for pair in parse_qsl(query, keep_blank_values=True) if pair not in self._url_session]
        return path + ('?' + urlencode(kept) if kept else '')

    @staticmethod
    def _authorize_links(page, provider):
        """The links next to the endpoint on a device-code provider's page: the sign-in starts there, whatever
        the text says (an authorization-code provider has none)."""
        links = set()
        if provider.asks_code_back:
            return links
        for pair in page.pairs:
            if any(word in comparable(pair.label) for word in provider.endpoint_words) or 'https://' in pair.text \
                    or label_matches(pair.label, provider.field_captions[provider.subject_field]):
                links.update(pair.links)
        return links

    def _profiles(self):
        return list(self.candidates.values()) + ([self.own] if self.own else [])

    @staticmethod
    def _same_site(base, page_path, href):
        """The path of ``href`` on this device, or None for another host, port or scheme."""
        href = (href or '').strip()
        if not href or href.startswith('#') or re.match(r'^(javascript|mailto|tel|data):', href, re.IGNORECASE):
            return None
        resolved = urlsplit(urljoin('%s://%s%s' % (base.scheme, base.netloc, page_path), href))
        if resolved.scheme != base.scheme or resolved.netloc != base.netloc:
            return None
        return (resolved.path or '/') + ('?' + resolved.query if resolved.query else '')

    def _identify(self, pages, links):
        found = self.found
        for page in pages.values():
            match = TITLE_MODEL.search(page.title or '')
            if match and not found.model:
                found.model = match.group('model')
            if not found.firmware:
                for pair in page.pairs:
                    if label_matches(pair.label, FIRMWARE_LABELS) and pair.text:
                        found.firmware = pair.text
                        break
        if not found.language:
            texts = [link[2] for link in links]
            for language, words in LANGUAGE_TEXTS.items():
                if any(label_matches(text, words) for text in texts):
                    found.language = language
                    break
        own_specs = self.own['providers'] if self.own is not None else {}
        for provider in PROVIDER_NAMES:
            status_path = next((path for path, role in self._roles.items() if role == provider), None)
            if status_path is None and own_specs.get(provider, {}).get('status_path') in pages:
                status_path = own_specs[provider]['status_path']
            if status_path is None:
                found.notes.append('%s: no menu entry named %s (or "OAuth 2.0 ... (%s)") on the pages read'
                                   % (provider, ' / '.join(repr(t) for t in MENU_TEXTS[provider][:3]),
                                      provider.capitalize()))
                continue
            spec = found.providers.setdefault(provider, {'status_path': status_path.partition('?')[0], 'fields': {}})
            own_links = [(to, text) for origin, to, text in links if origin == status_path]
            for key in ('edit', 'register'):
                target = next((path for path, role in self._roles.items() if role == '%s:%s' % (key, provider)
                               and any(to == path for to, _text in own_links)), None)
                own_path = own_specs.get(provider, {}).get(key + '_path')
                if target is None and own_path in pages:
                    target = own_path
                if target:
                    spec[key + '_path'] = target.partition('?')[0]
            if not PROVIDERS[provider].asks_code_back and status_path in pages:
                authorize = self._authorize_links(pages[status_path].in_section(provider), PROVIDERS[provider])
                target = next((to for to, text in own_links if label_matches(text, self.menu['authorize'])), None) or next(
                    (self._same_site(self._base, status_path, href) for href in sorted(authorize)), None)
                if target:
                    spec['authorize_path'] = target.partition('?')[0]
            if status_path in found.sent_to_login:
                found.notes.append('%s: %s answered with the login page: the firmware needs a page visited after '
                                   'login (after_login)' % (provider, status_path))
            if status_path in pages:
                self._read_status(provider, pages[status_path].in_section(provider))
                found.shown[provider] = {'links': [text for _to, text in own_links if text],
                                         'labels': pages[status_path].labels()}
            for key in ('edit_path', 'register_path'):
                if spec.get(key) in pages:
                    self._read_fields(provider, spec, pages[spec[key]])
            if 'authorization_flow' in PROVIDERS[provider].page_keys:
                spec['authorization_flow'] = 'authorize_page' if spec.get('authorize_path') else 'code_after_save'
        if not found.providers or any('edit_path' not in spec for spec in found.providers.values()):
            listed = ['%s -> %s (%r)' % (origin, target, text) for origin, target, text in found.not_followed]
            found.notes.append(
                'some OAuth pages cannot be reached by the manual\'s menu path without a link the probe never reads '
                '(it reads only menu entries it can name; %d links listed, not read%s); record the procedure once in '
                'a browser and learn the profile from the capture (docs/learn-profile.md)' % (
                    len(listed), ': ' + '; '.join(listed[:LISTED_LINKS]) + ('; ...' if len(listed) > LISTED_LINKS
                                                                            else '') if listed else ''))

    def _read_status(self, provider, page):
        vocabulary = self.own['status_values'] if self.own is not None else self._profiles()[0]['status_values']
        labels = self.own['labels'] if self.own is not None else self._profiles()[0]['labels']
        statuses = self.found.statuses.setdefault(provider, {'connection_status': None, 'token_status': None})
        for kind in ('connection_status', 'token_status'):
            pair = page.find(kind) if self.own is not None else None
            if pair is not None and pair.text.strip() and self._status_word(vocabulary, kind, pair.text):
                statuses[kind] = self._status_word(vocabulary, kind, pair.text)
                self.found.labels.setdefault(kind, normalize_text(pair.label).rstrip(':').strip())
        for pair in page.pairs:
            for kind in ('connection_status', 'token_status'):
                if statuses[kind] is not None or pair.text.strip() in ('', '-'):
                    continue    # "-" (not checked yet) stands in many rows: it names no row
                normalized = self._status_word(vocabulary, kind, pair.text)
                other = 'connection_status' if kind == 'token_status' else 'token_status'
                if normalized and not label_matches(pair.label, labels.get(other, [])):
                    statuses[kind] = normalized
                    self.found.labels.setdefault(kind, normalize_text(pair.label).rstrip(':').strip())

    @staticmethod
    def _status_word(vocabulary, kind, text):
        for normalized, words in vocabulary[kind].items():
            if any(comparable(word) == comparable(text) for word in words):
                return normalized
        return None

    def _read_fields(self, provider, spec, page):
        captions = page.captions()
        values = dict((control.name, control.value) for form in page.forms for control in form.inputs if control.name)
        # A control's <label for> (or enclosing <label>) names it too, where the text before it does not.
        labels = dict((control.name, getattr(control, 'label', '')) for form in page.forms for control in form.inputs
                      if control.name and getattr(control, 'label', ''))
        for name, caption in captions.items():
            for key, texts in FIELD_CAPTIONS[provider].items():
                if (label_matches(caption, texts) or label_matches(labels.get(name, ''), texts)) and key not in spec['fields']:
                    spec['fields'][key] = name
            if PROVIDERS[provider].secret_field and (label_matches(caption, SECRET_CHANGE_CAPTIONS)
                                                     or label_matches(labels.get(name, ''), SECRET_CHANGE_CAPTIONS)):
                spec['secret_change_flag'] = {'field': name, 'value': values.get(name) or 'on'}
        own = (self.own or {}).get('providers', {}).get(provider, {}).get('fields', {})
        for key, name in own.items():
            # The host's profile names the field and the form holds it: found, whatever its caption says.
            if key not in spec['fields'] and name in captions:
                spec['fields'][key] = name
        self.found.shown.setdefault(provider, {}).setdefault('captions', {}).update(
            (name, caption) for name, caption in captions.items() if name not in spec['fields'].values())
