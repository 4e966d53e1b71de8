"""A minimal Remote UI "browser" for the simulator tests: requests over HTTPS, profile-driven.

Independent of the collection's client on purpose: these tests check the simulator against the
contract, not against another implementation of it.
"""

import re
import time
from html import unescape
from html.parser import HTMLParser

import requests

from simulator.printer import LANGUAGES, profiles


class PageParser(HTMLParser):
    """Label/value rows, forms with their inputs, and links of one page."""

    def __init__(self):
        super().__init__()
        self.rows, self.forms, self.links = [], [], []
        self._cell, self._text, self._label = None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ('th', 'dt', 'td', 'dd'):
            self._cell, self._text = tag, []
        elif tag == 'form':
            self.forms.append({'action': attrs.get('action'), 'inputs': []})
        elif tag == 'input' and self.forms:
            self.forms[-1]['inputs'].append(attrs)
        elif tag == 'a' and 'href' in attrs:
            self.links.append(attrs['href'])

    def handle_data(self, data):
        if self._cell:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag in ('th', 'dt'):
            self._label = ''.join(self._text).strip()
        elif tag in ('td', 'dd') and self._label is not None:
            self.rows.append((self._label, ''.join(self._text).strip()))
            self._label = None
        if tag == self._cell:
            self._cell = None


def parse(text):
    parser = PageParser()
    parser.feed(text)
    return parser


def normalize(rows):
    """Rows -> {normalized label: value}, status words mapped to the normalized vocabulary."""
    labels = {text: key for key, texts in profiles.LABELS.items() for text in texts}
    words = {kind: {text: value for value, texts in table.items() for text in texts}
             for kind, table in profiles.STATUS_VALUES.items()}
    result = {}
    for label, value in rows:
        if label in labels:
            key = labels[label]
            result[key] = words[key].get(value, value) if key in words else value
    return result


class Browser:
    def __init__(self, fleet, name, ca_path=None):
        self.fleet, self.name = fleet, name
        self.printer = fleet.printers[name]
        self.profile = profiles.PROFILES[self.printer['family']]
        self.lang = LANGUAGES.index(self.printer['language'])
        self.http = requests.Session()
        self.http.trust_env = False       # the environment's CA bundle must not win
        self.verify = ca_path or fleet.ca_path

    def request(self, method, path, **kwargs):
        return self.http.request(method, self.fleet.url(self.name, path), verify=self.verify,
                                 allow_redirects=False, timeout=10, **kwargs)

    def get(self, path):
        return self.request('GET', path)

    def message(self, key):
        return profiles.MESSAGES[key][self.lang]

    def login(self, password=None, username=None):
        login = self.profile['login']
        form = {**login['extra_fields'], login['username_field']: username or self.fleet.username,
                login['password_field']: self.fleet.password if password is None else password}
        return self.request('POST', login['path'], data=form)

    def logout(self):
        return self.get(self.profile['logout']['path'])

    def page(self, path):
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return parse(response.text)

    def status(self, provider):
        return normalize(self.page(self.profile['providers'][provider]['status_path']).rows)

    def wait_status(self, provider, key, wanted, timeout=15):
        deadline = time.monotonic() + timeout
        while (current := self.status(provider).get(key)) != wanted:
            assert time.monotonic() < deadline, f'{key} stayed {current!r}, wanted {wanted!r}'
            time.sleep(0.2)
        return self.status(provider)

    def form_fields(self, page, form_index=0):
        """What a browser would post: every hidden input, checked checkboxes, text values."""
        form = page.forms[form_index]
        data = {}
        for field in form['inputs']:
            kind, name = field.get('type', 'text'), field.get('name')
            if name and (kind != 'checkbox' or 'checked' in field):
                data[name] = field.get('value', '')
        return form['action'], data

    def post_form(self, path, values, form_index=0):
        """Open the page at path, fill in values (field name -> value, None: leave out), post."""
        action, data = self.form_fields(self.page(path), form_index)
        data.update(self.profile['write_fields'])
        if self.profile['timestamp_field']:
            data[self.profile['timestamp_field']] = str(int(time.time() * 1000))
        for name, value in values.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return self.request('POST', action, data=data)

    def settings_values(self, provider, **settings):
        """Normalized settings -> form values in the profile's encoding."""
        spec, checkbox = self.profile['providers'][provider], self.profile['checkbox']
        values = {}
        for key, value in settings.items():
            if isinstance(value, bool):
                values[spec['fields'][key]] = checkbox['on'] if value else checkbox['off']
            else:
                values[spec['fields'][key]] = value
        if 'client_secret' in settings and spec.get('secret_change_flag'):
            flag = spec['secret_change_flag']
            values[flag['field']] = flag['value']
        return values

    def save(self, provider, **settings):
        spec = self.profile['providers'][provider]
        return self.post_form(spec['edit_path'], self.settings_values(provider, **settings))


def error_marker_in(response, profile):
    return re.search(re.escape(profile['error_marker']), unescape(response.text)) is not None
