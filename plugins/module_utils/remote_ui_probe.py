# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A read-only look at an unknown printer: which profile describes it, or a draft of one.

The probe checks the login form against the profiles before any password is sent,
logs in only where the form holds the profile's fields, then follows the Remote
UI's own links from the portal as a person would click through the manual's
menu path (Settings/Registration > Send > OAuth 2.0 Settings), bounded, on the
same host and port, GET only. It never submits a form, never follows a logout
link, the link that starts a Microsoft authorization, or a link whose query looks
like an action. What it finds (pages, field names, labels) is compared with each
profile; where none matches, it drafts a profile that ``extends`` the closest
built-in one and overrides what differs.
"""

from __future__ import annotations

__metaclass__ = type

import copy
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import DeviceUnreachableError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import (
    comparable,
    decode_body,
    normalize_label,
    normalize_text,
)

PROVIDER_NAMES = ('microsoft', 'google')

# The manual's words (English, French) for what the probe clicks, from Canon's page "Support for a
# cloud mail server with OAuth 2.0".
MENU_TEXTS = {
    'microsoft': ['OAuth 2.0 (Microsoft) Settings', 'OAuth 2.0 Settings (Microsoft)', 'Réglages OAuth 2.0 (Microsoft)'],
    'google': ['OAuth 2.0 Settings (Google)', 'OAuth 2.0 (Google) Settings', 'Réglages OAuth 2.0 (Google)'],
    'path': ['Settings/Registration', 'Réglages/Enregistrement', 'Send', 'Envoi'],
    'edit': ['Edit', 'Modifier'],
    'register': ['Register', 'Mémoriser'],
    # The link next to the endpoint: reading it starts a device authorization, so it is never followed.
    'authorize': ['Authorize', 'Autoriser'],
}
# Captions of the settings inputs in the manual, by profile field key.
FIELD_CAPTIONS = {
    'microsoft': {
        'enabled': ['Use OAuth 2.0 (Microsoft)', 'Utiliser OAuth 2.0 (Microsoft)'],
        'verify_server_certificate': ['Verify Server Certificate', 'Vérifier le certificat du serveur'],
        'add_cn_to_verification': ['Add CN to Verification Items', 'Ajouter CN à la liste des éléments à vérifier'],
        'authority_url': ['Microsoft Entra ID Authorization Server Endpoint', 'Microsoft Entra ID'],
    },
    'google': {
        'enabled': ['Use OAuth 2.0 (Google)', 'Utiliser OAuth 2.0 (Google)'],
        'verify_server_certificate': ['Verify Server Certificate', 'Vérifier le certificat du serveur'],
        'add_cn_to_verification': ['Add CN to Verification Items', 'Ajouter CN à la liste des éléments à vérifier'],
        'client_id': ['Client ID', 'N° client'],
        'client_secret': ['Client Secret', 'Secret du client'],
        'authorization_code': ['Authorization Code', "Code d'autorisation"],
    },
}
# Not in the manual: the tick box some firmware wants with a new client secret (modelled).
SECRET_CHANGE_CAPTIONS = ['Change Client Secret', 'Modifier le secret du client']
FIRMWARE_LABELS = ['Firmware Version', 'Firmware', 'Version', 'Controller Version', 'Version du micrologiciel',
                   'Micrologiciel', 'Version du contrôleur']
LANGUAGE_TEXTS = {'en': [texts[0] for texts in MENU_TEXTS.values()], 'fr': [texts[-1] for texts in MENU_TEXTS.values()]}
# Portal pages that public captures show setting a cookie the OAuth pages need; read (GET) when present.
KNOWN_PORTAL_PAGES = ('/rps/nativetop.cgi', '/portal_top.html')
TITLE_MODEL = re.compile(r'Remote\s*UI\s*:\s*(?:[^:]+:\s*)?(?P<model>[^:]+?)\s*$', re.IGNORECASE)

_LOGOUT = re.compile(r'log\s*-?\s*(out|off)|sign\s*-?\s*out|d[ée]connexion|d[ée]connecter', re.IGNORECASE)
# A query with one of these words may make the device act (a GET that saves, starts, resets...).
_ACTION_QUERY = re.compile(r'exec|action|save|set|del|remove|reset|reboot|restart|init|apply|submit|start|stop|'
                           r'auth|regist|log(in|out|off)|update|write|clear|format|upload|import|flag', re.IGNORECASE)
_NOT_PAGES = re.compile(r'\.(css|js|png|gif|jpe?g|ico|svg|bmp|woff2?|ttf|pdf|zip|bin|xml|json)$', re.IGNORECASE)
_CAPTIONED_KINDS = ('text', 'password', 'checkbox', 'radio', 'email', 'url', 'number', 'select', 'textarea')


def _matches(text, candidates):
    shown = normalize_label(text)
    return bool(shown) and any(normalize_label(candidate) == shown for candidate in candidates)


class PageScan(HTMLParser):
    """Links (with their text), the page language, and each input with the caption shown before it."""

    _SKIPPED = ('script', 'style', 'noscript', 'title', 'template')

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.links = []
        self.language = None
        self.captions = {}
        self.input_values = {}
        self._skip = 0
        self._link = None
        self._last_text = ''

    def handle_starttag(self, tag, attrs):
        attributes = dict((name.lower(), value or '') for name, value in attrs)
        if tag == 'html' and attributes.get('lang'):
            self.language = attributes['lang'].split('-')[0].lower()
        elif tag in self._SKIPPED:
            self._skip += 1
        elif tag == 'a' and attributes.get('href'):
            if self._link is not None:
                self.links.append(tuple(self._link))
            self._link = [attributes['href'], '']
        elif tag in ('input', 'select', 'textarea'):
            kind = (attributes.get('type') or 'text').lower() if tag == 'input' else tag
            name = attributes.get('name')
            if name and kind in _CAPTIONED_KINDS and name not in self.captions:
                self.captions[name] = self._last_text
                self.input_values[name] = attributes.get('value', '')

    def handle_endtag(self, tag):
        if tag in self._SKIPPED and self._skip:
            self._skip -= 1
        elif tag == 'a' and self._link is not None:
            self.links.append((self._link[0], normalize_text(self._link[1])))
            self._link = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._link is not None:
            self._link[1] += data
        if data.strip():
            self._last_text = normalize_text(data)

    def close(self):
        HTMLParser.close(self)
        if self._link is not None:
            self.links.append((self._link[0], normalize_text(self._link[1])))
            self._link = None


def scan(body):
    scanner = PageScan()
    scanner.feed(body or '')
    scanner.close()
    return scanner


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


class Probe:
    """Probe one printer. ``candidates``: built-in profile name -> resolved profile; ``own``: the host's profile."""

    def __init__(self, open_session, candidates, own=None, max_pages=40):
        self.open_session = open_session
        self.candidates = candidates
        self.own = own
        self.max_pages = max_pages
        self.found = Findings()
        self.warnings = []

    # -- before any password

    def login_forms(self):
        """For each profile: whether its login page holds its fields, and the login form seen there."""
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
        return checks

    def _read_login_page(self, profile, form_path):
        """The login form at ``form_path`` (a form with a password input), or None. GET only."""
        session = self.open_session(profile)
        try:
            session.connect()
            response, page = session.fetch(form_path)
            self.found.server = self.found.server or response.headers.get('Server')
            if page is None or response.status_code != 200:
                return None
            for form in page.forms:
                passwords = [c.name for c in form.inputs if c.kind == 'password' and c.name]
                if passwords:
                    users = [c.name for c in form.inputs if c.kind in ('text', 'email') and c.name]
                    return {'fields': form.names(), 'password_field': passwords[0],
                            'username_field': users[0] if users else None,
                            'path': session._action_path(form_path, form.action or form_path)}
            return None
        finally:
            session.close()

    # -- after the login

    def explore(self, session):
        """Follow the Remote UI's own links from the portal; GET only, bounded, never an action."""
        start = [session.landing_path or '/'] + list(session.profile.get('after_login') or ())
        start += [page for page in KNOWN_PORTAL_PAGES if page not in start]
        self._base = urlsplit(session.base_url)
        self._avoid = set(p['logout']['path'] for p in self._profiles()) | set(
            spec.get('authorize_path') for p in self._profiles() for spec in p['providers'].values()
            if spec.get('authorize_path'))
        self._seen, self._links, self._pages = set(), [], {}
        # The portal pages first (some set a cookie the OAuth pages need), then the links they hold.
        queue = deque()
        for path in start:
            self._visit(session, path, queue)
        while queue and len(self._pages) < self.max_pages:
            self._visit(session, queue.popleft(), queue)
        self.found.pages_read = len(self._pages)
        if queue:
            self.found.notes.append('stopped after %d pages (max_pages); %d links not read'
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
            target = self._same_site(self._base, path, response.headers.get('Location', ''))
            if target and session._is_login_redirect(response):
                self.found.sent_to_login.append(path)
            elif target and target not in self._seen:
                queue.appendleft(target)
            return
        if page is None or response.status_code != 200:
            return
        self._pages[path] = page
        if set(cookie.name for cookie in session._http.cookies) - cookies_before \
                and path != session.landing_path and path not in self.found.after_login:
            self.found.after_login.append(path)
        page.scan = scan(decode_body(response.content, response.headers.get('Content-Type', '')))
        self.found.language = self.found.language or page.scan.language
        preferred = []
        for href, link_text in page.scan.links:
            target = self._same_site(self._base, path, href)
            if target is None:
                continue
            self._links.append((path, target, link_text))
            if target in self._seen or not self._may_follow(target, link_text, self._avoid):
                continue
            manual_words = any(_matches(link_text, words) for words in MENU_TEXTS.values())
            (preferred if manual_words else queue).append(target)
        # The manual's menu path first, so that a bounded walk reaches the OAuth pages early.
        queue.extendleft(reversed(preferred))

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

    @staticmethod
    def _may_follow(target, text, avoid):
        path, query = target.partition('?')[::2]
        if path in avoid or _LOGOUT.search(text or '') or _LOGOUT.search(path) or _NOT_PAGES.search(path):
            return False
        if _matches(text, MENU_TEXTS['authorize']):
            return False
        return not (query and _ACTION_QUERY.search(query))

    def _identify(self, pages, links):
        found = self.found
        for page in pages.values():
            match = TITLE_MODEL.search(page.title or '')
            if match and not found.model:
                found.model = match.group('model')
            if not found.firmware:
                for pair in page.pairs:
                    if _matches(pair.label, FIRMWARE_LABELS) and pair.text:
                        found.firmware = pair.text
                        break
        if not found.language:
            texts = [link[2] for link in links]
            for language, words in LANGUAGE_TEXTS.items():
                if any(_matches(text, words) for text in texts):
                    found.language = language
                    break
        for provider in PROVIDER_NAMES:
            status_path = next((link[1] for link in links if _matches(link[2], MENU_TEXTS[provider])), None)
            if status_path is None:
                found.notes.append('%s: no link named %s from the portal' % (
                    provider, ' / '.join(repr(t) for t in MENU_TEXTS[provider])))
                continue
            spec = found.providers.setdefault(provider, {'status_path': status_path.partition('?')[0], 'fields': {}})
            own_links = [(to, text) for origin, to, text in links if origin == status_path]
            section = pages[status_path].in_section(provider) if status_path in pages else None
            if section is not None and section is not pages[status_path]:
                # A page with every provider's section: this provider's own Edit / Register links.
                kept = set(self._same_site(self._base, status_path, href) for href, _text in section.links)
                own_links = [(to, text) for to, text in own_links if to in kept]
            for key in ('edit', 'register', 'authorize'):
                target = next((to for to, text in own_links if _matches(text, MENU_TEXTS[key])), None)
                if target:
                    spec[key + '_path'] = target.partition('?')[0]
            if status_path in found.sent_to_login:
                found.notes.append('%s: %s answered with the login page: the firmware needs a page visited after '
                                   'login (after_login)' % (provider, status_path))
            if section is not None:
                self._read_status(provider, section)
            for key in ('edit_path', 'register_path'):
                if spec.get(key) in pages:
                    self._read_fields(provider, spec, pages[spec[key]])
            if provider == 'microsoft':
                spec['authorization_flow'] = 'authorize_page' if spec.get('authorize_path') else 'code_after_save'

    def _read_status(self, provider, page):
        vocabulary = self._profiles()[0]['status_values']
        statuses = self.found.statuses.setdefault(provider, {'connection_status': None, 'token_status': None})
        for pair in page.pairs:
            for kind in ('connection_status', 'token_status'):
                if statuses[kind] is not None or pair.text.strip() in ('', '-'):
                    continue    # "-" (not checked yet) stands in many rows: it names no row
                for normalized, words in vocabulary[kind].items():
                    if any(comparable(word) == comparable(pair.text) for word in words):
                        statuses[kind] = normalized
                        self.found.labels.setdefault(kind, normalize_text(pair.label).rstrip(':').strip())

    def _read_fields(self, provider, spec, page):
        captions = page.scan.captions
        # A control's <label for> (or enclosing <label>) names it too, where the text before it does not.
        labels = dict((control.name, control.label) for form in page.forms for control in form.inputs
                      if control.name and control.label)
        for name, caption in captions.items():
            for key, texts in FIELD_CAPTIONS[provider].items():
                if (_matches(caption, texts) or _matches(labels.get(name, ''), texts)) and key not in spec['fields']:
                    spec['fields'][key] = name
            if provider == 'google' and (_matches(caption, SECRET_CHANGE_CAPTIONS)
                                         or _matches(labels.get(name, ''), SECRET_CHANGE_CAPTIONS)):
                spec['secret_change_flag'] = {'field': name, 'value': page.scan.input_values.get(name) or 'on'}

    # -- comparing with the profiles

    def differences(self, profile, login_check):
        """What this printer shows differently from ``profile`` (empty: the profile matches what was seen)."""
        found = self.found
        differs = []
        if not login_check['holds_fields']:
            differs.append('login form at %s has no fields %s / %s' % (
                login_check['form_path'], profile['login']['username_field'], profile['login']['password_field']))
        for page in found.after_login:
            if page not in (profile.get('after_login') or ()):
                differs.append('after_login lacks %s' % page)
        for provider, spec in found.providers.items():
            want = profile['providers'][provider]
            for key in ('status_path', 'edit_path', 'register_path', 'authorize_path'):
                if spec.get(key) and want.get(key) != spec[key]:
                    differs.append('%s.%s is %s, not %s' % (provider, key, spec[key], want.get(key)))
            flow = spec.get('authorization_flow')
            if flow and want.get('authorization_flow') != flow:
                differs.append('%s.authorization_flow is %s' % (provider, flow))
            for key, name in spec['fields'].items():
                if want['fields'].get(key) != name:
                    differs.append('%s.fields.%s is %s, not %s' % (provider, key, name, want['fields'].get(key)))
            flag = spec.get('secret_change_flag')
            if flag and (want.get('secret_change_flag') or {}).get('field') != flag['field']:
                differs.append('%s.secret_change_flag is %s' % (provider, flag['field']))
        for kind, label in found.labels.items():
            if not _matches(label, profile['labels'][kind]):
                differs.append('label %r (%s) not in the profile' % (label, kind))
        return differs


def draft_profile(found, base_name, base, login_form, host):
    """A profile that extends ``base`` and overrides what this printer showed differently, with no secret."""
    draft = {'extends': base_name,
             'description': 'Draft by playbooks/probe.yml for %s (%s): check it with --check --diff on this printer '
                            'before using it for others' % (host, ', '.join(
                                part for part in (found.model, found.server) if part) or 'model not shown')}
    login = {}
    if login_form:
        form_path = login_form['form_path']
        for key, value in (('form_path', form_path), ('path', login_form['form'].get('path')),
                           ('username_field', login_form['form'].get('username_field')),
                           ('password_field', login_form['form'].get('password_field'))):
            if value and (base['login'].get(key) or (base['login']['path'] if key == 'form_path' else None)) != value:
                login[key] = value
    if login:
        draft['login'] = login
    needed = [page for page in found.after_login if page not in (base.get('after_login') or ())]
    if needed:
        draft['after_login'] = list(base.get('after_login') or ()) + needed
    providers = {}
    for provider, spec in found.providers.items():
        want = base['providers'][provider]
        own = {}
        for key in ('status_path', 'edit_path', 'register_path', 'authorization_flow'):
            if spec.get(key) and want.get(key) != spec[key] and key in _provider_keys(provider):
                own[key] = spec[key]
        if provider == 'microsoft' and spec.get('authorize_path') and want.get('authorize_path') != spec['authorize_path']:
            own['authorize_path'] = spec['authorize_path']
        fields = dict((key, name) for key, name in spec['fields'].items() if want['fields'].get(key) != name)
        if fields:
            own['fields'] = fields
        flag = spec.get('secret_change_flag')
        if flag and want.get('secret_change_flag') != flag:
            own['secret_change_flag'] = flag
        if own:
            providers[provider] = own
    if providers:
        draft['providers'] = providers
    labels = {}
    for kind, label in found.labels.items():
        if not _matches(label, base['labels'][kind]):
            labels[kind] = [label] + list(base['labels'][kind])
    if labels:
        draft['labels'] = labels
    return draft


def _provider_keys(provider):
    return ('status_path', 'edit_path', 'authorization_flow') if provider == 'microsoft' else (
        'status_path', 'edit_path', 'register_path')


def unknowns(found, logged_in):
    """What a draft cannot know from a read-only look, named by profile key."""
    missing = []
    if not logged_in:
        return ['every OAuth page (no login was tried: run the probe again with this draft as cloudmail_profile_file)']
    for provider in PROVIDER_NAMES:
        spec = found.providers.get(provider)
        if spec is None:
            missing.append('providers.%s (no page found)' % provider)
            continue
        for key in ('edit_path',) + (('register_path',) if provider == 'google' else ()):
            if not spec.get(key):
                missing.append('providers.%s.%s' % (provider, key))
        for key in FIELD_CAPTIONS[provider]:
            if key not in spec['fields']:
                missing.append('providers.%s.fields.%s' % (provider, key))
    for kind in ('connection_status', 'token_status'):
        if kind not in found.labels:
            missing.append('labels.%s (no known status word on the status pages)' % kind)
    # Shown only while an authorization is pending or after a failure: a read-only probe never sees them.
    missing.append('labels.message, user_code, user_code_expires_in, authorization_url, error_details '
                   '(shown only during an authorization; kept from the base profile)')
    return missing


def run_probe(open_session, candidates, own, host, max_pages):
    """The probe of one printer; returns the result dict (no secret in it) and the session warnings."""
    probe = Probe(open_session, candidates, own, max_pages)
    checks = probe.login_forms()
    found = probe.found
    if own is not None:
        login_profile = own if checks[own['name']]['holds_fields'] else None
    else:
        fitting = [name for name in sorted(candidates) if checks[name]['holds_fields']]
        login_profile = candidates[fitting[0]] if len(fitting) == 1 else None
    form_matches = sorted(name for name in candidates if checks[name]['holds_fields'])
    logged_in = False
    warnings = []
    if login_profile is not None:
        session = open_session(login_profile)
        try:
            with session:
                logged_in = True
                probe.explore(session)
        finally:
            warnings.extend(session.warnings)
        if session.busy_answers:
            found.notes.append('the printer answered "busy" %d time(s) (each retried): if it refuses requests in '
                               'quick succession, set request_spacing_seconds (for example 0.3) in its profile'
                               % session.busy_answers)
    matching = []
    for name, profile in list(candidates.items()) + ([(own['name'], own)] if own else []):
        if logged_in and found.providers and not probe.differences(profile, checks[name]) and name not in matching:
            matching.append(name)

    def closeness(name):
        check = checks[name]
        return (check['holds_fields'], bool(check['form']), -len(probe.differences(candidates[name], check)), name)
    closest = max(sorted(candidates), key=closeness)
    login_form = next((checks[name] for name in [closest] + sorted(checks) if checks[name]['form']), None)
    draft = None
    if not matching and (login_form or found.providers):
        base = candidates[closest]
        draft = draft_profile(found, closest, base, login_form, host)
    own_name = own['name'] if own else None
    result = {
        'family_guess': closest if (checks[closest]['form'] or found.providers) else None,
        'ui_language': found.language,
        'model': found.model,
        'firmware': found.firmware,
        'server': found.server,
        'profile_checked': own_name,
        'login_form_matches': form_matches,
        'logged_in': logged_in,
        'matching_profiles': matching,
        'profile_match': (own_name if own_name in matching else matching[0]) if matching else 'none',
        # Read-only statuses, as oauth_info names them, for the fleet report.
        'providers': copy.deepcopy(found.statuses),
        'pages_read': found.pages_read,
        'pages': copy.deepcopy(found.providers),
        'labels': dict(found.labels),
        'notes': list(found.notes),
        'draft_profile': draft,
        'not_found': unknowns(found, logged_in) if draft else [],
    }
    if own is not None and not checks[own_name]['holds_fields']:
        result['notes'].insert(0, 'the login form at %s does not hold the fields %s / %s of the profile %s: no '
                               'password was sent; the page matches the login form of: %s' % (
                                   checks[own_name]['form_path'], own['login']['username_field'],
                                   own['login']['password_field'], own_name, ', '.join(form_matches) or
                                   'no built-in profile'))
    elif own is None and login_profile is None:
        result['notes'].insert(0, 'no profile was set and %s: no password was sent' % (
            'several built-in login forms match (%s)' % ', '.join(form_matches) if form_matches
            else 'no built-in login form matches'))
    if not any(name in candidates for name in matching):
        result['notes'].append('no built-in profile matches' + (
            '' if not own_name or own_name in candidates else
            '; the profile file %s %s' % (own_name, 'matches' if own_name in matching else 'does not match either')))
    return result, warnings
