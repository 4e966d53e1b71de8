# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Google authorization codes as people paste them, checked before any reaches a printer.

A Google code is good for one exchange: a malformed value sent to the printer burns
it. People paste the code, the code still percent-encoded (``4%2F0A...``), the
whole address from the browser's bar, or a part of it: cut off after the code or
before it ends at ``&``, with ``code=`` in front, in quotes, or broken by spaces
where a terminal wrapped it; all are accepted when the code is intact, anything
else is refused here. Pure functions on plain data, so they are tested without Ansible.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

__metaclass__ = type

# Google's codes: "4/" then URL-safe characters (letters, digits, "-", "_"); "/" and "." allowed
# so that a future format does not get refused for them.
CODE_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9/._~-]{9,511}$')


class UnusableCode(ValueError):
    """The text holds no code a printer could use; the message says why (never the text itself)."""


# Around a pasted value: quotes and brackets that come with it from a chat, a mail or a document.
_WRAPPING = '\'"`<>()[]{}\u2018\u2019\u201c\u201d'


def parse_code(text):
    """``(code, state)`` from a code, a percent-encoded code or a redirect address (whole or cut off after the
    code); raises UnusableCode."""
    text = ''.join((text or '').split()).strip(_WRAPPING)
    if not text:
        raise UnusableCode('no code was given')
    state = None
    if '?' in text or '#' in text or text.lower().startswith(('http://', 'https://', 'code=', 'state=')):
        parts = urlsplit(text if '?' in text or '#' in text else '?' + text)
        query = parse_qs(parts.query or parts.fragment)
        if 'error' in query:
            raise UnusableCode('the address says error=%s: the access was not allowed; open the '
                               'authorization URL again and allow access' % query['error'][0][:40])
        if 'code' not in query:
            raise UnusableCode('the address has no code= parameter (copy the whole address from the browser\'s bar, '
                               'or the value after "code=")')
        text = query['code'][0].strip()
        state = query.get('state', [None])[0]
    else:
        # A code copied with what follows it in the address ("4/0A...&scope=..."): the code ends at "&".
        text = unquote(text.split('&', 1)[0])
    if not CODE_PATTERN.match(text):
        raise UnusableCode('it is not an authorization code (expected something like 4/0A..., '
                           'the value after "code=" in the address bar)')
    return text, state


# Where a new entry of an answer starts: an address, "code=", or a code ("4/..." or "4%2F...").
_ENTRY_START = re.compile(r'^[\'"`<(\[{\u2018\u201c]*(https?://|code=|state=|[^\s/?]*[?#]|\d+(/|%2F))', re.I)


def answer_entries(answer):
    """The entries of an answer, one per address or code. A line that starts with an address or a code and holds
    no other start of one is one entry, its pieces joined: a code or address broken by spaces where a terminal
    wrapped it. Any other line gives one entry per piece."""
    entries = []
    for line in (answer or '').splitlines():
        pieces = line.split()
        starts = [piece for piece in pieces if _ENTRY_START.match(piece)]
        if len(pieces) > 1 and len(starts) == 1 and starts[0] is pieces[0]:
            entries.append(''.join(pieces))
        else:
            entries.extend(pieces)
    return entries


def authorization_state(authorization_url):
    """The ``state`` the printer put in its authorization URL, if any."""
    values = parse_qs(urlsplit(authorization_url or '').query).get('state')
    return values[0] if values else None


def match_codes(answer, rows):
    """Give each Google printer its code from one answer: codes one per line or separated by spaces.

    ``rows`` are the table's Google rows (``host``, ``open``) in the table's order. An address whose
    ``state`` matches a printer's authorization URL goes to that printer; every other entry goes to
    the next printer without a code, in the table's order. Returns ``(codes, problems, ignored)``:
    host -> code, host -> why that printer gets no code (nothing of an unusable entry is sent to any
    printer), and how many entries were left over.
    """
    entries = answer_entries(answer)
    hosts = [row['host'] for row in rows]
    by_state = {authorization_state(row['open']): row['host'] for row in rows if authorization_state(row['open'])}
    codes, problems, in_order = {}, {}, []
    for position, entry in enumerate(entries, 1):
        try:
            code, state = parse_code(entry)
        except UnusableCode as exc:
            in_order.append((None, 'entry %d of the answer is unusable: %s' % (position, exc)))
            continue
        if state and state in by_state:
            codes[by_state[state]] = code
        else:
            in_order.append((code, None))
    free = [host for host in hosts if host not in codes]
    for host, (code, problem) in zip(free, in_order):
        if code:
            codes[host] = code
        else:
            problems[host] = problem
    return codes, problems, max(0, len(in_order) - len(free))


def codes_from_variable(given, rows):
    """``cloudmail_google_authorization_codes`` (host -> code, percent-encoded code or address), checked."""
    codes, problems = {}, {}
    states = {row['host']: authorization_state(row['open']) for row in rows}
    for row in rows:
        host = row['host']
        if host not in (given or {}):
            continue
        try:
            code, state = parse_code(str(given[host]))
        except UnusableCode as exc:
            problems[host] = 'cloudmail_google_authorization_codes[%s] is unusable: %s' % (host, exc)
            continue
        if state and states.get(host) and state != states[host]:
            problems[host] = ('cloudmail_google_authorization_codes[%s] is the address of another printer\'s '
                              'sign-in (its state does not match)' % host)
            continue
        codes[host] = code
    return codes, problems
