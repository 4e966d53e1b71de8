# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cookies of one printer session, kept and sent as RFC 6265 says.

Python's ``http.cookiejar`` parses Set-Cookie well (Expires and Max-Age, Path,
Secure, attributes it does not know such as SameSite are ignored) and applies
RFC 6265's path and Secure rules; only its domain rules are those of the old
Netscape/RFC 2965 drafts: it refuses ``Domain=localhost`` and every other
single-label host name (``printer-0001``) by appending ``.local`` to the host,
and sends a host-only cookie to other hosts under the same name. The policy here
replaces exactly those domain checks with RFC 6265 section 5.1.3 and 5.3
(host-only cookies match only the host that set them; a Domain cookie matches
its domain and, for host names, its subdomains; an IP address matches only
itself), and keeps everything else of the standard library.

requests copies the cookies into a jar of the standard policy before every
request, so the session builds the Cookie header itself from this jar (which is
also the requests session's own, so that requests keeps cookies by this policy).
"""

from __future__ import annotations

__metaclass__ = type

import http.cookiejar
import ipaddress
import urllib.request

try:
    from requests.cookies import RequestsCookieJar as _Jar
except ImportError:  # pragma: no cover - the session reports the missing library
    _Jar = http.cookiejar.CookieJar


def _is_address(host):
    try:
        ipaddress.ip_address(host.strip('[]'))
    except ValueError:
        return False
    return True


def domain_match(host, domain):
    """RFC 6265 5.1.3: whether ``host`` (as the client used it) domain-matches ``domain``."""
    host = host.lower().rstrip('.')
    domain = domain.lower().lstrip('.').rstrip('.')
    if not domain:
        return False
    return host == domain or (host.endswith('.' + domain) and not _is_address(host))


class DeviceCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """http.cookiejar's policy with RFC 6265 domain rules (see the module's text)."""

    def set_ok_domain(self, cookie, request):
        if self.is_blocked(cookie.domain) or self.is_not_allowed(cookie.domain):
            return False
        if not cookie.domain_specified:
            return True     # host-only: stored under the host that set it
        return domain_match(http.cookiejar.request_host(request), cookie.domain)

    def return_ok_domain(self, cookie, request):
        if cookie.domain_specified:
            return domain_match(http.cookiejar.request_host(request), cookie.domain)
        # A host-only cookie is stored under the effective host name of the answer that set it.
        return cookie.domain == http.cookiejar.eff_request_host(request)[1]

    def domain_return_ok(self, domain, request):
        return True     # return_ok_domain decides for each cookie


class _Headers:
    """The answer's headers as http.cookiejar reads them (every Set-Cookie header on its own)."""

    def __init__(self, values):
        self._values = values

    def get_all(self, name, default=None):
        return list(self._values) if name.lower() == 'set-cookie' and self._values else (default or [])


class _Answer:
    def __init__(self, values):
        self._headers = _Headers(values)

    def info(self):
        return self._headers


def set_cookie_headers(response):
    """Every Set-Cookie header of a requests response, each on its own (requests joins them with commas)."""
    original = getattr(getattr(response, 'raw', None), '_original_response', None)
    message = getattr(original, 'msg', None)
    if message is not None and hasattr(message, 'get_all'):
        return message.get_all('Set-Cookie') or []
    value = response.headers.get('Set-Cookie')
    return [value] if value else []


class SessionCookies:
    """The cookie jar of one session: cookies taken from every answer, sent by RFC 6265's rules."""

    def __init__(self):
        self.jar = _Jar(policy=DeviceCookiePolicy())

    def __iter__(self):
        return iter(list(self.jar))

    def names(self):
        return set(cookie.name for cookie in self.jar)

    def extract(self, url, response):
        """Keep (or drop, for Max-Age=0 and past Expires) the cookies the answer to ``url`` sets; their names."""
        values = set_cookie_headers(response)
        if values:
            self.jar.extract_cookies(_Answer(values), urllib.request.Request(url))
        return [value.split('=', 1)[0].strip() for value in values]

    def header(self, url):
        """The Cookie header a browser sends to ``url``, or None."""
        request = urllib.request.Request(url)
        self.jar.add_cookie_header(request)
        return request.get_header('Cookie')
