# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Learn a device profile from one browser capture (HAR) of the manual's procedure, on the controller.

The operator records, in the browser's developer tools, the login, the OAuth settings of a
provider, the authorization and the logout on one printer, and runs::

    python -m ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learn_profile \\
        capture.har --output site-profile.yml --host-vars printer-0001.json

with the values they typed taken from their inventory (``ansible-inventory --host printer-0001``):
the Entra ID tenant or authority URL, the Google client ID. The requests that carry those values
are the settings posts; everything else (login, pages that set cookies, status pages and labels,
how the authorization starts, the code submission, the logout) is found around them. The result
is a profile file that ``extends`` the closest built-in profile and overrides only what differs,
and a report of what was matched, from which request, and what was not found.

No value from the capture that could be a secret (passwords, cookies, anti-forgery tokens,
authorization codes, client secrets) is ever written: only paths, field names, on-screen texts
and constant bookkeeping values are, and both outputs are checked for every secret value
before they are written.
"""

from __future__ import annotations

__metaclass__ = type

import argparse
import json
import os
import re
import sys
from urllib.parse import parse_qsl, urljoin, urlsplit

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES, PROVIDERS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import authority_url_for_tenant
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page, PageParser
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import decode_body, normalize_label
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import device_profiles
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import write_private

STATIC_SUFFIXES = ('.css', '.js', '.png', '.gif', '.jpg', '.jpeg', '.svg', '.ico', '.woff', '.woff2', '.ttf', '.map')
TEXT_INPUT_KINDS = ('text', 'email', 'number', 'tel', 'url', '')
# A posted value made of 12 or 13 digits is a millisecond clock (2001 to 2286), not a setting.
TIMESTAMP_VALUE = re.compile(r'^\d{12,13}$')
# Values that look generated (long hex or digit runs): tokens, never copied into a profile.
GENERATED_VALUE = re.compile(r'^(?=.*\d)[A-Za-z0-9+/=_-]{16,}$')
USER_CODE_VALUE = re.compile(r'^(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{4,}(?:-[A-Z0-9]{4,})?$')
LETTER_CODE_VALUE = re.compile(r'^[A-Z0-9]{6,}(?:-[A-Z0-9]{4,})?$|^[A-Z0-9]{4,}-[A-Z0-9]{4,}$')
SHORTEST_SECRET = 4
# A duration in units of the device's language: "14 min. 59 sek.", "14 分 59 秒" (lower case, as it is read).
DURATION_SHAPE = re.compile(r'^\d+\s*(?P<minutes>[^\W\d_][^\d\s]*)\s*\d+\s*(?P<seconds>[^\W\d_][^\d\s]*)$')
FIELD_ORDER = ('enabled', 'verify_server_certificate', 'add_cn_to_verification', 'authority_url', 'client_id',
               'client_secret', 'authorization_code')
PROVIDER_KEY_ORDER = ('status_path', 'edit_path', 'authorization_flow', 'authorize_path', 'register_path', 'fields',
                      'secret_change_flag')
LOGOUT_WORDS = ('logout', 'logoff', 'signout', 'sign_out', 'log_out')


class LearnError(Exception):
    """The capture cannot be used; nothing is written."""


class Exchange:
    """One request and its answer from the capture, numbered as in the file (#1 is the first entry)."""

    def __init__(self, number, entry):
        request, response = entry.get('request') or {}, entry.get('response') or {}
        self.number = number
        self.method = (request.get('method') or 'GET').upper()
        self.url = request.get('url') or ''
        parts = urlsplit(self.url)
        self.origin = '%s://%s' % (parts.scheme, parts.netloc)
        self.path = parts.path or '/'
        self.status = int(response.get('status') or 0)
        self.request_headers = _headers(request.get('headers'))
        self.response_headers = _headers(response.get('headers'))
        post = request.get('postData') or {}
        if post.get('params'):
            self.fields = [(p.get('name', ''), p.get('value', '')) for p in post['params']]
        else:
            self.fields = parse_qsl(post.get('text') or '', keep_blank_values=True) if post else []
        content = response.get('content') or {}
        self.content_type = content.get('mimeType') or ''.join(self.response_headers.get('content-type', []))
        text = content.get('text') or ''
        if content.get('encoding') == 'base64':
            text = ''
        self.body = decode_body(text, self.content_type)
        location = response.get('redirectURL') or ''.join(self.response_headers.get('location', [])[:1])
        self.location = urlsplit(urljoin(self.url, location)).path if location else ''
        self.set_cookies = []
        # Firefox joins repeated Set-Cookie headers with newlines; both browsers also list cookies apart.
        for line in [part for value in self.response_headers.get('set-cookie', []) for part in value.split('\n')]:
            name, _sep, rest = line.partition('=')
            value = rest.split(';', 1)[0]
            self.set_cookies.append((name.strip(), value.strip(), rest.lower()))
        if not self.set_cookies:
            self.set_cookies = [(c.get('name', ''), c.get('value', ''), ('max-age=0' if c.get('expires', '').startswith(
                '1970') else '')) for c in response.get('cookies') or () if isinstance(c, dict) and c.get('name')]
        self.sent_cookies = dict((c.get('name'), c.get('value', '')) for c in request.get('cookies') or ()
                                 if isinstance(c, dict) and c.get('name'))
        for line in self.request_headers.get('cookie', []):
            for pair in line.split(';'):
                name, _sep, value = pair.strip().partition('=')
                if name:
                    self.sent_cookies[name] = value
        self._parsed = None
        self._links = None

    def __repr__(self):
        return 'request #%d (%s %s)' % (self.number, self.method, self.path)

    @property
    def where(self):
        return 'request #%d, %s %s' % (self.number, self.method, self.path)

    @property
    def is_page(self):
        return not self.path.lower().endswith(STATIC_SUFFIXES) and (
            'html' in self.content_type.lower() or self.status in (301, 302, 303, 307, 308) or self.method == 'POST')

    def _read_with(self, parser):
        """``parser`` fed with the body when it is HTML (scripts and stylesheets are not pages)."""
        if 'html' in self.content_type.lower():
            parser.feed(self.body)
        parser.close()
        return parser

    @property
    def parsed(self):
        if self._parsed is None:
            self._parsed = self._read_with(PageParser())
        return self._parsed

    def forms_posting_to(self, path):
        return [form for form in self.parsed.forms
                if form.method == 'post' and urlsplit(urljoin(self.url, form.action or self.url)).path == path]

    def links(self):
        """Every link target of the page, navigating onclick buttons too (menus and buttons, not only rows)."""
        if self._links is None:
            body = self.body if 'html' in self.content_type.lower() else ''
            self._links = [target for target, _text in Page(self.origin, self.path, self.status, body, {}).navigations()]
        return self._links

    def page(self, profile):
        return Page(self.origin, self.path, self.status, self.body if 'html' in self.content_type.lower() else '',
                    profile)

    def cleared_cookie(self, name):
        return any(cookie == name and (not value or 'max-age=0' in attrs or '1970' in attrs)
                   for cookie, value, attrs in self.set_cookies)


def _headers(pairs):
    headers = {}
    for pair in pairs or ():
        headers.setdefault((pair.get('name') or '').lower(), []).append(pair.get('value') or '')
    return headers


def read_capture(path):
    """The exchanges of a HAR file, in the order the browser sent them."""
    try:
        with open(path, encoding='utf-8-sig') as handle:
            har = json.load(handle)
    except OSError as exc:
        raise LearnError('cannot read the capture %s (%s)' % (path, exc.strerror or exc))
    except ValueError as exc:
        raise LearnError('the capture %s is not a HAR file (not JSON: %s)' % (path, exc))
    entries = (har.get('log') or {}).get('entries') if isinstance(har, dict) else None
    if not isinstance(entries, list) or not entries:
        raise LearnError('the capture %s holds no requests (a HAR file has them under log.entries); save it with '
                         '"Save all as HAR with content" in the browser\'s Network tab' % path)
    return [Exchange(number, entry) for number, entry in enumerate(entries, 1) if isinstance(entry, dict)]


class Learner:
    """Reads the exchanges once, step by step, and keeps what it found and where."""

    def __init__(self, exchanges, typed, base_profiles):
        self.exchanges = exchanges
        self.typed = typed
        self.base_profiles = base_profiles
        self.reference = next(iter(base_profiles.values()))   # the shared labels and words, to read pages
        self.learnt = {}
        self.found = []          # (step, text)
        self.missing = []        # (step, text)
        self.notes = []
        self.secrets = set()
        self.device = []         # the device's exchanges only
        self.forms_seen = []     # (exchange, form) of every settings or code form

    # -- bookkeeping
    def _found(self, step, text):
        self.found.append((step, text))

    def _missing(self, step, text):
        self.missing.append((step, text))

    def _secret(self, value):
        if value and len(value) >= SHORTEST_SECRET:
            self.secrets.add(value)

    def _collect_secrets(self):
        for exchange in self.exchanges:
            for value in exchange.sent_cookies.values():
                self._secret(value)
            for _name, value, _attrs in exchange.set_cookies:
                self._secret(value)
            for name in ('authorization', 'proxy-authorization', 'x-csrf-token', 'x-xsrf-token'):
                for value in exchange.request_headers.get(name, []):
                    self._secret(value)
                    self._secret(value.split(' ', 1)[-1])

    # -- the steps
    def learn(self):
        self._collect_secrets()
        settings = self._settings_posts()
        login = self._login(min(post.number for post, _provider in settings))
        self.device = [exchange for exchange in self.exchanges if exchange.origin == login.origin]
        self._after_login(login, min(post.number for post, _provider in settings))
        providers = {}
        for post, provider in settings:
            providers[provider] = self._provider(post, provider)
        for provider in NAMES:
            if provider not in providers:
                self._missing('%s settings' % provider, 'no post in the capture carries the %s value you typed; '
                              'the %s pages are kept from the base profile' % (provider, provider))
        self.learnt['providers'] = providers
        self._bookkeeping_fields()
        self._logout(login)
        return self.learnt

    def _settings_posts(self):
        # Each provider's settings post carries the value its token is tied to (authority URL, client ID).
        wanted = [(provider.name, self.typed[provider.subject_field]) for provider in PROVIDERS.values()
                  if self.typed.get(provider.subject_field)]
        if not wanted:
            raise LearnError('no typed value to look for: give the Entra ID tenant or authority URL '
                             '(cloudmail_microsoft_tenant, cloudmail_microsoft_authority_url) and/or the Google client '
                             'ID (cloudmail_google_client_id) you typed while recording')
        posts = []
        for provider, value in wanted:
            matches = [exchange for exchange in self.exchanges if exchange.method == 'POST' and any(
                _same_value(posted, value) for _name, posted in exchange.fields)]
            if matches:
                posts.append((matches[-1], provider))
        if not posts:
            raise LearnError(
                'the capture holds none of the values you typed (%s): it does not record the OAuth settings being '
                'saved. Record again with the Network tab open and "Preserve log" on, from the login to the logout, '
                'and give the tenant or client ID exactly as typed' % ', '.join(
                    '%s %r' % (PROVIDERS[provider].subject_caption, value)
                    for provider, value in wanted))
        return sorted(posts, key=lambda item: item[0].number)

    def _form_before(self, post, *names):
        """The last page before ``post`` holding a form that posts there (with ``names``): what the person filled."""
        for exchange in reversed(self.exchanges[:post.number - 1]):
            if exchange.origin != post.origin or exchange.method != 'GET' and exchange.status != 200:
                continue
            for form in exchange.forms_posting_to(post.path):
                if all(form.get(name) is not None for name in names):
                    return exchange, form
        return None, None

    def _login(self, before):
        candidates = []
        for post in self.exchanges[:before - 1]:
            if post.method != 'POST':
                continue
            page, form = self._form_before(post)
            password = form and next((c for c in form.inputs if c.kind == 'password'), None)
            if password is not None and dict(post.fields).get(password.name) is not None:
                candidates.append((post, page, form, password))
        for post, _page, form, password in candidates:
            self._secret(dict(post.fields).get(password.name))
        accepted = [candidate for candidate in candidates if candidate[0].set_cookies]
        if not accepted and not any(exchange.set_cookies or exchange.sent_cookies for exchange in self.exchanges):
            # A capture exported without cookies ("sanitized"): the login the device answered with a redirect.
            accepted = [candidate for candidate in candidates if candidate[0].location]
        if not accepted:
            raise LearnError('the capture holds no successful login before the settings were saved (a post of a form '
                             'with a password field answered with a cookie); record from the login page on')
        post, page, form, password = accepted[-1]
        for failed in candidates:
            if failed[0].number < post.number and not failed[0].set_cookies:
                self.notes.append('a refused login (%s) was left aside' % failed[0].where)
        user = next((c for c in form.inputs if c.kind in TEXT_INPUT_KINDS and c.name and c.name != password.name), None)
        if user is None:
            raise LearnError('the login form of %s has no user name field' % page.where)
        self._secret(dict(post.fields).get(user.name))
        extra, dropped = {}, []
        views = [exchange for exchange in self.exchanges[:post.number] if exchange.forms_posting_to(post.path)]
        self._refused_login_text(candidates, post, views)
        for name, value in post.fields:
            if name in (user.name, password.name) or not name:
                continue
            shown = set(control.value for view in views for f in view.forms_posting_to(post.path)
                        for control in f.controls(name) if control.kind == 'hidden')
            if len(shown) > 1 or GENERATED_VALUE.match(value or ''):
                dropped.append(name)
                self._secret(value)
                for other in shown:
                    self._secret(other)
                continue
            extra[name] = value
        session_cookie = self._session_cookie(post)
        if session_cookie is None:
            self._missing('session cookie', 'the capture holds no cookies (exported without them); the session '
                          'cookie and the pages that set cookies are kept from the base profile')
        # The page that held the form before the successful login, as a browser opened it (GET): never the
        # answer to a refused login, which the client cannot open.
        shown = [view for view in views if view.method == 'GET' and view.status == 200]
        if any(view.path == post.path for view in shown):
            page = next(view for view in reversed(shown) if view.path == post.path)
        else:
            page = next((view for view in reversed(shown)), page)
        self.learnt['login'] = {'form_path': page.path, 'path': post.path, 'username_field': user.name,
                                'password_field': password.name, 'extra_fields': extra}
        if session_cookie:
            self.learnt['login']['session_cookie'] = session_cookie
        self._found('login', 'form at %s (%s), posted by %s: user field %s, password field %s%s; session cookie %s' % (
            page.path, page.where, post.where, user.name, password.name,
            ', other fields %s' % ', '.join(sorted(extra)) if extra else '', session_cookie or 'not in the capture'))
        if dropped:
            self.notes.append('login fields %s change with every view (anti-forgery values): not written; the '
                              'client sends what the form holds' % ', '.join(dropped))
        return post

    def _refused_login_text(self, candidates, accepted, views):
        """The device's own text on the answer to a refused login (what it shows, not what the form holds)."""
        shown = set(cell.text for view in views if view.method == 'GET' for cell in view.parsed.cells)
        for post, _page, _form, _password in candidates:
            if post.number >= accepted.number or post.set_cookies or post.location:
                continue
            texts = [cell.text for cell in post.parsed.cells if cell.text and cell.text not in shown
                     and re.search(r'[^\W\d_]{3}', cell.text)]
            if texts:
                self.learnt.setdefault('messages', {})['login_failed'] = texts[0]
                self._found('refused login', 'the device answers a wrong password with %r (%s)' % (texts[0], post.where))
                return

    def _session_cookie(self, post):
        names = [name for name, _value, _attrs in post.set_cookies]
        later = [exchange for exchange in self.exchanges[post.number:] if exchange.origin == post.origin]
        for name in names:
            if any(name in exchange.sent_cookies for exchange in later):
                return name
        return names[0] if names else None

    def _after_login(self, login, before):
        pages = []
        session_cookie = self.learnt['login'].get('session_cookie')
        if session_cookie is None:
            return
        for exchange in self.device:
            if login.number < exchange.number < before and exchange.method == 'GET' and exchange.is_page \
                    and any(name != session_cookie for name, _value, _attrs in exchange.set_cookies):
                if exchange.path not in pages:
                    pages.append(exchange.path)
                    self._found('after login', '%s sets the cookie %s (%s)' % (exchange.path, ', '.join(
                        name for name, _v, _a in exchange.set_cookies if name != session_cookie), exchange.where))
        if not pages:
            self._found('after login', 'no page between the login and the settings sets a further cookie')
        self.learnt['after_login'] = pages

    def _provider(self, post, provider):
        typed_key = PROVIDERS[provider].subject_field
        typed_field = next(name for name, value in post.fields if _same_value(value, self.typed[typed_key]))
        page, form = self._form_before(post, typed_field)
        if form is None:
            raise LearnError('the settings post %s has no form before it in the capture; record from the settings '
                             'page on (the page the Edit button opens)' % post.where)
        self.forms_seen.append((page, form, post))
        controls = [control for control in form.inputs if control.name and control.kind != 'hidden']
        secret_input = next((c for c in controls if c.kind == 'password'), None)
        boxes = [c for c in controls if c.kind == 'checkbox']
        captions = page.page(self.reference).captions()
        # The "change the secret" box is named like the secret field, wherever it stands in the form.
        secret_caption = normalize_label(captions.get(secret_input.name, '')) if secret_input is not None else ''
        flags = [c for c in boxes if secret_caption and secret_caption in normalize_label(captions.get(c.name, ''))]
        if secret_input is not None and not flags and len(boxes) > 3:
            flags = [c for c in boxes if controls.index(c) > controls.index(secret_input)][:1] or boxes[3:4]
        before_secret = [c for c in boxes if c not in flags]
        # The page holding the form (the client opens it, fills it and posts it where its action says).
        spec = {'edit_path': page.path, 'fields': {typed_key: typed_field}}
        if len(before_secret) < 3:
            self._missing('%s settings' % provider, 'the settings form (%s) has %d check boxes, not the three '
                          '(use OAuth, verify the certificate, add CN) the profile needs' % (page.where, len(boxes)))
        for key, control in zip(('enabled', 'verify_server_certificate', 'add_cn_to_verification'), before_secret):
            spec['fields'][key] = control.name
        if boxes:
            self.learnt['checkbox'] = {'on': boxes[0].value or 'on'}
        secret_field = PROVIDERS[provider].secret_field
        if secret_field:
            if secret_input is not None:
                spec['fields'][secret_field] = secret_input.name
                self._secret(dict(post.fields).get(secret_input.name))
                spec['secret_change_flag'] = {'field': flags[0].name, 'value': flags[0].value or 'on'} if flags else None
            else:
                self._missing('%s settings' % provider, 'the settings form (%s) has no client secret field' % page.where)
        answer = ('a redirect to %s' % post.location) if post.location else 'a page (HTTP %d)' % post.status
        posted = dict(post.fields)
        button = next((c.name for c in form.inputs if c.kind in ('submit', 'image') and c.name and c.name in posted),
                      None)
        # Hidden twins of check boxes (sent as "0" when unticked) are check boxes, not bookkeeping.
        hidden = sorted(name for name in form.hidden_fields() if name in posted and form.get(name).kind == 'hidden')
        self._found('%s settings' % provider, 'form at %s (%s) posted by %s: fields %s; hidden fields %s; %s; the '
                    'device answers with %s' % (
                        page.path, page.where, post.where, ', '.join('%s=%s' % item for item in spec['fields'].items()),
                        ', '.join(hidden) or 'none', 'submit button %s' % button if button else 'an unnamed submit button',
                        answer))
        status = self._status_page(page, post, provider)
        if status is not None:
            spec['status_path'] = status.path
        if PROVIDERS[provider].asks_code_back:
            self._code_submission(post, spec)
        else:
            self._authorization_start(post, spec)
        # In the order of the built-in profiles, for a file a person reads.
        spec['fields'] = dict(sorted(spec['fields'].items(), key=lambda item: FIELD_ORDER.index(item[0])))
        return dict(sorted(spec.items(), key=lambda item: PROVIDER_KEY_ORDER.index(item[0])))

    def _status_page(self, form_page, post, provider):
        """The page with the link that opened the settings form, else the one the save leads to."""
        for exchange in reversed(self.device[:self.device.index(form_page)]):
            targets = [urlsplit(urljoin(exchange.url, link)).path for link in exchange.links()]
            if exchange.method == 'GET' and form_page.path in targets:
                break
        else:
            exchange = next((e for e in self.device if e.number > post.number and e.method == 'GET' and e.is_page), None)
        if exchange is None:
            self._missing('%s status page' % provider, 'no page links to the settings form %s' % form_page.path)
            return None
        self._found('%s status page' % provider, '%s (%s)' % (exchange.path, exchange.where))
        views = [e for e in self.device if e.path == exchange.path and e.method == 'GET' and 'html' in e.content_type]
        self._labels(views, provider)
        return exchange

    def _labels(self, views, provider):
        labels = self.learnt.setdefault('labels', {})
        words = self.reference['status_values']
        if self.learnt.get('status_values'):
            # A language the collection has no words for: this provider's pages show its words too.
            self._learn_status_rows(views, provider)
            return
        for key in ('connection_status', 'token_status'):
            if key in labels:
                continue
            # Words with letters only: a "-" also stands for an empty setting.
            known = set(normalize_label(word) for values in words[key].values() for word in values
                        if re.search(r'[^\W\d_]', word))
            for view in views:
                cells = view.parsed.cells
                shown = next((cells[i].text for i in range(len(cells) - 1)
                              if normalize_label(cells[i + 1].text) in known and cells[i].text), None)
                if shown:
                    labels[key] = shown.rstrip(' :')
                    self._found('status labels', '%s shows %r next to a %s word (%s)' % (
                        view.path, labels[key], key.replace('_', ' '), view.where))
                    break
            else:
                if self._learn_status_rows(views, provider) and key in labels:
                    continue
                self._missing('status labels', 'no %s page shows a %s word the collection knows (%s), and the '
                              'capture shows no row changing from before the sign-in to after it; add the words the '
                              'device shows under status_values.%s' % (
                                  provider, key.replace('_', ' '), ' / '.join(sorted(known)), key))

    @staticmethod
    def _rows(exchange):
        """(label, value) rows of a page: a label cell (header, term, or text ending in a colon) and the cell after it."""
        cells = exchange.parsed.cells
        return [(cells[i].text.rstrip(' :'), cells[i + 1].text) for i in range(len(cells) - 1)
                if cells[i].text and (cells[i].tag in ('th', 'dt', 'label') or cells[i].text.endswith(':'))
                and cells[i + 1].tag not in ('th', 'dt')]

    def _learn_status_rows(self, views, provider):
        """Status rows in a language the collection has no words for, from what changed with the sign-in.

        The status page before the settings were saved, and after the authorization: the rows whose
        letters-only value changed, and that are no setting (their label is no caption of the settings
        form), are the connection status and the token status, in the manual's order. Their words before
        and after are learnt (inactive/unknown before, active/connected after; the word the authorization
        page showed meanwhile is "authorizing").
        """
        posts = [post for _page, _form, post in self.forms_seen]
        first = next((view for view in views if posts and view.number < posts[-1].number), None)
        last = views[-1] if views else None
        if first is None or last is None or first is last:
            return False
        captions = set(normalize_label(caption) for page, _form, _post in self.forms_seen
                       for caption in page.page(self.reference).captions().values())
        before = dict(self._rows(first))

        def is_word(value):
            return bool(value) and not re.search(r'\d|https?:', value) and re.search(r'[^\W\d_]', value)
        # Before any check, a row may show "-": the word after must have letters, the one before no digits.
        changed = [(label, before[label], value) for label, value in self._rows(last)
                   if label in before and is_word(value) and not re.search(r'\d|https?:', before[label])
                   and value != before[label] and normalize_label(label) not in captions]
        if len(changed) < 2:
            return False
        labels = self.learnt.setdefault('labels', {})
        words = self.learnt.setdefault('status_values', {})
        (connection, was_connection, now_connection), (token, was_token, now_token) = changed[:2]
        labels.setdefault('connection_status', connection)
        labels.setdefault('token_status', token)
        connection_words = words.setdefault('connection_status', {})
        connection_words.setdefault('connected', [])
        _add(connection_words['connected'], now_connection)
        between = [value for view in views for label, value in self._rows(view)
                   if label == connection and is_word(value) and value not in (now_connection,)]
        for value in [was_connection] + between:
            _add(connection_words.setdefault('unknown', []), value)
        token_words = words.setdefault('token_status', {})
        if is_word(was_token):
            _add(token_words.setdefault('inactive', []), was_token)
        _add(token_words.setdefault('active', []), now_token)
        for exchange in self.device:
            for label, value in self._rows(exchange) if 'html' in exchange.content_type else ():
                if label == token and is_word(value) and value not in (was_token, now_token):
                    _add(token_words.setdefault('authorizing', []), value)
        self._found('status labels', '%s: the rows %r and %r change with the sign-in (%s): connection %s, token %s' % (
            provider, connection, token, '%s to %s' % (first.where, last.where),
            ' / '.join('%s=%r' % (key, value) for key, values in connection_words.items() for value in values),
            ' / '.join('%s=%r' % (key, value) for key, values in token_words.items() for value in values)))
        return True

    def _user_code_label(self, exchange):
        cells = exchange.parsed.cells
        page = exchange.page(self.reference)
        found = page.find('user_code')
        if found is not None and found.text:
            self._secret(found.text)
            return found.label
        for index in range(1, len(cells)):
            code = cells[index].text
            # A code of letters only ("XGMHGTKGL") counts where the device's instructions repeat it.
            repeated = any(code in cell.text and cell is not cells[index] for cell in cells)
            if cells[index - 1].text and (USER_CODE_VALUE.match(code) or LETTER_CODE_VALUE.match(code) and repeated):
                self._secret(code)
                return cells[index - 1].text.rstrip(' :')
        return None

    def _authorization_start(self, post, spec):
        # The save's own answer when the device shows the status page right away (HTTP 200), then the pages after it.
        later = [e for e in self.device if e.number >= post.number and 'html' in e.content_type
                 and (e.method == 'GET' or e is post)]
        for exchange in later:
            label = self._user_code_label(exchange)
            if label is None:
                continue
            self.learnt.setdefault('labels', {}).setdefault('user_code', label)
            expires = self._duration_label(exchange)
            if expires:
                self.learnt['labels'].setdefault('user_code_expires_in', expires)
            if exchange.page(self.reference).find('message') is None:
                message = next((label for label, value in self._rows(exchange) if 'https://' in value), None)
                if message:
                    self.learnt['labels'].setdefault('message', message)
            if exchange is post or exchange.path == spec.get('status_path'):
                spec['authorization_flow'] = 'code_after_save'
                self._found('microsoft authorization', 'the user code (%r) appears on the status page right after '
                            'the save (%s): no separate authorize page' % (label, exchange.where))
            else:
                spec['authorization_flow'] = 'authorize_page'
                spec['authorize_path'] = exchange.path
                self._found('microsoft authorization', 'opening %s starts it; the user code appears next to %r (%s)'
                            % (exchange.path, label, exchange.where))
            return
        self._missing('microsoft authorization', 'no page after the settings post %s shows a user code' % post.where)

    def _duration_label(self, exchange):
        pattern = re.compile(self.reference['duration_pattern'])
        cells = exchange.parsed.cells
        for index in range(1, len(cells)):
            if re.search(r'\d', cells[index].text) and pattern.match(normalize_label(cells[index].text)):
                return cells[index - 1].text.rstrip(' :')
        # Units the collection has no words for ("14 Min. 59 Sek."): the pattern is learnt from the page.
        for index in range(1, len(cells)):
            shown = DURATION_SHAPE.match(normalize_label(cells[index].text))
            if shown and not USER_CODE_VALUE.match(cells[index].text):
                self.learnt['duration_pattern'] = (
                    r'^\s*(?:(?P<minutes>\d+)\s*%s)?\s*(?:(?P<seconds>\d+)\s*%s)?\s*$'
                    % (re.escape(shown.group('minutes')), re.escape(shown.group('seconds'))))
                self._found('code expiry', '%r shows a duration as %r: duration_pattern learnt (it is matched '
                            'against the text in lower case)' % (cells[index - 1].text, cells[index].text))
                return cells[index - 1].text.rstrip(' :')
        return None

    def _code_submission(self, post, spec):
        client_id = self.typed['client_id']
        for exchange in [e for e in self.device if e.number > post.number and e.method == 'GET']:
            links = [link for link in exchange.links() if client_id in link]
            if not links:
                continue
            cells = exchange.parsed.cells
            label = next((cells[i - 1].text.rstrip(' :') for i in range(1, len(cells)) if client_id in ' '.join(
                cells[i].links) or client_id in cells[i].text), None)
            if label:
                self.learnt.setdefault('labels', {})['authorization_url'] = label
            submit = next((e for e in self.device if e.number > exchange.number and e.method == 'POST'
                           and exchange.forms_posting_to(e.path)), None)
            if submit is None:
                self._missing('google code submission', 'the page with the Google authorization URL (%s) is in the '
                              'capture, but no post of its form' % exchange.where)
                return
            form = exchange.forms_posting_to(submit.path)[0]
            self.forms_seen.append((exchange, form, submit))
            code_input = next((c for c in form.inputs if c.kind in TEXT_INPUT_KINDS and c.name), None)
            if code_input is not None:
                spec['fields']['authorization_code'] = code_input.name
                self._secret(dict(submit.fields).get(code_input.name))
            # The page holding the code form (the client opens it and posts where its action says).
            spec['register_path'] = exchange.path
            self._found('google authorization', 'the authorization URL appears next to %r on %s (%s); the code is '
                        'posted as %s by %s' % (label, exchange.path, exchange.where,
                                                code_input.name if code_input else '?', submit.where))
            return
        self._missing('google code submission', 'no page after the settings post %s shows the Google authorization '
                      'URL (a link holding the client ID)' % post.where)

    def _bookkeeping_fields(self):
        """The anti-forgery field, and fields the page script adds to every write."""
        if not self.forms_seen:
            return
        hidden_sets = [form.hidden_fields() for _page, form, _post in self.forms_seen]
        common = set.intersection(*[set(fields) for fields in hidden_sets])
        varying = sorted(name for name in common if len(set(fields[name] for fields in hidden_sets)) > 1
                         or all(GENERATED_VALUE.match(fields[name] or '') or (fields[name] or '').isdigit()
                                for fields in hidden_sets))
        tokens = [name for name in varying if 'token' in name.lower()] or varying
        if tokens:
            self.learnt['token_field'] = tokens[0]
            self._found('anti-forgery field', '%s: a hidden field every form holds, new with every page view'
                        % tokens[0])
        else:
            self._missing('anti-forgery field', 'no hidden field changes from one form to the next')
        for fields in hidden_sets:
            for name in tokens:
                self._secret(fields.get(name))
        added, filled = {}, {}
        for _page, form, post in self.forms_seen:
            for name, value in post.fields:
                if not name:
                    continue
                held = form.controls(name)
                if not held:
                    added.setdefault(name, set()).add(value)
                elif all(c.kind == 'hidden' and not c.value for c in held) and value:
                    # The form held it empty and the browser posted a value: the page script filled it.
                    filled.setdefault(name, set()).add(value)
        write_fields, stamp = {}, None
        for name, values in sorted(filled.items()):
            if all(TIMESTAMP_VALUE.match(value) for value in values):
                stamp = name
                self._found('page script fields', 'the form holds %s empty and the browser posts a millisecond '
                            'time in it: the page script fills it on submit (timestamp_field)' % name)
        for name, values in sorted(added.items()):
            if all(TIMESTAMP_VALUE.match(value) for value in values):
                stamp = name
            elif len(values) == 1 and not GENERATED_VALUE.match(next(iter(values))):
                write_fields[name] = next(iter(values))
            else:
                for value in values:
                    self._secret(value)
                self.notes.append('the field %s is added to writes with changing values: not written' % name)
        self.learnt['write_fields'] = write_fields
        self.learnt['timestamp_field'] = stamp
        if write_fields or stamp:
            self._found('page script fields', 'every write also carries %s%s (not in the forms: the page script '
                        'adds them)' % (', '.join('%s=%s' % item for item in write_fields.items()) or 'no constant field',
                                        ' and a millisecond timestamp in %s' % stamp if stamp else ''))

    def _logout(self, login):
        cookie = self.learnt['login'].get('session_cookie', 'session')
        last_settings = max(post.number for _page, _form, post in self.forms_seen) if self.forms_seen else login.number
        for exchange in self.device:
            if exchange.number <= last_settings or not exchange.is_page:
                continue
            later = [e for e in self.device if e.number > exchange.number]
            ends = exchange.cleared_cookie(cookie) or any(word in exchange.path.lower() for word in LOGOUT_WORDS) or (
                cookie in exchange.sent_cookies and later and all(cookie not in e.sent_cookies for e in later))
            if ends:
                logout = {'path': exchange.path, 'method': exchange.method}
                if exchange.method == 'POST':
                    logout['fields'] = dict((name, value) for name, value in exchange.fields
                                            if name != self.learnt.get('token_field')
                                            and not GENERATED_VALUE.match(value or ''))
                self.learnt['logout'] = logout
                self._found('logout', '%s %s ends the session (%s)' % (exchange.method, exchange.path, exchange.where))
                return
        self._missing('logout', 'no request after the last settings post ends the session (clears the %s cookie or '
                      'opens a log-out page); the logout is kept from the base profile' % cookie)


def _add(words, word):
    if word and word not in words:
        words.append(word)


def _same_value(posted, typed):
    return (posted or '').strip().rstrip('/').casefold() == (typed or '').strip().rstrip('/').casefold()


# --------------------------------------------------------------------------- the profile file

def _leaves(data, prefix=()):
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaves(value, prefix + (key,))
    else:
        yield prefix, data


def _get(data, path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def closest_base(learnt, base_profiles):
    """The built-in profile that agrees with most of what was learnt (ties: the first name)."""
    def agreement(name):
        return sum(1 for path, value in _leaves(learnt) if path[0] != 'labels' and _get(base_profiles[name], path) == value)
    return max(sorted(base_profiles), key=agreement)


WORD_KEYS = ('labels', 'status_values', 'messages')


def _first(word, known):
    """``word`` first in the list of translations ``known`` (None when it is known already)."""
    if normalize_label(word) in [normalize_label(text) for text in known]:
        return None
    return [word] + list(known)


def overrides(learnt, base):
    """Only what differs from ``base``; learnt words go first in the base's lists of translations."""
    result = {}
    for key, value in learnt.items():
        if key in ('labels', 'messages'):
            words = dict((name, _first(word, base.get(key, {}).get(name, []))) for name, word in value.items())
            words = dict((name, texts) for name, texts in words.items() if texts)
            if words:
                result[key] = words
        elif key == 'status_values':
            kinds = {}
            for kind, normalized in value.items():
                known = base.get(key, {}).get(kind, {})
                for name, shown in normalized.items():
                    texts = list(known.get(name, []))
                    for word in reversed(shown):
                        texts = _first(word, texts) or texts
                    if texts != list(known.get(name, [])):
                        kinds.setdefault(kind, {})[name] = texts
            if kinds:
                result[key] = kinds
        elif isinstance(value, dict) and isinstance(base.get(key), dict) and value:
            inner = overrides(value, base[key])
            if inner:
                result[key] = inner
        elif base.get(key) != value:
            result[key] = value
    return result


def foreign_constants(learnt, base):
    """What ``base`` would post that the firmware's own forms do not hold, by profile key (from the capture)."""
    foreign = ['login.extra_fields.%s' % name for name in base['login'].get('extra_fields') or {}
               if name not in learnt.get('login', {}).get('extra_fields', {})]
    if 'write_fields' in learnt:
        foreign += ['write_fields.%s' % name for name in base.get('write_fields') or {}
                    if name not in learnt['write_fields']]
        if base.get('timestamp_field') and base['timestamp_field'] != learnt.get('timestamp_field'):
            foreign.append('timestamp_field %s' % base['timestamp_field'])
    return foreign


def _root_profile(profile_dir):
    import yaml
    with open(os.path.join(profile_dir, '_base.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def learn(capture_path, typed, profile_dir=device_profiles.PROFILE_DIR):
    """(profile override with ``extends``, the learner with its report, the base's name) for a capture.

    The profile extends the closest built-in profile and overrides what differs. Where that profile would
    post fields the capture shows the firmware's forms do not hold (another family's bookkeeping), it
    extends ``_base`` (the shared words) instead and names every page, field and bookkeeping value itself.
    """
    exchanges = read_capture(capture_path)
    base_profiles = dict((name, device_profiles.resolve_profile(name, profile_dir=profile_dir))
                         for name in device_profiles.profile_names(profile_dir))
    learner = Learner(exchanges, typed, base_profiles)
    learnt = learner.learn()
    base_name = closest_base(learnt, base_profiles)
    base = base_profiles[base_name]
    login = learnt['login']
    if login.get('form_path') == '/' and base['login']['path'] == login['path'] and base['login'].get('form_path'):
        # The person opened the device's address, which shows the family's login form: its own page is kept
        # (the client checks it holds the fields before any password is sent).
        login['form_path'] = base['login']['form_path']
    profile = {'extends': base_name,
               'description': 'Learnt from the browser capture %s' % os.path.basename(capture_path)}
    foreign = foreign_constants(learnt, base)
    if not foreign:
        profile.update(overrides(learnt, base))
        return profile, learner, base_name
    if not learnt['login'].get('session_cookie'):
        raise LearnError(
            'the capture holds no cookies (it was exported without them), and this firmware is no built-in family '
            'whose session cookie could be kept: nothing written. Export the capture again with its cookies: in '
            'Chrome or Edge, the Network tab\'s "Export HAR (with sensitive data)" (enable "Allow to generate HAR '
            'with sensitive data" in the DevTools settings first); in Firefox, "Save All As HAR". The learner '
            'writes no cookie value, only the cookie\'s name')
    full = device_profiles.deep_merge(
        dict((key, value) for key, value in base.items() if key not in ('name', 'description', 'sources', 'extends')
             + WORD_KEYS),
        dict((key, value) for key, value in learnt.items() if key not in WORD_KEYS))
    full['write_fields'] = learnt.get('write_fields', {})
    full['timestamp_field'] = learnt.get('timestamp_field')
    full['login']['extra_fields'] = learnt['login'].get('extra_fields', {})
    if 'off' not in learnt.get('checkbox', {}):
        # A browser sends nothing for an unticked box; another family's "off" value is no field of this form.
        full['checkbox']['off'] = None
    full.update((key, learnt[key]) for key in WORD_KEYS if key in learnt)
    # The e-mail (SMTP) pages are not in the capture: another family's would be no page of this firmware.
    full.pop('mail', None)
    # Nor are the pages of a provider the capture did not show: the profile carries only the providers it saw.
    full['providers'] = dict((name, spec) for name, spec in full['providers'].items() if name in learnt['providers'])
    profile['extends'] = '_base'
    profile.update(overrides(full, _root_profile(profile_dir)))
    learner.notes.append('%s would post %s, which no form of this firmware holds: the profile extends _base (the '
                         'shared words) and names every page, field and bookkeeping value itself; it has no e-mail (SMTP) '
                         'pages (the procedure does not open them: leave cloudmail_smtp_sender unset, or record them '
                         'too), and where the capture shows no logout it is %s\'s' % (
                             base_name, ', '.join(foreign), base_name))
    return profile, learner, base_name


def render_report(capture_path, output_path, profile, learner, base_name):
    overridden = sorted(key for key in profile if key not in ('extends', 'description'))
    lines = ['Profile learnt from %s (%d requests, device %s)' % (
        capture_path, len(learner.exchanges), learner.device[0].origin if learner.device else '?'),
        'Written: %s, extends %s and overrides %s' % (output_path, base_name, ', '.join(overridden) or 'nothing'),
        '', 'Found:']
    lines += ['  - %s: %s' % step for step in learner.found]
    missing = ['  - %s: %s' % step for step in learner.missing]
    lines += ['', 'Not found:'] + (missing or ['  - nothing: every step of the procedure is in the capture'])
    lines += ['', 'Not visible in a browser capture, kept from %s: the value of an unticked check box, the pause '
              'between requests the firmware needs, the texts of refused writes and of a lockout%s; the e-mail (SMTP) '
              'pages, which the procedure does not open%s.' % (
                  profile['extends'], '' if 'login_failed' in profile.get('messages', {}) else ' and of refused logins',
                  '' if profile['extends'] == base_name else ' (this profile has none)')]
    if learner.notes:
        lines += ['', 'Notes:'] + ['  - %s' % note for note in learner.notes]
    lines += ['', 'Secrets: no value from the capture that could be secret (%d checked: passwords, cookies, '
              'anti-forgery tokens, codes, client secrets, user name) is written to the profile or this report.'
              % len(learner.secrets),
              'Next: check the profile on one printer in check mode (cloudmail_profile_file=%s, rollout.yml --check '
              '--limit ONE_PRINTER), then with the probe, then roll out.' % output_path]
    return '\n'.join(lines) + '\n'


def write_outputs(capture_path, output_path, report_path, typed):
    """Learn, validate and write the profile and the report; the steps not found."""
    import yaml
    profile, learner, base_name = learn(capture_path, typed)
    text = '# Learnt from a browser capture by printfleet.cloudmail learn_profile; check it before a rollout.\n' + \
        yaml.safe_dump(profile, sort_keys=False, allow_unicode=True, default_flow_style=False)
    report = render_report(capture_path, output_path, profile, learner, base_name)
    for secret in learner.secrets:
        if secret in text or secret in report:
            raise LearnError('a value that may be secret would be written (a field or path holds it); nothing '
                             'written: edit the capture or tell the maintainers')
    directory = os.path.dirname(os.path.abspath(output_path))
    scratch = os.path.join(directory, '.%s.learnt' % os.path.basename(output_path))
    write_private(scratch, text)
    try:
        device_profiles.resolve_profile(profile_file=scratch)
    except device_profiles.ProfileError as exc:
        raise LearnError('the learnt profile is not valid (%s); nothing written' % exc)
    finally:
        os.unlink(scratch)
    write_private(output_path, text)
    if report_path:
        write_private(report_path, report)
    return report, learner.missing


def typed_values(host_vars=None, tenant=None, authority_url=None, client_id=None):
    """The values the operator typed in the browser, from the command line or the host's inventory variables."""
    host_vars = host_vars or {}
    authority_url = authority_url or host_vars.get('cloudmail_microsoft_authority_url')
    tenant = tenant or host_vars.get('cloudmail_microsoft_tenant')
    if not authority_url and tenant:
        try:
            authority_url = authority_url_for_tenant(tenant)
        except ValueError as exc:
            raise LearnError('cloudmail_microsoft_tenant: %s' % exc)
    return {'authority_url': authority_url, 'client_id': client_id or host_vars.get('cloudmail_google_client_id')}


def _read_host_vars(path):
    import yaml
    try:
        with open(path, encoding='utf-8') as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise LearnError('cannot read the host variables %s (%s)' % (path, exc))
    if not isinstance(data, dict):
        raise LearnError('%s holds no host variables (use the output of ansible-inventory --host NAME)' % path)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learn_profile',
        description='Learn a device profile from a browser capture (HAR) of the OAuth settings procedure.')
    parser.add_argument('capture', help='the HAR file saved from the browser\'s developer tools')
    parser.add_argument('--output', required=True, help='the profile file to write (for cloudmail_profile_file)')
    parser.add_argument('--report', help='where to write the report too (it is always printed)')
    parser.add_argument('--host-vars', help='the printer\'s variables as `ansible-inventory --host NAME` prints them')
    parser.add_argument('--tenant', help='the Entra ID tenant typed (else cloudmail_microsoft_tenant)')
    parser.add_argument('--authority-url', help='the Entra ID endpoint typed (else cloudmail_microsoft_authority_url)')
    parser.add_argument('--client-id', help='the Google client ID typed (else cloudmail_google_client_id)')
    arguments = parser.parse_args(argv)
    try:
        host_vars = _read_host_vars(arguments.host_vars) if arguments.host_vars else {}
        typed = typed_values(host_vars, arguments.tenant, arguments.authority_url, arguments.client_id)
        report, missing = write_outputs(arguments.capture, arguments.output, arguments.report, typed)
    except (LearnError, device_profiles.ProfileError, OSError) as exc:
        sys.stderr.write('learn_profile: %s\n' % exc)
        return 1
    sys.stdout.write(report)
    return 3 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
