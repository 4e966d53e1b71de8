# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A generic client for a printer's web interface (the "Remote UI").

Everything that differs between device families (paths, field names, labels,
status words) comes from a profile in ``profiles.py``; this module only knows
HTTP, sessions and HTML.

Secrets (the password, form values) never appear in an exception message: the
messages name the host, the page and what was not understood.
"""

from __future__ import annotations

__metaclass__ = type

import os
import re
import signal
import threading
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

try:
    import requests
    import requests.utils
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by ansible-test's import sanity test
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.printfleet.cloudmail.plugins.module_utils.profiles import (
    LABELS,
    MESSAGES,
    PROFILES,
)


def connection_argument_spec():
    """The options every module shares; documented once in the ``connection`` doc fragment."""
    return dict(
        host=dict(type='str', required=True),
        port=dict(type='int', default=443),
        username=dict(type='str', required=True),
        password=dict(type='str', required=True, no_log=True),
        profile=dict(type='str', required=True, choices=sorted(PROFILES)),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=10),
        retries=dict(type='int', default=3),
    )


def session_from_module(module, **kwargs):
    """A ``RemoteUISession`` configured from the connection options of an AnsibleModule."""
    params = module.params
    return RemoteUISession(
        host=params['host'], port=params['port'], username=params['username'],
        password=params['password'], profile=params['profile'],
        validate_certs=params['validate_certs'], ca_path=params['ca_path'],
        timeout=params['timeout'], retries=params['retries'], **kwargs)


def warn_all(module, warnings):
    """Pass a session's warnings (e.g. a failed logout) on to the task result."""
    for warning in warnings:
        module.warn(warning)


# --------------------------------------------------------------------------- errors

class RemoteUIError(Exception):
    """A problem with one printer; the message starts with the host name."""

    def __init__(self, host, message):
        super(RemoteUIError, self).__init__('%s: %s' % (host, message))
        self.host = host


class DeviceUnreachableError(RemoteUIError):
    """Transient faults (refused, reset, timeouts, 5xx, busy) outlasted the retries."""


class CertificateError(RemoteUIError):
    """The printer's TLS certificate is not trusted; never retried."""


class LoginRejectedError(RemoteUIError):
    """Wrong user name or password; never retried, so that we cause no lockout."""


class LockedOutError(RemoteUIError):
    """The device refuses logins after repeated failures; never retried."""


class SessionLimitError(RemoteUIError):
    """Other administrators hold every session the device allows."""


class SessionExpiredError(RemoteUIError):
    """The session ended again right after a fresh login."""


class PageNotUnderstoodError(RemoteUIError):
    """A page did not look as the profile says (unknown page, missing label or field)."""


class UnknownStatusError(PageNotUnderstoodError):
    """A status word that the profile does not list."""


class WriteRejectedError(RemoteUIError):
    """The device answered a form post with its error page."""


class SessionInterruptedError(RemoteUIError):
    """The process was asked to stop (SIGTERM) while a session was open."""


PROFILE_HINT = 'the profile %r may not match this firmware'


# --------------------------------------------------------------------------- HTML

def normalize_text(text):
    """Collapse whitespace, as a browser renders it."""
    return ' '.join((text or '').split())


def normalize_label(text):
    """Labels compare without case, surrounding whitespace or a trailing colon."""
    return normalize_text(text).rstrip(':').strip().casefold()


class Value:
    """The value cell of a label/value row: its text and the links inside it."""

    def __init__(self, label, text, links):
        self.label = label
        self.text = text
        self.links = links

    def __repr__(self):
        return 'Value(%r, %r, %r)' % (self.label, self.text, self.links)


class FormInput:
    """One control of a form, as a browser sees it."""

    def __init__(self, name, kind, value='', checked=False):
        self.name = name
        self.kind = kind
        self.value = value
        self.checked = checked


class Form:
    """A parsed ``<form>``: where it posts and its controls in document order."""

    def __init__(self, action, method):
        self.action = action
        self.method = method
        self.inputs = []

    def get(self, name):
        for control in self.inputs:
            if control.name == name:
                return control
        return None

    def hidden_fields(self):
        return dict((c.name, c.value) for c in self.inputs if c.kind == 'hidden' and c.name)


class PageParser(HTMLParser):
    """Collects label/value pairs (``<th>/<td>`` rows and ``<dt>/<dd>`` lists), forms and text."""

    LABEL_TAGS = ('th', 'dt')
    VALUE_TAGS = ('td', 'dd')

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.title = ''
        self.text_parts = []
        self.pairs = []
        self.forms = []
        self._in_title = False
        self._label_parts = None
        self._pending_label = None
        self._value_parts = None
        self._value_links = None
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attributes = dict((name, value if value is not None else '') for name, value in attrs)
        if tag == 'title':
            self._in_title = True
        elif tag in self.LABEL_TAGS:
            self._label_parts = []
            self._value_parts = None
        elif tag in self.VALUE_TAGS:
            if self._pending_label is not None:
                self._value_parts = []
                self._value_links = []
        elif tag == 'a':
            if self._value_parts is not None and attributes.get('href'):
                self._value_links.append(attributes['href'])
        elif tag == 'tr':
            self._pending_label = None
        elif tag == 'form':
            self._form = Form(attributes.get('action', ''), attributes.get('method', 'get').lower())
            self.forms.append(self._form)
        elif tag == 'input':
            kind = attributes.get('type', 'text').lower()
            self._add_input(FormInput(attributes.get('name', ''), kind, attributes.get('value', ''),
                                      'checked' in attributes))
        elif tag == 'select':
            self._select = FormInput(attributes.get('name', ''), 'select', None)
            self._add_input(self._select)
        elif tag == 'option' and self._select is not None:
            if self._select.value is None or 'selected' in attributes:
                self._select.value = attributes.get('value', '')
        elif tag == 'textarea':
            self._textarea = FormInput(attributes.get('name', ''), 'textarea', '')
            self._add_input(self._textarea)

    def handle_endtag(self, tag):
        if tag == 'title':
            self._in_title = False
        elif tag in self.LABEL_TAGS and self._label_parts is not None:
            self._pending_label = normalize_text(''.join(self._label_parts))
            self._label_parts = None
        elif tag in self.VALUE_TAGS and self._value_parts is not None:
            self.pairs.append(Value(self._pending_label, normalize_text(''.join(self._value_parts)),
                                    self._value_links))
            self._value_parts = None
            self._pending_label = None
        elif tag == 'form':
            self._form = None
        elif tag == 'select':
            self._select = None
        elif tag == 'textarea':
            self._textarea = None

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._in_title:
            self.title += data
        if self._label_parts is not None:
            self._label_parts.append(data)
        elif self._value_parts is not None:
            self._value_parts.append(data)
        if self._textarea is not None:
            self._textarea.value += data

    def _add_input(self, control):
        # Controls outside any form are kept in a formless pseudo-form.
        if self._form is None:
            self._form = Form('', 'get')
            self.forms.append(self._form)
        self._form.inputs.append(control)


class Page:
    """One parsed page of the Remote UI."""

    def __init__(self, host, path, status_code, body, profile_name=''):
        self.host = host
        self.path = path
        self.status_code = status_code
        self.profile_name = profile_name
        parser = PageParser()
        parser.feed(body or '')
        parser.close()
        self.title = normalize_text(parser.title)
        self.text = normalize_text(' '.join(parser.text_parts))
        self.pairs = parser.pairs
        self.forms = parser.forms
        self._by_label = {}
        for pair in self.pairs:
            self._by_label.setdefault(normalize_label(pair.label), pair)

    def labels(self):
        return [pair.label for pair in self.pairs]

    def find(self, name):
        """The row whose label is any translation of ``LABELS[name]``, or None."""
        for label in LABELS[name]:
            pair = self._by_label.get(normalize_label(label))
            if pair is not None:
                return pair
        return None

    def value(self, name):
        """The row for ``name``; a clear error when the page has none."""
        pair = self.find(name)
        if pair is None:
            raise PageNotUnderstoodError(
                self.host, 'page %s has no %s row (looked for %s; labels on the page: %s); %s' % (
                    self.path, name, ' / '.join(repr(label) for label in LABELS[name]),
                    ', '.join(repr(label) for label in self.labels()) or 'none',
                    PROFILE_HINT % self.profile_name))
        return pair

    def shows(self, message_key):
        """Whether the page shows one of the device's ``MESSAGES[message_key]`` texts."""
        return any(normalize_text(message) in self.text for message in MESSAGES[message_key])

    def form_with(self, field_name):
        """The form holding a control named ``field_name``; a clear error when none does."""
        for form in self.forms:
            if form.get(field_name) is not None:
                return form
        raise PageNotUnderstoodError(
            self.host, 'page %s has no form with the field %r; %s' % (
                self.path, field_name, PROFILE_HINT % self.profile_name))


# --------------------------------------------------------------------------- session

class RemoteUISession:
    """An administrator session on one printer.

    Use it as a context manager: it logs in on enter and always logs out on
    exit, also when the body raised, so that no session stays open on a
    device that allows only a few at once.
    """

    BACKOFF_SECONDS = 0.5
    BACKOFF_MAX_SECONDS = 8.0

    def __init__(self, host, username, password, profile, port=443, validate_certs=True,
                 ca_path=None, timeout=10.0, retries=3, sleep=time.sleep):
        if profile not in PROFILES:
            raise RemoteUIError(host, 'unknown profile %r (known: %s)' % (profile, ', '.join(sorted(PROFILES))))
        self.host = host
        self.port = port
        self.username = username
        self._password = password
        self.profile_name = profile
        self.profile = PROFILES[profile]
        self.timeout = timeout
        self.retries = max(0, retries)
        self.warnings = []
        self._sleep = sleep
        address = '[%s]' % host if ':' in host and not host.startswith('[') else host
        self.base_url = 'https://%s:%d' % (address, port)
        # requests lets REQUESTS_CA_BUNDLE beat Session.verify; trust_env=False stops that, so
        # verify= is passed per request and the proxies are taken from the environment by hand.
        # Without ca_path the environment's bundle still counts, as it would for requests itself.
        if validate_certs:
            self.verify = ca_path or os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
        else:
            self.verify = False
        self._http = None
        self._proxies = {}
        self._logged_in = False
        self._previous_sigterm = None

    # -- context manager

    def __enter__(self):
        if not HAS_REQUESTS:
            raise RemoteUIError(self.host, 'the Python library requests is required')
        self._http = requests.Session()
        self._http.trust_env = False
        self._proxies = requests.utils.get_environ_proxies(self.base_url)
        self._install_sigterm_handler()
        try:
            self.login()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            self.logout()
        finally:
            self._close()
        return False

    def _close(self):
        self._restore_sigterm_handler()
        if self._http is not None:
            self._http.close()
            self._http = None

    def _install_sigterm_handler(self):
        # A killed task (timeout, Ctrl-C in the controller) should still log out.
        if threading.current_thread() is not threading.main_thread():
            return

        def interrupted(signum, frame):
            raise SessionInterruptedError(self.host, 'stopped by signal %d' % signum)

        self._previous_sigterm = signal.signal(signal.SIGTERM, interrupted)

    def _restore_sigterm_handler(self):
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    # -- login / logout

    def login(self):
        login = self.profile['login']
        data = dict(login.get('extra_fields') or {})
        data[login['username_field']] = self.username
        data[login['password_field']] = self._password
        # A login that timed out may still be checked by a slow device: it is never sent again,
        # since every repeat of a wrong password would count towards the device's lockout.
        response = self._request('POST', login['path'], data=data, relogin=False, repeat_after_timeout=False)
        if response.is_redirect and not self._is_login_redirect(response) \
                and self._http.cookies.get(login['session_cookie']):
            self._logged_in = True
            return
        page = self._page(login['path'], response)
        if page.shows('locked_out'):
            raise LockedOutError(
                self.host, 'the device refuses logins after repeated failed attempts; not retried. '
                'Wait until the lockout ends (5 minutes on most firmware) and check the password for user %r'
                % self.username)
        if page.shows('login_failed'):
            raise LoginRejectedError(
                self.host, 'login refused for user %r: wrong user name or password. Not retried, so that '
                'the device does not lock the account; fix the password and run again' % self.username)
        raise PageNotUnderstoodError(
            self.host, 'login at %s answered HTTP %d without a %r session cookie and without a known '
            'message; %s' % (login['path'], response.status_code, login['session_cookie'],
                             PROFILE_HINT % self.profile_name))

    def logout(self):
        """End the session; a failure becomes a warning (the device ends idle sessions itself)."""
        if not self._logged_in:
            return
        self._logged_in = False
        try:
            self._send('GET', self.profile['logout']['path'])
        except Exception as exc:  # noqa: BLE001 - logging out must never hide the real outcome
            self.warnings.append('%s: logout failed (%s); the device ends the session when it is idle'
                                 % (self.host, type(exc).__name__))

    # -- pages and forms

    def get_page(self, path):
        """GET a page of the Remote UI and parse it; anything but HTTP 200 is an error."""
        response = self._request('GET', path)
        if response.status_code != 200:
            raise PageNotUnderstoodError(
                self.host, 'page %s answered HTTP %d%s; %s' % (
                    path, response.status_code,
                    ' (to %s)' % response.headers.get('Location') if response.is_redirect else '',
                    PROFILE_HINT % self.profile_name))
        return self._page(path, response)

    def submit_form(self, page_path, form_field, values, idempotent=True):
        """Post the form of ``page_path`` that holds ``form_field``, as a browser does.

        The form is read afresh before every attempt, because its anti-forgery
        token is valid for one post only. ``values`` maps field names to the
        strings to send; a value of None leaves the field out. The device
        answers a good post with a redirect; anything else is its error page.
        """
        def prepare():
            page = self.get_page(page_path)
            form = page.form_with(form_field)
            data = self._browser_fields(form)
            data.update(self.profile.get('write_fields') or {})
            if self.profile.get('timestamp_field'):
                data[self.profile['timestamp_field']] = str(int(time.time() * 1000))
            for name, value in values.items():
                if value is None:
                    data.pop(name, None)
                else:
                    data[name] = value
            action = urljoin(page_path, form.action or page_path)
            return urlsplit(action).path or page_path, data, page_path

        response = self._request('POST', None, prepare=prepare, idempotent=idempotent)
        if response.is_redirect:
            return response
        page = self._page(page_path, response)
        marker = self.profile.get('error_marker')
        detail = 'its error page (%s)' % marker if marker and marker in page.text else 'HTTP %d instead of a redirect' % (
            response.status_code)
        outcome = 'nothing was changed' if response.status_code < 500 else 'the device may or may not have acted on it'
        raise WriteRejectedError(
            self.host, 'the device refused the form of %s: it answered %s; %s' % (page_path, detail, outcome))

    @staticmethod
    def _browser_fields(form):
        """What a browser would send for the form untouched: hidden, text and checked controls."""
        data = {}
        for control in form.inputs:
            if not control.name or control.kind in ('submit', 'button', 'reset', 'image', 'file'):
                continue
            if control.kind in ('checkbox', 'radio'):
                if control.checked:
                    data[control.name] = control.value or 'on'
            elif control.kind != 'password':
                data[control.name] = control.value or ''
        return data

    def _page(self, path, response):
        # Parsed once per response: the retry policy looks at the page before its caller does.
        page = getattr(response, 'parsed_page', None)
        if page is None or page.path != path:
            page = Page(self.host, path, response.status_code, response.text, self.profile_name)
            response.parsed_page = page
        return page

    # -- HTTP

    def _send(self, method, path, data=None, referer=None):
        headers = {}
        if method == 'POST':
            # Devices check that a post comes from their own pages, as a browser's would.
            headers['Origin'] = self.base_url
            headers['Referer'] = self.base_url + (referer or path)
        response = self._http.request(
            method, self.base_url + path, data=data, headers=headers, timeout=self.timeout,
            verify=self.verify, proxies=self._proxies, allow_redirects=False)
        response.request_path = path
        return response

    def _is_login_redirect(self, response):
        if not response.is_redirect:
            return False
        location = urlsplit(response.headers.get('Location', '')).path
        return location == self.profile['login']['path']

    def _request(self, method, path, data=None, prepare=None, idempotent=True, relogin=True, repeat_after_timeout=True):
        """Every call to the device goes through here.

        Transient faults (refused or reset connections, timeouts, HTTP 5xx, the
        busy page, another administrator holding the last session) are retried
        with exponential backoff. An expired session gets one fresh login. A
        request that is not idempotent is retried only when the device cannot
        have acted on it; without ``repeat_after_timeout`` a request whose answer
        timed out is not repeated either. Certificate problems are never retried.
        """
        relogged_in = False
        attempt = 0
        while True:
            referer = None
            if prepare is not None:
                path, data, referer = prepare()
            problem = None
            try:
                response = self._send(method, path, data, referer)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if _is_certificate_problem(exc):
                    raise CertificateError(
                        self.host, 'the TLS certificate of https://%s:%d was not accepted (%s). Set ca_path to the '
                        'CA that signed the printer certificate, or validate_certs: false for a printer with a '
                        'self-signed certificate' % (self.host, self.port, _ssl_reason(exc)))
                if not repeat_after_timeout and isinstance(exc, requests.exceptions.ReadTimeout):
                    raise DeviceUnreachableError(
                        self.host, 'no answer to %s %s within %s s; not repeated because a slow device may still '
                        'check it (raise the timeout for this printer)' % (method, path, self.timeout))
                if not idempotent and not _never_reached_device(exc):
                    raise DeviceUnreachableError(
                        self.host, 'the connection failed during %s %s (%s); not repeated because the device '
                        'may have acted on it' % (method, path, _describe_transport_error(exc)))
                problem = _describe_transport_error(exc)
            except requests.exceptions.RequestException as exc:
                # Reset mid-body, undecodable answer, bad header or URL: name the host, never a traceback.
                if not idempotent:
                    raise DeviceUnreachableError(
                        self.host, 'the request %s %s failed (%s); not repeated because the device may have '
                        'acted on it' % (method, path, type(exc).__name__))
                problem = 'request failed (%s)' % type(exc).__name__
            else:
                problem = self._transient_problem(response, idempotent)
                if problem is None:
                    if relogin and self._logged_in and self._is_login_redirect(response):
                        if relogged_in:
                            raise SessionExpiredError(
                                self.host, 'the session ended again right after a fresh login (%s %s)' % (method, path))
                        relogged_in = True
                        self._logged_in = False
                        self.login()
                        continue
                    return response
            if attempt >= self.retries:
                raise DeviceUnreachableError(
                    self.host, 'gave up on %s %s after %d attempts: %s' % (method, path, attempt + 1, problem))
            self._sleep(min(self.BACKOFF_SECONDS * (2 ** attempt), self.BACKOFF_MAX_SECONDS))
            attempt += 1

    def _transient_problem(self, response, idempotent):
        """Why a response should be tried again, or None when it is an answer to use."""
        status = response.status_code
        if status == 503:
            if self._page(response.request_path, response).shows('busy'):
                return 'HTTP 503 (device busy)'
            return 'HTTP 503 (service unavailable)' if idempotent else None
        if status >= 500:
            return 'HTTP %d' % status if idempotent else None
        if status == 200 and 'text/html' in response.headers.get('Content-Type', 'text/html'):
            page = self._page(response.request_path, response)
            if page.shows('session_limit'):
                return 'another administrator is logged in and the device allows no more sessions'
            if page.shows('busy'):
                return 'device busy'
        return None


def _is_certificate_problem(exc):
    """A TLS failure caused by the certificate (never retried), not by a dropped handshake."""
    text = str(exc)
    return isinstance(exc, requests.exceptions.SSLError) and (
        'CERTIFICATE_VERIFY_FAILED' in text or 'certificate verify failed' in text or "doesn't match" in text)


def _describe_transport_error(exc):
    if isinstance(exc, requests.exceptions.Timeout):
        return 'timed out'
    if isinstance(exc, requests.exceptions.SSLError):
        return 'TLS handshake interrupted'
    text = str(exc)
    for needle, description in (('refused', 'connection refused'), ('reset', 'connection reset'),
                                ('RemoteDisconnected', 'connection closed by the device'),
                                ('aborted', 'connection aborted'),
                                ('Name or service not known', 'host name not known')):
        if needle in text:
            return description
    return 'connection failed (%s)' % type(exc).__name__


def _never_reached_device(exc):
    """True when a failed request cannot have been received (refused or connect timeout)."""
    return isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)) or \
        'refused' in str(exc) or 'NewConnectionError' in str(exc)


def _ssl_reason(exc):
    match = re.search(r'certificate verify failed: ([^(\')"]+)', str(exc))
    return 'certificate verify failed: %s' % match.group(1).strip() if match else 'certificate not accepted'
