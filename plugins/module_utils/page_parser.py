# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading Remote UI pages as a browser does: text, label/value pairs and forms. No HTTP here.

Embedded web servers write loose HTML: labels in any cell (``th``, ``td``, ``dt``,
``dd``, ``span``, ``label``, ``div``), optional end tags (``<tr><th>L<td>V``),
non-breaking spaces, typographic punctuation, the charset only in ``<meta>``.
The parser closes implied elements itself, and every comparison goes through
``comparable()`` so that ``Vérification…``, ``vérification...`` and
``Vérification... :`` are the same word.
"""

from __future__ import annotations

__metaclass__ = type

import functools
import re
import unicodedata
from html.parser import HTMLParser

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    profile_hint,
)

# Typographic punctuation a firmware translation may use where a profile has the plain one.
_PUNCTUATION = str.maketrans({
    '\u2018': "'", '\u2019': "'", '\u02bc': "'", '\u2032': "'", '\u00b4': "'",
    '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u00ab': '"', '\u00bb': '"',
    '\u2026': '...', '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-',
    '\u200b': '', '\ufeff': '',
})
_CHARSET = re.compile(br'''<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)''', re.IGNORECASE)
# A button that navigates: onclick="location.href='/x.html'" (also window.location, location.assign()).
_ONCLICK_TARGET = re.compile(r'''^\s*(?:window\.|document\.)?location(?:\.href)?\s*(?:=\s*|\.assign\(\s*)(["'])([^"']*)\1''')
_NO_TEXT_TAGS = frozenset(['script', 'style', 'noscript', 'template'])


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


_PROFILE_LABELS = {}


def known_labels(profile):
    """Every label of a profile, normalized; computed once per profile (kept with it, so its id stays unique)."""
    known = _PROFILE_LABELS.get(id(profile))
    if known is None or known[0] is not profile:
        known = _PROFILE_LABELS[id(profile)] = (profile, frozenset(
            normalize_label(label) for labels in profile.get('labels', {}).values() for label in labels))
    return known[1]


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


class Value:
    """The value next to a label: its text and the links inside it."""

    def __init__(self, label, text, links):
        self.label = label
        self.text = text
        self.links = links

    def __repr__(self):
        return 'Value(%r, %r, %r)' % (self.label, self.text, self.links)


class FormInput:
    """One control of a form, as a browser sees it."""

    def __init__(self, name, kind, value='', checked=False, disabled=False):
        self.name = name
        self.kind = kind
        self.value = value
        self.checked = checked
        self.disabled = disabled

    def __repr__(self):
        return 'FormInput(%r, %r)' % (self.name, self.kind)


SUBMIT_KINDS = ('submit', 'image')
NEVER_SENT_KINDS = ('button', 'reset', 'file')


class Form:
    """A parsed ``<form>``: where it posts and its controls in document order."""

    def __init__(self, action, method):
        self.action = action
        self.method = method
        self.inputs = []

    def controls(self, name):
        return [control for control in self.inputs if control.name == name]

    def get(self, name):
        """The control a person would change for ``name``: a checkbox wins over its hidden "off" twin."""
        controls = self.controls(name)
        visible = [control for control in controls if control.kind != 'hidden']
        return (visible or controls or [None])[0]

    def names(self):
        seen = []
        for control in self.inputs:
            if control.name and control.name not in seen:
                seen.append(control.name)
        return seen

    def hidden_fields(self):
        return dict((c.name, c.value) for c in self.inputs if c.kind == 'hidden' and c.name)

    def default_submit(self):
        for control in self.inputs:
            if control.kind in SUBMIT_KINDS:
                return control
        return None

    def successful_controls(self):
        """(name, value) pairs a browser sends when the form is submitted as it stands."""
        pairs = []
        default = self.default_submit()
        for control in self.inputs:
            if not control.name or control.disabled or control.kind in NEVER_SENT_KINDS:
                continue
            if control.kind in SUBMIT_KINDS:
                if control is default:
                    pairs.append((control.name, control.value or ''))
            elif control.kind in ('checkbox', 'radio'):
                if control.checked:
                    pairs.append((control.name, control.value or 'on'))
            elif control.value is not None:
                pairs.append((control.name, control.value))
        return pairs


# Elements that hold a label or a value; the innermost one that holds text counts.
CELL_TAGS = frozenset(['th', 'td', 'dt', 'dd', 'span', 'label', 'div', 'li', 'p'])
# Table-like cells count even when empty (an empty value is still a value).
EMPTY_CELL_TAGS = frozenset(['th', 'td', 'dt', 'dd'])
VOID_TAGS = frozenset(['input', 'br', 'img', 'meta', 'link', 'hr', 'area', 'base', 'col', 'embed', 'param',
                       'source', 'track', 'wbr'])
# Start tag -> open elements it closes implicitly, up to (not past) a boundary element.
IMPLIED_END = {
    'tr': (('td', 'th', 'tr'), ('table', 'tbody', 'thead', 'tfoot')),
    'td': (('td', 'th'), ('tr', 'table')),
    'th': (('td', 'th'), ('tr', 'table')),
    'tbody': (('td', 'th', 'tr', 'tbody', 'thead'), ('table',)),
    'dt': (('dt', 'dd'), ('dl',)),
    'dd': (('dt', 'dd'), ('dl',)),
    'li': (('li',), ('ul', 'ol')),
    'option': (('option',), ('select',)),
    'p': (('p',), ('div', 'td', 'th', 'dd', 'li', 'form', 'body')),
}


class _Open:
    __slots__ = ('tag', 'cell_count', 'parts', 'own_text', 'links')

    def __init__(self, tag, cell_count):
        self.tag = tag
        self.cell_count = cell_count
        self.parts = [] if tag in CELL_TAGS else None
        self.own_text = False
        self.links = []


class Cell:
    """A leaf element holding text: a label or a value candidate."""

    __slots__ = ('tag', 'text', 'links')

    def __init__(self, tag, text, links):
        self.tag = tag
        self.text = text
        self.links = links


class PageParser(HTMLParser):
    """Collects cells (leaf elements with text), forms, the title and the text of a page."""

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.title = ''
        self.text_parts = []
        self.cells = []
        self.forms = []
        self._stack = []
        self._in_title = False
        self._form = None
        self._select = None
        self._option_selected = False
        self._textarea = None
        # What a person can click to go somewhere, (target, text) in document order; the page language;
        # the text shown last before each control (its caption).
        self.links = []
        # What the page loads without a click: frames, iframes, a meta refresh.
        self.loads = []
        self.language = None
        self.captions = {}
        self._link = None
        self._last_text = ''
        self._no_text = 0

    # -- the element stack, with the end tags HTML lets authors leave out

    def _close_implied(self, tag):
        closes, boundaries = IMPLIED_END.get(tag, ((), ()))
        for index in range(len(self._stack) - 1, -1, -1):
            open_tag = self._stack[index].tag
            if open_tag in boundaries:
                return
            if open_tag in closes:
                self._pop_to(index)
                return

    def _pop_to(self, index):
        while len(self._stack) > index:
            self._finish(self._stack.pop())

    def _finish(self, element):
        if element.parts is None:
            return
        if len(self.cells) != element.cell_count:
            if not (element.own_text and element.tag in EMPTY_CELL_TAGS):
                return  # a container of cells
            # A table cell with text of its own around marked-up parts ("<td><b>14</b> min</td>") is one value.
            del self.cells[element.cell_count:]
        text = normalize_text(''.join(element.parts))
        if text or element.tag in EMPTY_CELL_TAGS:
            self.cells.append(Cell(element.tag, text, element.links))

    def handle_starttag(self, tag, attrs):
        attributes = dict((name.lower(), value if value is not None else '') for name, value in attrs)
        self._close_implied(tag)
        self._follow_links(tag, attributes)
        if tag == 'title':
            self._in_title = True
        elif tag == 'a' and attributes.get('href'):
            for element in self._stack:
                if element.parts is not None:
                    element.links.append(attributes['href'])
        elif tag == 'form':
            self._form = Form(attributes.get('action', ''), (attributes.get('method') or 'get').lower())
            self.forms.append(self._form)
        elif tag == 'input':
            kind = (attributes.get('type') or 'text').lower()
            self._add_input(FormInput(attributes.get('name', ''), kind, attributes.get('value', ''),
                                      'checked' in attributes, 'disabled' in attributes))
        elif tag == 'button':
            kind = (attributes.get('type') or 'submit').lower()
            self._add_input(FormInput(attributes.get('name', ''), kind if kind != 'submit' else 'submit',
                                      attributes.get('value', ''), disabled='disabled' in attributes))
        elif tag == 'select':
            self._select = FormInput(attributes.get('name', ''), 'select', None, disabled='disabled' in attributes)
            self._option_selected = False
            self._add_input(self._select)
        elif tag == 'option' and self._select is not None:
            if 'selected' in attributes or (self._select.value is None and not self._option_selected):
                self._select.value = attributes.get('value', '')
                self._option_selected = self._option_selected or 'selected' in attributes
        elif tag == 'textarea':
            self._textarea = FormInput(attributes.get('name', ''), 'textarea', '', disabled='disabled' in attributes)
            self._add_input(self._textarea)
        if tag not in VOID_TAGS:
            self._stack.append(_Open(tag, len(self.cells)))

    def _follow_links(self, tag, attributes):
        if tag == 'html' and attributes.get('lang'):
            self.language = attributes['lang'].split('-')[0].lower()
        elif tag in ('frame', 'iframe') and attributes.get('src'):
            self.loads.append(attributes['src'])
        elif tag == 'meta' and attributes.get('http-equiv', '').lower() == 'refresh':
            target = re.search(r'url\s*=\s*["\']?([^"\';]+)', attributes.get('content', ''), re.IGNORECASE)
            if target:
                self.loads.append(target.group(1).strip())
        elif tag in _NO_TEXT_TAGS:
            self._no_text += 1
        elif tag == 'a' and attributes.get('href'):
            self._end_link()
            self._link = [attributes['href'], '']
        elif tag in ('input', 'button') and _ONCLICK_TARGET.match(attributes.get('onclick', '')):
            text = attributes.get('value', '') if tag == 'input' else ''
            self.links.append([_ONCLICK_TARGET.match(attributes['onclick']).group(2), text])
            if tag == 'button':
                self._link = self.links.pop()
        if tag in ('input', 'select', 'textarea') and attributes.get('name') \
                and (attributes.get('type') or '').lower() not in ('hidden', 'submit', 'button', 'reset', 'image'):
            self.captions.setdefault(attributes['name'], self._last_text)

    def _end_link(self):
        if self._link is not None:
            self.links.append((self._link[0], normalize_text(self._link[1])))
            self._link = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self._stack and self._stack[-1].tag == tag:
            self._finish(self._stack.pop())

    def handle_endtag(self, tag):
        if tag in _NO_TEXT_TAGS and self._no_text:
            self._no_text -= 1
        elif tag in ('a', 'button'):
            self._end_link()
        if tag == 'title':
            self._in_title = False
        elif tag == 'form':
            self._form = None
        elif tag == 'select':
            self._select = None
        elif tag == 'textarea':
            self._textarea = None
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index].tag == tag:
                self._pop_to(index)
                return

    def handle_data(self, data):
        self.text_parts.append(data)
        if not self._no_text:
            if self._link is not None:
                self._link[1] += data
            if data.strip():
                self._last_text = normalize_text(data)
        if self._in_title:
            self.title += data
        if self._textarea is not None:
            self._textarea.value += data
            return
        for element in self._stack:
            if element.parts is not None:
                element.parts.append(data)
        if self._stack and data.strip():
            self._stack[-1].own_text = True

    def close(self):
        HTMLParser.close(self)
        self._end_link()
        self.links = [tuple(link) for link in self.links]
        self._pop_to(0)

    def _add_input(self, control):
        # Controls outside any form are kept in a formless pseudo-form.
        if self._form is None:
            self._form = Form('', 'get')
            self.forms.append(self._form)
        self._form.inputs.append(control)


class Page:
    """One parsed page of the Remote UI, read with the labels and messages of a profile."""

    def __init__(self, host, path, status_code, body, profile):
        self.host = host
        self.path = path
        self.status_code = status_code
        self.profile = profile
        self.profile_name = profile.get('name', '?')
        parser = PageParser()
        parser.feed(body or '')
        parser.close()
        self.title = normalize_text(parser.title)
        self.text = normalize_text(' '.join(parser.text_parts))
        self.cells = parser.cells
        self.forms = parser.forms
        # (target, text) of every link and navigating button, in document order
        self.links = parser.links
        self.loads = parser.loads
        self.language = parser.language
        self._captions = parser.captions
        self._comparable_text = comparable(self.text)
        self._known_labels = known_labels(profile)

    def captions(self):
        """Each named control (not hidden, not a button) with the text shown last before it: its caption."""
        return dict(self._captions)

    @property
    def pairs(self):
        """Each cell with the cell after it: every way a page can put a value next to its label."""
        return [Value(label.text, value.text, value.links) for label, value in zip(self.cells, self.cells[1:])]

    def labels(self):
        """The texts that look like labels (header cells, terms, texts ending in a colon)."""
        seen = []
        for cell in self.cells:
            if cell.text and (cell.tag in ('th', 'dt', 'label') or cell.text.rstrip().endswith(':')) \
                    and cell.text not in seen:
                seen.append(cell.text)
        return seen

    def _label_texts(self, name):
        try:
            return self.profile['labels'][name]
        except KeyError:
            raise PageNotUnderstoodError(self.host, 'the profile %r has no labels for %s' % (self.profile_name, name))

    def find(self, name):
        """The value next to any translation of the profile's label ``name``, or None."""
        for label in self._label_texts(name):
            wanted = normalize_label(label)
            for index, cell in enumerate(self.cells):
                shown = normalize_label(cell.text)
                if shown == wanted:
                    following = self.cells[index + 1] if index + 1 < len(self.cells) else None
                    if following is None or normalize_label(following.text) in self._known_labels:
                        return Value(cell.text, '', [])
                    return Value(cell.text, following.text, following.links)
                if shown.startswith(wanted + ':') or shown.startswith(wanted + ' :'):
                    # "Label: value" in one element.
                    rest = cell.text.split(':', 1)[1] if ':' in cell.text else ''
                    return Value(label, normalize_text(rest), cell.links)
        return None

    def value(self, name):
        """The value for ``name``; a clear error when the page has none."""
        pair = self.find(name)
        if pair is None:
            raise PageNotUnderstoodError(
                self.host, 'page %s has no %s row (looked for %s; labels on the page: %s); %s' % (
                    self.path, name, ' / '.join(repr(label) for label in self._label_texts(name)),
                    ', '.join(repr(label) for label in self.labels()) or 'none', profile_hint(self.profile)))
        return pair

    def shows(self, message_key):
        """Whether the page shows one of the profile's ``messages[message_key]`` texts."""
        return any(comparable(message) in self._comparable_text
                   for message in self.profile.get('messages', {}).get(message_key, ()))

    def shows_marker(self, marker):
        """Whether a marker word (e.g. ERR) stands on the page as a word of its own."""
        return bool(marker) and re.search(r'(?<![A-Za-z0-9])%s(?![A-Za-z0-9])' % re.escape(marker), self.text) is not None

    def form_with(self, *field_names):
        """The form holding every one of ``field_names``; a clear error naming what the page holds instead."""
        for form in self.forms:
            if all(form.get(name) is not None for name in field_names):
                return form
        held = '; '.join('%s (%s)' % (form.action or 'no action', ', '.join(form.names()) or 'no fields')
                         for form in self.forms if form.inputs) or 'no form'
        raise PageNotUnderstoodError(
            self.host, 'page %s has no form with the field%s %s (forms on the page: %s); %s' % (
                self.path, 's' if len(field_names) > 1 else '', ', '.join(repr(n) for n in field_names), held,
                profile_hint(self.profile)))
