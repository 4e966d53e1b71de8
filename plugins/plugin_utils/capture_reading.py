# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A browser capture (HAR file) read as the browser recorded it: numbered requests and their answers.

Nothing here knows what the capture teaches (``profile_learner``) nor the profile written from it
(``learnt_profile``); the command is ``learn_profile``.
"""

from __future__ import annotations

__metaclass__ = type

import json
from urllib.parse import parse_qsl, urljoin, urlsplit

from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page, PageParser
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import decode_body

STATIC_SUFFIXES = ('.css', '.js', '.png', '.gif', '.jpg', '.jpeg', '.svg', '.ico', '.woff', '.woff2', '.ttf', '.map')


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
