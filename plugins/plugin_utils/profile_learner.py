# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a browser capture of the manual's procedure teaches: a profile's pages, fields and words, and where each was found.

The ``Learner`` reads the capture's exchanges (``capture_reading``) once, step by step (login,
settings posts, status pages and labels, the start of the authorization, the code submission,
bookkeeping fields, logout), and keeps what it found, what it did not find and every value that
could be a secret. The profile file made of it is ``learnt_profile``'s.
"""

from __future__ import annotations

__metaclass__ = type

import re
from urllib.parse import urljoin, urlsplit

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import NAMES, PROVIDERS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import normalize_label
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.capture_reading import LearnError

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
