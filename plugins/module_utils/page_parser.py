# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading Remote UI pages as a browser does: text, label/value pairs and forms. No HTTP here.

Embedded web servers write loose HTML: labels in any cell (``th``, ``td``, ``dt``,
``dd``, ``span``, ``label``, ``div``), optional end tags (``<tr><th>L<td>V``),
non-breaking spaces, typographic punctuation, the charset only in ``<meta>``.
Pages are parsed by html5lib, the WHATWG parsing algorithm a browser runs (implied
end tags, misnested tables, the form element pointer), once per response; forms
own their controls as the standard says (ancestry, the parser's form pointer, the
``form`` attribute) and ``Form.entry_list`` is the standard's "constructing the
entry list". Every comparison goes through ``comparable()`` so that ``Vérification…``,
``vérification...`` and ``Vérification... :`` are the same word.
"""

from __future__ import annotations

__metaclass__ = type

import copy
import functools
import os
import re
import unicodedata
from urllib.parse import urljoin, urlsplit

try:
    import html5lib
    import html5lib.treebuilders
    HAS_HTML5LIB = True
    HTML5LIB_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by ansible-test's import sanity test
    HAS_HTML5LIB = False
    HTML5LIB_IMPORT_ERROR = exc

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import (
    PageNotUnderstoodError,
    RemoteUIError,
    profile_hint,
)
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import PROVIDERS

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


# A button that navigates: onclick="location.href='/x.html'" (also window.location, location.assign()).
_ONCLICK_TARGET = re.compile(r'''^\s*(?:window\.|document\.)?location(?:\.href)?\s*(?:=\s*|\.assign\(\s*)(["'])([^"']*)\1''')

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


# A logout, as its text says it in the languages Remote UIs ship, or as its target's file name says it.
LOGOUT_TEXT = re.compile(
    r'log\s*-?\s*(out|off)|sign\s*-?\s*(out|off)|d[ée]connexion|(se\s+)?d[ée]connecter|abmelden|ausloggen|'
    r'disconnetti|\besci\b|cerrar\s+sesi[oó]n|desconectar|terminar\s+sess[aã]o|afmelden|uitloggen|wyloguj|'
    r'odhl[aá]sit|kijelentkez|utloggning|logga\s+ut|выход|выйти|ログアウト|注销|登出|로그아웃', re.IGNORECASE)
LOGOUT_PATH = re.compile(r'log_?-?(out|off)|sign_?-?(out|off)|abmeld|deconnex', re.IGNORECASE)


def logout_controls(page):
    """Where a person ends the session on ``page``, found by structure, in page order: each link or navigating
    button whose text or target names a logout, and each form whose action or button does.

    A list of dicts ``url`` (resolved against the page), ``method`` ('GET' or 'POST'), ``fields`` (what a
    form sends, else None). Read nothing here: following one ends the session.
    """
    found = []
    for href, text in page.navigations():
        if LOGOUT_TEXT.search(comparable(text or '')) or LOGOUT_PATH.search(urlsplit(href).path.rsplit('/', 1)[-1]):
            found.append({'url': page.resolve(href), 'method': 'GET', 'fields': None})
    for form in page.forms:
        submitter = form.default_submit()
        action, method, _enctype = form.submission(submitter)
        shown = comparable(submitter.value if submitter is not None else '')
        if LOGOUT_TEXT.search(shown) or LOGOUT_PATH.search(urlsplit(action).path.rsplit('/', 1)[-1]):
            found.append({'url': page.resolve(action), 'method': 'POST' if method == 'post' else 'GET',
                          'fields': dict(form.entry_list(submitter)) or None})
    return found


class Value:
    """The value next to a label: its text and the links inside it."""

    def __init__(self, label, text, links):
        self.label = label
        self.text = text
        self.links = links

    def __repr__(self):
        return 'Value(%r, %r, %r)' % (self.label, self.text, self.links)


# Words a device writes for a boolean choice (option values or texts), compared through comparable().
ON_WORDS = frozenset(['1', 'on', 'true', 'yes', 'enable', 'enabled', 'active', 'activé', 'activée', 'activer', 'oui',
                      'ein', 'an', 'aktiv', 'aktiviert', 'ja', 'use', 'utiliser', 'sí', 'si', 'attivo', 'aan'])
OFF_WORDS = frozenset(['0', 'off', 'false', 'no', 'disable', 'disabled', 'inactive', 'désactivé', 'désactivée',
                       'désactiver', 'non', 'aus', 'deaktiviert', 'nein', 'inaktiv', 'do not use', 'ne pas utiliser',
                       'disattivo', 'uit'])


def boolean_meaning(value, on=None, off=None):
    """True, False or None for a value or a caption that says on/off (1/0, On/Off, Activé/Désactivé, Ein/Aus...)."""
    if value is None:
        return None
    if on is not None and value == on:
        return True
    if off is not None and value == off:
        return False
    word = comparable(value)
    if word in ON_WORDS:
        return True
    if word in OFF_WORDS:
        return False
    return None


class Option:
    """One ``<option>`` of a select: its value (its text when it has no value attribute) and state."""

    __slots__ = ('value', 'text', 'selected', 'disabled')

    def __init__(self, value, text, selected, disabled):
        self.value = value
        self.text = text
        self.selected = selected
        self.disabled = disabled

    def __repr__(self):
        return 'Option(%r, %r%s)' % (self.value, self.text, ', selected' if self.selected else '')


class FormInput:
    """One control of a form, as a browser sees it.

    ``kind`` is the input type (``select``, ``textarea``; a ``<button>`` has its type as kind and
    ``tag == 'button'``). ``disabled`` counts a disabled ancestor fieldset too. ``label`` is the text
    of its ``<label for>`` or enclosing ``<label>`` ('' when none); ``caption`` the text a person reads
    for it: its label, else the text before it (for a radio button in a ``<label>``, its option's text).
    """

    def __init__(self, name, kind, value='', checked=False, disabled=False, readonly=False, tag='input',
                 options=None, multiple=False, caption='', element_id='', attributes=None, label=''):
        self.name = name
        self.kind = kind
        self.value = value
        self.checked = checked
        self.disabled = disabled
        self.readonly = readonly
        self.tag = tag
        self.options = options if options is not None else []
        self.multiple = multiple
        self.caption = caption
        self.label = label
        self.id = element_id
        self.attributes = attributes or {}

    @property
    def visible(self):
        """A control a person sees and can change (not hidden, not disabled)."""
        return self.kind != 'hidden' and not self.disabled

    def selected_options(self):
        return [option for option in self.options if option.selected]

    def boolean(self, on=None, off=None):
        """On/off as this control shows it: a ticked box, the checked radio's or the selected option's meaning."""
        if self.kind == 'checkbox':
            return bool(self.checked)
        if self.kind == 'select':
            chosen = self.selected_options()
            if not chosen:
                return None
            meaning = boolean_meaning(chosen[0].value, on, off)
            return meaning if meaning is not None else boolean_meaning(chosen[0].text, on, off)
        return boolean_meaning(self.value, on, off)

    def __repr__(self):
        return 'FormInput(%r, %r)' % (self.name, self.kind)


SUBMIT_KINDS = ('submit', 'image')
NEVER_SENT_KINDS = ('button', 'reset', 'file')
TEXT_KINDS = ('text', 'search', 'email', 'url', 'tel', 'number', 'password', 'date', 'time', 'datetime-local', 'month',
              'week', 'color', 'range')
# Elements that a form owns (the standard's "form-associated elements" a form submits or shows).
FORM_ASSOCIATED = frozenset(['input', 'select', 'textarea', 'button', 'output', 'fieldset', 'object'])
ENCTYPES = ('application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain')


class Form:
    """A parsed ``<form>``: where it posts and the controls it owns (by ancestry or ``form=``) in tree order."""

    def __init__(self, action, method, enctype='', element_id='', name='', document_path='', base=''):
        self.action = action
        self.method = method
        self.enctype = enctype if enctype in ENCTYPES else ENCTYPES[0]
        self.id = element_id
        self.name = name
        self.document_path = document_path
        self.base = base or document_path
        self.inputs = []
        self.outputs = []

    def controls(self, name):
        return [control for control in self.inputs if control.name == name]

    def get(self, name):
        """The control a person would change for ``name``: a checkbox wins over its hidden "off" twin, an
        enabled control over a disabled decoy of the same name."""
        controls = self.controls(name)
        visible = [control for control in controls if control.kind != 'hidden']
        enabled = [control for control in visible if not control.disabled]
        return (enabled or visible or controls or [None])[0]

    def current_choice(self, name):
        """The value ``name`` would send as the form stands, in the terms of ``choice`` (None: nothing)."""
        controls = self.controls(name)
        boxes = [c for c in controls if c.kind in ('checkbox', 'radio')]
        if boxes:
            return next((c.value for c in boxes if c.checked), None)
        return self.text(name)

    def choice_means(self, name, value, on=None, off=None):
        """Whether sending ``value`` for ``name`` means on (True), off (False) or neither (None)."""
        controls = self.controls(name)
        if any(c.kind == 'checkbox' for c in controls):
            return value is not None
        for control in controls:
            if control.kind == 'radio' and control.value == value:
                meaning = boolean_meaning(value, on, off)
                return meaning if meaning is not None else boolean_meaning(control.caption, on, off)
            if control.kind == 'select':
                for option in control.options:
                    if option.value == value:
                        meaning = boolean_meaning(value, on, off)
                        return meaning if meaning is not None else boolean_meaning(option.text, on, off)
        return boolean_meaning(value, on, off) if any(c.kind != 'hidden' for c in controls) else None

    def names(self):
        seen = []
        for control in self.inputs:
            if control.name and control.name not in seen:
                seen.append(control.name)
        return seen

    def hidden_fields(self):
        return dict((c.name, c.value) for c in self.inputs if c.kind == 'hidden' and c.name)

    def boolean(self, name, on=None, off=None):
        """Whether the setting ``name`` reads as on, whatever its control (checkbox, radio group, select, text)."""
        controls = self.controls(name)
        radios = [c for c in controls if c.kind == 'radio']
        if radios:
            checked = [c for c in radios if c.checked]
            if not checked:
                return False
            meaning = boolean_meaning(checked[0].value, on, off)
            return meaning if meaning is not None else bool(boolean_meaning(checked[0].caption, on, off))
        control = self.get(name)
        return None if control is None else control.boolean(on, off)

    def text(self, name):
        """The value of a setting as the form shows it: a text's value, the checked radio's, the selected option's."""
        controls = self.controls(name)
        checked = [c for c in controls if c.kind == 'radio' and c.checked]
        if checked:
            return checked[0].value
        control = self.get(name)
        if control is None:
            return None
        if control.kind == 'select':
            chosen = control.selected_options()
            return chosen[0].value if chosen else ''
        return control.value or ''

    def choice(self, name, wanted, on=None, off=None):
        """The value to send for ``name`` so that it says ``wanted``.

        ``wanted`` is a string (an option value, or the profile's on/off value), True/False or None
        (off, or left out). A checkbox gets its own value or None (unticked); a radio group or a
        select gets the value of the option that means the same, learnt from the page's own
        options (1/0, On/Off, true/false, Activé/Désactivé, Ein/Aus), never assumed.
        """
        controls = self.controls(name)
        kinds = set(control.kind for control in controls)
        if 'radio' in kinds or 'select' in kinds:
            options = []
            for control in controls:
                if control.kind == 'radio':
                    # A disabled radio is still the option to choose: the caller decides whether it is sent.
                    options.append((control.value, control.caption, False))
                elif control.kind == 'select':
                    options += [(option.value, option.text, option.disabled) for option in control.options]
            if isinstance(wanted, str):
                for value, _text, _disabled in options:
                    if value == wanted:
                        return value
                for value, text, _disabled in options:
                    if text and comparable(text) == comparable(wanted):
                        return value
            meaning = wanted if isinstance(wanted, bool) else (
                False if wanted is None else boolean_meaning(wanted, on, off))
            if meaning is None:
                return wanted
            for index in (0, 1):
                for option in options:
                    found = boolean_meaning(option[index], on if index == 0 else None, off if index == 0 else None)
                    if found is meaning and not option[2]:
                        return option[0]
            return wanted if isinstance(wanted, str) else None
        if 'checkbox' in kinds:
            box = next(c for c in controls if c.kind == 'checkbox')
            own = box.value or 'on'
            meaning = wanted if isinstance(wanted, bool) else (
                False if wanted is None else (True if wanted in (own, on) else boolean_meaning(wanted, on, off)))
            return own if meaning else None
        if isinstance(wanted, bool):
            return (on if wanted else off) if (on if wanted else off) is not None else ('1' if wanted else '0')
        return wanted

    def submitter(self, name=None):
        """The submit button a person presses: the one named ``name``, else the form's default (first) button."""
        buttons = [c for c in self.inputs if c.kind in SUBMIT_KINDS and not c.disabled]
        if name is not None:
            return next((c for c in buttons if c.name == name or c.value == name), None)
        return buttons[0] if buttons else None

    def default_submit(self):
        return self.submitter()

    def submission(self, submitter=None):
        """(action URL, method, enctype) of a submission, the submitter's formaction/formmethod/formenctype winning."""
        attributes = submitter.attributes if submitter is not None else {}
        action = attributes['formaction'] if 'formaction' in attributes else self.action
        method = (attributes.get('formmethod') or self.method or 'get').lower()
        enctype = (attributes.get('formenctype') or '').lower() or self.enctype
        return self.resolve(action), method if method in ('get', 'post', 'dialog') else 'get', \
            enctype if enctype in ENCTYPES else ENCTYPES[0]

    def resolve(self, url):
        """A URL of the form resolved as the standard says: empty is the document's URL, else against the base."""
        url = (url or '').strip()
        if not url:
            return self.document_path
        return urljoin(self.base, url) if self.base else url

    def entry_list(self, submitter=None, values=None, enabled=()):
        """The standard's "constructing the entry list": the (name, value) pairs a browser sends.

        Every submittable control the form owns, in tree order; disabled ones (own attribute or a
        disabled fieldset) skipped unless named in ``enabled`` (the page's script enables them);
        readonly ones sent; checkboxes and radios when checked, with their own value ("on" by
        default); a select's selected options; only the submitter among the buttons.
        ``values`` (name to a concrete value, see ``choice``) is what a person set first: a text
        takes the value (None leaves it out), a checkbox is ticked when it is its own value, a radio
        is checked when it is its value, a select's options are selected when they are the value.
        ``submitter`` is a control of the form, True for the default button, or None for none.
        """
        values = values or {}
        if submitter is True:
            submitter = self.submitter()
        pairs = []
        written = set()
        # A checkbox's hidden "off" twin keeps its own value: the person sets the box.
        chosen_names = set(c.name for c in self.inputs if c.kind in ('checkbox', 'radio', 'select'))
        for control in self.inputs:
            name = control.name
            if control.disabled and name not in enabled:
                continue
            kind = control.kind
            if kind in SUBMIT_KINDS:
                if control is submitter:
                    if kind == 'image':
                        prefix = name + '.' if name else ''
                        pairs += [(prefix + 'x', '0'), (prefix + 'y', '0')]
                    elif name:
                        pairs.append((name, control.value or ''))
                continue
            if not name or kind in NEVER_SENT_KINDS:
                continue
            if kind in ('checkbox', 'radio'):
                own = control.value if 'value' in control.attributes else 'on'
                if name in values:
                    wanted = values[name]
                    checked = own in wanted if isinstance(wanted, (list, tuple)) else wanted == own
                else:
                    checked = control.checked
                if checked:
                    pairs.append((name, own))
                continue
            if kind == 'select':
                wanted = values.get(name) if name in values else None
                chosen = [option for option in control.options if not option.disabled and (
                    option.selected if name not in values else
                    option.value in (wanted if isinstance(wanted, (list, tuple)) else [wanted]))]
                if name in values and not chosen and not control.multiple and wanted is not None:
                    pairs.append((name, wanted))     # a value the options do not list: as the page script would
                pairs += [(name, option.value) for option in chosen]
                continue
            if name in values and name not in chosen_names:
                if values[name] is not None and name not in written:
                    pairs.append((name, values[name]))
                written.add(name)
                continue
            if name == '_charset_' and kind == 'hidden':
                pairs.append((name, 'UTF-8'))
                continue
            value = control.value or ''
            if kind == 'textarea':
                value = value.replace('\r\n', '\n').replace('\r', '\n').replace('\n', '\r\n')
            pairs.append((name, value))
        return pairs

    def successful_controls(self):
        """(name, value) pairs a browser sends when the form is submitted as it stands with its default button."""
        return self.entry_list(submitter=True)


def encode_multipart(pairs, boundary=None):
    """``multipart/form-data`` of (name, value) pairs, as a browser encodes them: (body bytes, content type)."""
    boundary = boundary or '----cloudmail' + ''.join('%02x' % byte for byte in os.urandom(12))
    lines = []
    for name, value in pairs:
        escaped = name.replace('\r\n', '%0D%0A').replace('\r', '%0D').replace('\n', '%0A').replace('"', '%22')
        lines.append(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n' % (boundary, escaped)).encode('utf-8')
                     + (value or '').encode('utf-8') + b'\r\n')
    body = b''.join(lines) + ('--%s--\r\n' % boundary).encode('ascii')
    return body, 'multipart/form-data; boundary=%s' % boundary


# Elements that hold a label or a value; the innermost one that holds text counts.
CELL_TAGS = frozenset(['th', 'td', 'dt', 'dd', 'span', 'label', 'div', 'li', 'p', 'output'])
# Table-like cells count even when empty (an empty value is still a value).
EMPTY_CELL_TAGS = frozenset(['th', 'td', 'dt', 'dd', 'output'])
# Text a person never sees as text.
SKIPPED_TAGS = frozenset(['script', 'style', 'template', 'head'])
HEADING_TAGS = {'h1': 1, 'h2': 2, 'h3': 3, 'h4': 4, 'h5': 5, 'h6': 6, 'legend': 7, 'caption': 8}
# How a section of a page names its provider: words of its heading, tokens of a container's id or class.
PROVIDER_WORDS = dict((name, provider.section_words) for name, provider in PROVIDERS.items())
PROVIDER_TOKENS = dict((name, provider.section_tokens) for name, provider in PROVIDERS.items())
_TOKEN = re.compile(r'[a-z0-9]+')


class Cell:
    """A leaf element holding text: a label or a value candidate, with the provider section it stands in."""

    __slots__ = ('tag', 'text', 'links', 'container', 'heading')

    def __init__(self, tag, text, links, container=None, heading=None):
        self.tag = tag
        self.text = text
        self.links = links
        self.container = container
        self.heading = heading


def _named_provider(text, table):
    """The one provider a heading text or an id/class names, or None."""
    if table is PROVIDER_TOKENS:
        tokens = set(_TOKEN.findall((text or '').lower()))
        named = [provider for provider, words in table.items() if tokens.intersection(words)]
    else:
        shown = comparable(text)
        named = [provider for provider, words in table.items() if any(word in shown for word in words)]
    return named[0] if len(named) == 1 else None


if HAS_HTML5LIB:
    _EtreeBuilder = html5lib.treebuilders.getTreeBuilder('etree')

    class _OwnerRecordingBuilder(_EtreeBuilder):
        """The etree builder, recording the form each form-associated element gets from the parser.

        The standard's "create an element for a token": a form-associated element without a
        ``form`` attribute is associated with the form element pointer, so that in
        ``<table><form><tr><td><input>`` (the form popped in table mode) the input still belongs to it.
        """

        def reset(self):
            _EtreeBuilder.reset(self)
            self.form_owners = {}

        def _associate(self, element):
            if element is not None and self.formPointer is not None and element.name in FORM_ASSOCIATED \
                    and 'form' not in element.attributes:
                self.form_owners[element._element] = self.formPointer._element
            return element

        def insertElementNormal(self, token):
            return self._associate(_EtreeBuilder.insertElementNormal(self, token))

        def insertElementTable(self, token):
            return self._associate(_EtreeBuilder.insertElementTable(self, token))
else:  # pragma: no cover - exercised by ansible-test's import sanity test
    _OwnerRecordingBuilder = None


def parse_html(body):
    """The document tree (xml.etree, plain tag names) and the parser's form owners, by the WHATWG algorithm."""
    if not HAS_HTML5LIB:
        raise RuntimeError('the Python library html5lib (>= 1.1) is required to read Remote UI pages: '
                           'pip install html5lib (%s)' % HTML5LIB_IMPORT_ERROR)
    parser = html5lib.HTMLParser(tree=_OwnerRecordingBuilder, namespaceHTMLElements=False)
    root = parser.parse(body or '')
    return root, parser.tree.form_owners


def _attributes(element):
    return dict((name.lower() if isinstance(name, str) else name[1], value or '') for name, value in element.attrib.items())


class _Reader:
    """One walk over the tree in tree order: cells, text, links, controls with their form owners and captions."""

    def __init__(self, root, owners, document_path):
        self.owners = owners
        self.document_path = document_path
        self.cells = []
        self.text_parts = []
        self.links = []
        self.link_places = []   # (container, heading) provider of each link, as for cells
        self.frames = []
        self.title = ''
        self.language = None
        self.refresh = None
        self.base_href = None
        self.forms = []
        self._form_of = {}
        self._ids = {}
        self._label_for = {}
        self._last_text = ''
        self._heading = None
        self._formless = None
        self._fieldsets = []
        self._labels = []
        self._containers = []
        self._prepare(root)
        self._walk(root, False)

    def _prepare(self, root):
        """Ids, ``<base href>``, forms and ``<label for>`` texts, which later parts of the walk need first."""
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            if element.get('id') and element.get('id') not in self._ids:
                self._ids[element.get('id')] = element
            if element.tag == 'base' and self.base_href is None and element.get('href') is not None:
                self.base_href = element.get('href').strip()
            elif element.tag == 'label' and element.get('for'):
                self._label_for.setdefault(element.get('for'), normalize_text(_plain_text(element)))
            elif element.tag == 'form':
                attributes = _attributes(element)
                form = Form(attributes.get('action', ''), (attributes.get('method') or 'get').lower(),
                            (attributes.get('enctype') or '').lower(), attributes.get('id', ''), attributes.get('name', ''),
                            self.document_path, self.base)
                self._form_of[element] = form
                self.forms.append(form)

    @property
    def base(self):
        return urljoin(self.document_path, self.base_href) if self.base_href else self.document_path

    def _owner(self, element, attributes, ancestors):
        if 'form' in attributes:
            target = self._ids.get(attributes['form'])
            return self._form_of.get(target)
        pointer = self.owners.get(element)
        if pointer is not None and pointer in self._form_of:
            return self._form_of[pointer]
        for ancestor in reversed(ancestors):
            if ancestor in self._form_of:
                return self._form_of[ancestor]
        return None

    def _walk(self, root, skipped):
        self._visit(root, [], skipped)

    def _visit(self, element, ancestors, skipped):
        """Walk ``element``; returns (visible text, links) of its subtree."""
        tag = element.tag
        if not isinstance(tag, str):
            return '', []
        attributes = _attributes(element)
        skipped = skipped or tag in SKIPPED_TAGS
        if tag == 'html' and attributes.get('lang'):
            self.language = attributes['lang'].split('-')[0].lower()
        elif tag == 'title' and not self.title:
            self.title = _plain_text(element)
        elif tag == 'meta' and attributes.get('http-equiv', '').lower() == 'refresh':
            match = re.search(r'url\s*=\s*[\'"]?([^\'"]+)', attributes.get('content', ''), re.IGNORECASE)
            self.refresh = self.refresh or (match.group(1).strip() if match else None)
        elif tag in ('frame', 'iframe') and attributes.get('src'):
            self.frames.append(attributes['src'])
        if skipped and tag != 'head':
            return '', []
        start = len(self.cells)
        parts, links, own_text = [], [], False
        pushed = self._enter(tag, element, attributes, ancestors)
        control_text = self._control(tag, element, attributes, ancestors) if tag in FORM_ASSOCIATED else None
        if control_text is not None:
            parts.append(control_text)
            own_text = own_text or bool(control_text.strip())
        if tag == 'textarea' or tag == 'select':
            children = []
        else:
            children = list(element)
        if element.text and tag not in ('textarea', 'select'):
            self._text(element.text, skipped)
            parts.append(element.text if not skipped else '')
            own_text = own_text or bool(element.text.strip())
        ancestors.append(element)
        for child in children:
            text, child_links = self._visit(child, ancestors, skipped)
            parts.append(text)
            links += child_links
            if child.tail:
                self._text(child.tail, skipped)
                if not skipped:
                    parts.append(child.tail)
                    own_text = own_text or bool(child.tail.strip())
        ancestors.pop()
        self._leave(pushed)
        text = ''.join(parts)
        if tag == 'a' and attributes.get('href') is not None and not skipped:
            links = [attributes['href']] + links
            self.links.append((attributes['href'], normalize_text(text)))
            self.link_places.append((self._container(), self._heading[0] if self._heading else None))
        if tag in HEADING_TAGS:
            # A heading naming a provider opens its section; another heading of its level or above closes it.
            level = HEADING_TAGS[tag]
            named = _named_provider(text, PROVIDER_WORDS)
            if named:
                self._heading = (named, level)
            elif self._heading is not None and level <= self._heading[1]:
                self._heading = None
        if tag in CELL_TAGS and not skipped:
            if len(self.cells) != start:
                if not (own_text and tag in EMPTY_CELL_TAGS):
                    return text, links
                # A table cell with text of its own around marked-up parts ("<td><b>14</b> min</td>") is one value.
                del self.cells[start:]
            shown = normalize_text(text)
            if shown or tag in EMPTY_CELL_TAGS:
                self.cells.append(Cell(tag, shown, links, self._container(), self._heading[0] if self._heading else None))
        return text, links

    def _text(self, data, skipped):
        if skipped:
            return
        self.text_parts.append(data)
        if data.strip():
            self._last_text = normalize_text(data)

    def _container(self):
        return self._containers[-1] if self._containers else None

    def _enter(self, tag, element, attributes, ancestors):
        pushed = []
        named = _named_provider(' '.join((attributes.get('id', ''), attributes.get('class', ''))), PROVIDER_TOKENS) \
            if tag not in ('input', 'select', 'textarea', 'button', 'a', 'option') else None
        if named:
            self._containers.append(named)
            pushed.append(self._containers)
        if tag == 'fieldset':
            legend = next((child for child in element if child.tag == 'legend'), None)
            disabled = 'disabled' in attributes
            self._fieldsets.append((disabled, legend))
            pushed.append(self._fieldsets)
        elif tag == 'label':
            self._labels.append(normalize_text(_plain_text(element)))
            pushed.append(self._labels)
        return pushed

    @staticmethod
    def _leave(pushed):
        for stack in pushed:
            stack.pop()

    def _disabled(self, attributes, ancestors):
        """Disabled by its own attribute, or by a disabled fieldset ancestor unless in that fieldset's first legend."""
        if 'disabled' in attributes:
            return True
        fieldsets = [element for element in ancestors if element.tag == 'fieldset']
        for fieldset in fieldsets:
            if fieldset.get('disabled') is None:
                continue
            legend = next((child for child in fieldset if isinstance(child.tag, str) and child.tag == 'legend'), None)
            if legend is None or legend not in ancestors:
                return True
        return False

    def _label(self, attributes):
        """The text of the control's label: its ``<label for>``, else the ``<label>`` around it ('' when none)."""
        if attributes.get('id') and attributes['id'] in self._label_for:
            return self._label_for[attributes['id']]
        return self._labels[-1] if self._labels else ''

    def _control(self, tag, element, attributes, ancestors):
        """Add a form control to its owner; returns the text it shows inside a cell (None when none)."""
        if tag in ('fieldset', 'object'):
            return None
        owner = self._owner(element, attributes, ancestors)
        if tag == 'output':
            if owner is not None:
                owner.outputs.append(FormInput(attributes.get('name', ''), 'output', _plain_text(element), tag='output',
                                               element_id=attributes.get('id', ''), attributes=attributes))
            return None
        name = attributes.get('name', '')
        disabled = self._disabled(attributes, ancestors)
        label = self._label(attributes)
        common = dict(disabled=disabled, readonly='readonly' in attributes, tag=tag, caption=label or self._last_text,
                      label=label, element_id=attributes.get('id', ''), attributes=attributes)
        shown = None
        if tag == 'input':
            kind = (attributes.get('type') or 'text').lower()
            if kind not in TEXT_KINDS + ('hidden', 'checkbox', 'radio', 'submit', 'image', 'reset', 'button', 'file'):
                kind = 'text'
            value = attributes.get('value', '')
            if kind in ('checkbox', 'radio') and 'value' not in attributes:
                value = 'on'
            control = FormInput(name, kind, value, checked='checked' in attributes, **common)
            if kind in TEXT_KINDS and kind != 'password':
                shown = value
        elif tag == 'button':
            kind = (attributes.get('type') or 'submit').lower()
            kind = kind if kind in ('submit', 'reset', 'button') else 'submit'
            control = FormInput(name, kind, attributes.get('value', ''), **common)
        elif tag == 'select':
            control = FormInput(name, 'select', None, multiple='multiple' in attributes, options=self._options(element),
                                **common)
            chosen = control.selected_options()
            control.value = chosen[0].value if chosen else None
            shown = ' '.join(option.text for option in chosen)
        else:
            value = ''.join(element.itertext())
            control = FormInput(name, 'textarea', value, **common)     # the parser drops the first newline itself
        if owner is None:
            if self._formless is None:
                self._formless = Form('', 'get', document_path=self.document_path, base=self.base)
                self.forms.append(self._formless)
            owner = self._formless
        owner.inputs.append(control)
        return shown

    def _options(self, select):
        """The options of a select with the standard's selectedness: the last selected one, else the first enabled."""
        options = []
        multiple = select.get('multiple') is not None
        for element in select.iter():
            if element.tag != 'option':
                continue
            group = next((g for g in select.iter('optgroup') if element in list(g)), None)
            text = normalize_text(''.join(element.itertext()))
            value = element.get('value')
            options.append(Option(value if value is not None else text, text, element.get('selected') is not None,
                                  element.get('disabled') is not None or (group is not None and group.get('disabled') is not None)))
        if not multiple:
            chosen = [option for option in options if option.selected]
            for option in chosen[:-1]:
                option.selected = False
            if not chosen:
                first = next((option for option in options if not option.disabled), None)
                if first is not None:
                    first.selected = True
        return options


def _plain_text(element):
    """The text of an element without its script, style and template parts."""
    parts = [element.text or '']
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIPPED_TAGS:
            parts.append(_plain_text(child))
        parts.append(child.tail or '')
    return ''.join(parts)


class PageParser:
    """The former incremental interface (feed, close, then title/cells/forms/links) over one html5lib parse."""

    def __init__(self, path=''):
        self._chunks = []
        self._path = path
        self.title = ''
        self.text_parts = []
        self.cells = []
        self.forms = []
        self.links = []

    def feed(self, data):
        self._chunks.append(data)

    def close(self):
        root, owners = parse_html(''.join(self._chunks))
        reader = _Reader(root, owners, self._path)
        for name in ('title', 'text_parts', 'cells', 'forms', 'links', 'frames', 'language', 'refresh', 'base'):
            setattr(self, name, getattr(reader, name))


class Page:
    """One parsed page of the Remote UI, read with the labels and messages of a profile.

    Public: ``title``, ``text``, ``cells``, ``pairs``, ``forms``, ``links`` ((href, text) in tree
    order), ``frames`` (frame/iframe sources), ``refresh`` (a meta refresh URL), ``language``,
    ``base`` (the document base URL, ``<base href>`` resolved against the path), ``resolve(url)``,
    ``find/value/labels/shows/shows_marker/form_with`` and ``in_section(provider)`` (the same page
    narrowed to one provider's cells and links).
    """

    def __init__(self, host, path, status_code, body, profile):
        self.host = host
        self.path = path
        self.status_code = status_code
        self.profile = profile
        self.profile_name = profile.get('name', '?')
        if not HAS_HTML5LIB:
            raise RemoteUIError(host, 'the Python library html5lib (>= 1.1) is required to read the Remote UI pages '
                                '(%s); install the collection\'s requirements.txt on the controller' % HTML5LIB_IMPORT_ERROR)
        root, owners = parse_html(body or '')
        reader = _Reader(root, owners, path)
        self.title = normalize_text(reader.title)
        self.text = normalize_text(' '.join(reader.text_parts))
        self.cells = reader.cells
        self.forms = reader.forms
        self.links = reader.links
        self._link_places = reader.link_places
        self.frames = reader.frames
        self.refresh = reader.refresh
        self.language = reader.language
        self.base = reader.base
        self.section = None
        self._comparable_text = comparable(self.text)
        self._known_labels = known_labels(profile)

    def resolve(self, url):
        """A link or action of the page as a URL (a path on the device, or absolute), against the document base."""
        return urljoin(self.base, url) if url else self.path

    @property
    def loads(self):
        """What the page loads without a click: its frames and iframes, then a meta refresh target."""
        return list(self.frames) + ([self.refresh] if self.refresh else [])

    def navigations(self):
        """(target, text) of what a person clicks to go to another page: the links, then the buttons whose
        ``onclick`` navigates (``location.href='...'``, ``window.location.assign('...')``), as written."""
        buttons = []
        for form in self.forms:
            for control in form.inputs:
                target = _ONCLICK_TARGET.match(control.attributes.get('onclick', '')) if control.kind in (
                    'button', 'submit') else None
                if target:
                    buttons.append((target.group(2), normalize_text(control.value)))   # what the button shows
        return list(self.links) + buttons

    def captions(self):
        """Each named control a person fills (not hidden, not a button) with the text a person reads for it."""
        captions = {}
        for form in self.forms:
            for control in form.inputs:
                if control.name and control.kind not in ('hidden', 'submit', 'button', 'reset', 'image'):
                    captions.setdefault(control.name, control.caption)
        return captions

    def in_section(self, provider):
        """The page narrowed to the cells of ``provider``'s section, where the page has sections for several.

        A section is a container whose id or class names the provider (``<div id="google">``), else
        the part after a heading that names it; a page with one provider's section (or none) is itself.
        """
        for index, attribute in enumerate(('container', 'heading')):
            named = set(getattr(cell, attribute) for cell in self.cells) - set([None])
            if len(named) > 1 or (named and provider not in named and attribute == 'container'):
                view = copy.copy(self)
                view.cells = [cell for cell in self.cells if getattr(cell, attribute) in (provider, None)]
                # The section's links too (its own Edit link), and the links outside every section.
                view.links = [link for link, place in zip(self.links, self._link_places) if place[index] in (provider, None)]
                view.section = provider
                return view
        return self

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
                self.host, 'page %s has no %s row%s (looked for %s; labels on the page: %s); %s' % (
                    self.path, name, ' in its %s section' % self.section if self.section else '',
                    ' / '.join(repr(label) for label in self._label_texts(name)),
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
        """The form holding every one of ``field_names``, chosen by its fields, never by its position.

        Where several forms hold them all (a "test the connection" form with hidden copies of the
        settings), the one that holds them as controls a person sees and can change wins; a tie is
        an error naming the forms, rather than a guess.
        """
        holding = [form for form in self.forms if all(form.get(name) is not None for name in field_names)]
        if len(holding) > 1:
            def editable(form):
                return sum(1 for name in field_names if form.get(name).kind != 'hidden')
            best = max(editable(form) for form in holding)
            holding = [form for form in holding if editable(form) == best]
            if len(holding) > 1:
                raise PageNotUnderstoodError(
                    self.host, 'page %s has %d forms with the field%s %s as controls a person can change (%s): the '
                    'client cannot tell which one holds the settings; %s' % (
                        self.path, len(holding), 's' if len(field_names) > 1 else '',
                        ', '.join(repr(n) for n in field_names),
                        '; '.join(form.action or 'no action' for form in holding), profile_hint(self.profile)))
        if holding:
            return holding[0]
        held = '; '.join('%s (%s)' % (form.action or 'no action', ', '.join(form.names()) or 'no fields')
                         for form in self.forms if form.inputs) or 'no form'
        raise PageNotUnderstoodError(
            self.host, 'page %s has no form with the field%s %s (forms on the page: %s); %s' % (
                self.path, 's' if len(field_names) > 1 else '', ', '.join(repr(n) for n in field_names), held,
                profile_hint(self.profile)))
