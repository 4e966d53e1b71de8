# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""How every request reaches a printer: the request policy of a Remote UI session.

One request at a time, as a browser sends it (cookies, the URL-carried session id, Origin and
Referer on a post), spaced as the profile asks, within a deadline per request and the task
budget per printer, never followed off the printer's own host and port, never larger than a
Remote UI page; transient faults (refused or reset connections, timeouts, HTTP 5xx, the busy
page) retried with exponential backoff, a request the device may have acted on never repeated,
certificate problems never retried. ``bounded_http`` holds the transport underneath (the
wall-clock deadline, the size limit, the shared TLS contexts); ``device_session`` the session
itself (login, logout, cookies, forms), which these requests serve.
"""

from __future__ import annotations

__metaclass__ = type

import re
import socket
import time
from urllib.parse import urljoin, urlsplit

try:
    import requests
except ImportError:  # pragma: no cover - the session reports the missing library (device_session.HAS_REQUESTS)
    requests = None

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    CertificateError,
    DeviceUnreachableError,
    SessionExpiredError,
    SessionLimitError,
    TransportLimitError,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.bounded_http import LimitExceeded, bounded_request
from ansible_collections.printfleet.cloudmail.plugins.module_utils import interrupts

# A Remote UI page is a few tens of kilobytes: anything far larger is not one, and is not read.
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
# The logout after a failure gets this long at most, beyond the task budget.
LOGOUT_SECONDS = 5.0


class DeviceRequests:
    """The request side of ``RemoteUISession``: what it sends, how long it waits, what it retries.

    A base of the session, not a client of its own: it uses the session's cookies, URL session id,
    profile pages and login (an expired session gets one fresh login).
    """

    BACKOFF_SECONDS = 0.5
    BACKOFF_MAX_SECONDS = 8.0

    # -- redirects

    def _location_path(self, path, response):
        """The redirect's target as a path on this device (its host checked by _refuse_foreign_redirect)."""
        target = urlsplit(urljoin(self.base_url + path, response.headers.get('Location') or '/'))
        return (target.path or '/') + ('?' + target.query if target.query else '')

    def _is_this_device(self, url):
        """Whether an absolute URL names this printer: its host name or an address it resolves to, same scheme and port."""
        target = urlsplit(url)
        if not target.netloc:
            return True
        try:
            port = target.port or (443 if target.scheme == 'https' else 80)
        except ValueError:
            return False
        if target.scheme != 'https' or port != self.port or not target.hostname:
            return False
        mine, theirs = self.host.strip('[]').lower(), target.hostname.lower()
        return mine == theirs or bool(self._resolved(mine) & self._resolved(theirs))

    def _resolved(self, name):
        """The addresses a host name resolves to (an address resolves to itself); empty when it does not resolve."""
        if name not in self._addresses:
            try:
                found = socket.getaddrinfo(name, self.port, proto=socket.IPPROTO_TCP)
                self._addresses[name] = frozenset(entry[4][0] for entry in found)
            except (OSError, UnicodeError):
                self._addresses[name] = frozenset()
        return self._addresses[name]

    def _refuse_foreign_redirect(self, method, path, response):
        """A redirect off the device's host and port is never followed (nor sent credentials or cookies).

        The device named by another name of its own (its address when the inventory has its host
        name, or the reverse) is the same device: the client stays on the name it was given.
        """
        location = response.headers.get('Location', '')
        if self._is_this_device(urljoin(self.base_url + path, location)):
            return
        target = urlsplit(urljoin(self.base_url + path, location))
        raise TransportLimitError(
            self.host, '%s %s at port %d redirects to another host (%s); not followed: redirects are followed only '
            'on the printer\'s own host and port (%s, addresses %s), and nothing was sent there. Check cloudmail_host '
            'and cloudmail_port (the printer may have moved), then run the playbook again' % (
                method, path, self.port, target.netloc, self.host,
                ', '.join(sorted(self._resolved(self.host.strip('[]').lower()))) or 'none'), limit='redirect')

    # -- HTTP

    def _send(self, method, path, data=None, referer=None, extra_headers=None, logout=False):
        """One request as a browser sends it: the session's cookies and URL-carried session id, no redirect followed."""
        if not logout:
            # After a stop (Ctrl-C, SIGTERM, the controller gone) only the logout is still sent.
            interrupts.check(self.host, method, path)
        self._latest_page = None    # any request may end the validity of the latest page's token
        headers = dict(extra_headers or {})
        url = self.base_url + self._with_url_session(path)
        if 'Cookie' not in headers:
            cookie = self.cookies.header(url)
            if cookie:
                headers['Cookie'] = cookie
        if method == 'POST':
            # Devices check that a post comes from their own pages, as a browser's would.
            headers['Origin'] = self.base_url
            headers['Referer'] = self.base_url + self._with_url_session(referer or path)
        if self._spacing and self._last_request is not None:
            # Some firmware refuses requests that follow each other too closely.
            wait = self._last_request + self._spacing - self._clock()
            if wait > 0:
                self._sleep(wait)
        seconds, limit = self._request_seconds(logout=logout)
        started = self._clock()
        # May have reached the device from here on (a stop signal mid-request included), unless it surely did not.
        reached_before, self._reached = self._reached, True
        try:
            response = bounded_request(
                self._http, method, url, seconds, MAX_RESPONSE_BYTES, data=data, headers=headers,
                verify=self.verify, proxies=self._proxies, allow_redirects=False)
        except LimitExceeded as exc:
            raise self._limit_error(method, path, exc, limit)
        except requests.exceptions.RequestException as exc:
            if _never_reached_device(exc):
                self._reached = reached_before
            raise
        finally:
            self._last_request = self._clock()
            if not logout:
                self._budget_used += self._last_request - started
        self.cookies.extract(url, response)
        response.request_path = path
        response.request_method = method
        return response

    def _request_seconds(self, logout=False):
        """How long the next request may take in all, and the variable that sets that limit."""
        if logout:
            return min(self.timeout, LOGOUT_SECONDS), 'cloudmail_timeout'
        left = self.task_budget - self._budget_used
        if left <= 0:
            raise TransportLimitError(
                self.host, 'the task budget of %s s for this printer (port %d) is used up: the device answered too '
                'slowly or not at all; the rest of the fleet went on. Raise cloudmail_task_budget for a slow printer, '
                'or check it with playbooks/status.yml, then run the playbook again' % (seconds_text(self.task_budget), self.port),
                limit='task_budget')
        if left < self.timeout:
            return left, 'cloudmail_task_budget'
        return self.timeout, 'cloudmail_timeout'

    def _limit_error(self, method, path, exc, variable):
        if exc.kind == 'size':
            return TransportLimitError(
                self.host, '%s %s at port %d: the answer exceeds the size limit of %d bytes (%s); a Remote UI page is '
                'far smaller, so this is not the printer\'s Remote UI: not read further. Check cloudmail_host and '
                'cloudmail_port, then run the playbook again' % (method, path, self.port, MAX_RESPONSE_BYTES, exc.detail),
                limit='size')
        if variable == 'cloudmail_task_budget':
            what = 'the rest of the task budget of %s s (cloudmail_task_budget)' % seconds_text(self.task_budget)
        else:
            what = 'the deadline of %s s per request (cloudmail_timeout)' % seconds_text(self.timeout)
        return TransportLimitError(
            self.host, '%s %s at port %d: no complete answer within %s: %s; not repeated. The device is stuck or far '
            'too slow; raise %s for a slow printer, or check it with playbooks/status.yml, then run the playbook '
            'again' % (method, path, self.port, what, exc.detail, variable), limit='deadline')

    def _request(self, method, path, data=None, prepare=None, idempotent=True, relogin=True, repeat_after_timeout=True,
                 referer=None):
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
            if prepare is not None:
                path, data, referer = prepare()
            problem = None
            try:
                response = self._send(method, path, data, referer)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if _is_certificate_problem(exc):
                    raise CertificateError(
                        self.host, 'the TLS certificate of https://%s:%d was not accepted (%s). Set cloudmail_ca_path '
                        'to the CA that signed the printer certificate, or cloudmail_validate_certs: false for a '
                        'printer with a self-signed certificate' % (self.host, self.port, _ssl_reason(exc)))
                if not repeat_after_timeout and isinstance(exc, requests.exceptions.ReadTimeout):
                    raise DeviceUnreachableError(
                        self.host, 'no answer from port %d to %s %s within %s s; not repeated because a slow device '
                        'may still check it (raise cloudmail_timeout for this printer)' % (
                            self.port, method, path, self.timeout))
                if not idempotent and not _never_reached_device(exc):
                    raise DeviceUnreachableError(
                        self.host, 'the connection to port %d failed during %s %s (%s); not repeated because the '
                        'device may have acted on it' % (self.port, method, path, _describe_transport_error(exc)))
                problem = _describe_transport_error(exc)
            except requests.exceptions.RequestException as exc:
                # Reset mid-body, undecodable answer, bad header or URL: name the host, never a traceback.
                if not idempotent:
                    raise DeviceUnreachableError(
                        self.host, 'the request %s %s at port %d failed (%s); not repeated because the device may '
                        'have acted on it' % (method, path, self.port, _describe_request_error(exc)))
                problem = _describe_request_error(exc)
            else:
                problem = self._transient_problem(response, idempotent)
                if problem is None:
                    if relogin and self._logged_in and self._is_login_redirect(response):
                        if relogged_in:
                            raise SessionExpiredError(
                                self.host, 'the session ended again right after a fresh login (%s %s)' % (method, path))
                        relogged_in = True
                        # End the old session too, should the device still count it.
                        self._quiet_logout()
                        self.login()
                        continue
                    return response
            if attempt >= self.retries:
                raise DeviceUnreachableError(
                    self.host, 'gave up on %s %s at port %d after %d attempts: %s; check cloudmail_host and '
                    'cloudmail_port, or raise cloudmail_timeout / cloudmail_retries for a slow printer, then run the '
                    'playbook again' % (method, path, self.port, attempt + 1, problem))
            pause = min(self.BACKOFF_SECONDS * (2 ** attempt), self.BACKOFF_MAX_SECONDS,
                        max(0.0, self.task_budget - self._budget_used))
            self._sleep(pause)
            self._budget_used += pause
            attempt += 1

    def _session_limit_error(self, method, path, said):
        idle = self.profile['login'].get('idle_timeout_seconds')
        if idle:
            until = time.strftime('%H:%M:%S UTC', time.gmtime(time.time() + float(idle)))
            when = 'A session left open ends after the device\'s idle timeout (%s s in the profile), by %s at the ' \
                'latest: run playbooks/status.yml after that time' % (seconds_text(float(idle)), until)
        else:
            when = 'A session left open ends after the device\'s idle timeout (often 5 to 10 minutes; ' \
                'login.idle_timeout_seconds in the profile says it): run playbooks/status.yml after that time'
        return SessionLimitError(
            self.host, 'the printer still holds every administrator session it allows (%s %s: the device says "%s"); '
            'not retried, since no retry can help before a session ends. Log the other administrator out of the '
            'Remote UI, or wait. %s, then playbooks/rollout.yml' % (method, path, said, when))

    def _transient_problem(self, response, idempotent):
        """Why a response should be tried again, or None when it is an answer to use."""
        status = response.status_code
        if status in (200, 503) and 'html' in response.headers.get('Content-Type', 'text/html'):
            page = self._page(response.request_path, response)
            if page.shows('session_limit'):
                # Retrying cannot help before a session ends: say which, and until when.
                raise self._session_limit_error(getattr(response, 'request_method', '?'), response.request_path,
                                                self._device_text(page, 'session_limit'))
        if status == 503:
            self.busy_answers += 1
            if self._page(response.request_path, response).shows('busy'):
                return 'HTTP 503 (device busy)'
            return 'HTTP 503 (service unavailable)' if idempotent else None
        if status >= 500:
            return 'HTTP %d' % status if idempotent else None
        if status == 200 and 'text/html' in response.headers.get('Content-Type', 'text/html'):
            page = self._page(response.request_path, response)
            if page.shows('busy'):
                return 'device busy'
        return None


def seconds_text(seconds):
    return ('%.1f' % seconds).rstrip('0').rstrip('.')


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


def _describe_request_error(exc):
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return 'the answer was cut off before its end'
    return 'request failed (%s)' % type(exc).__name__


def _never_reached_device(exc):
    """True when a failed request cannot have been received (refused or connect timeout)."""
    return isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)) or \
        'refused' in str(exc) or 'NewConnectionError' in str(exc)


def _ssl_reason(exc):
    match = re.search(r'certificate verify failed: ([^(\')"]+)', str(exc))
    return 'certificate verify failed: %s' % match.group(1).strip() if match else 'certificate not accepted'
