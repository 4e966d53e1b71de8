# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Text as a reader of a Remote UI page sees it: decoded, whitespace collapsed, compared without case.

Every comparison goes through ``comparable()`` so that ``Vérification…``,
``vérification...`` and ``Vérification... :`` are the same word. No HTML here.
"""

from __future__ import annotations

__metaclass__ = type

import functools
import re
import unicodedata

# Typographic punctuation a firmware translation may use where a profile has the plain one.
_PUNCTUATION = str.maketrans({
    '\u2018': "'", '\u2019': "'", '\u02bc': "'", '\u2032': "'", '\u00b4': "'",
    '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u00ab': '"', '\u00bb': '"',
    '\u2026': '...', '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-',
    '\u200b': '', '\ufeff': '',
})
_CHARSET = re.compile(br'''<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)''', re.IGNORECASE)


def normalize_text(text):
    """Collapse every kind of whitespace (NBSP too) to one space, as a browser renders it."""
    return ' '.join((text or '').split())


def comparable(text):
    """Text reduced to what a reader sees: Unicode forms, punctuation, whitespace and case folded."""
    return normalize_text(unicodedata.normalize('NFKC', (text or '').translate(_PUNCTUATION))).casefold()


@functools.lru_cache(maxsize=8192)
def normalize_label(text):
    """A label without case, surrounding whitespace or a trailing colon (also French " :").

    Cached: the same labels and cell texts come back on every page of every printer of a fleet.
    """
    return comparable(text).rstrip(':').strip()


def decode_body(content, content_type=''):
    """Bytes to text with the charset of the header, else of ``<meta>``, else UTF-8 (windows-1252 fallback)."""
    if isinstance(content, str):
        return content
    content = content or b''
    candidates = []
    match = re.search(r'charset\s*=\s*["\']?([A-Za-z0-9_.:-]+)', content_type or '', re.IGNORECASE)
    if match:
        candidates.append(match.group(1))
    match = _CHARSET.search(content[:4096])
    if match:
        candidates.append(match.group(1).decode('ascii'))
    for charset in candidates + ['utf-8']:
        try:
            return content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode('windows-1252', 'replace')
