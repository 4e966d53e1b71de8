# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading Remote UI pages as a browser does: label/value pairs, sections, links, captions. No HTTP here.

Embedded web servers write loose HTML: labels in any cell (``th``, ``td``, ``dt``,
``dd``, ``span``, ``label``, ``div``), optional end tags (``<tr><th>L<td>V``),
non-breaking spaces, typographic punctuation, the charset only in ``<meta>``.
Pages are parsed by html5lib, the WHATWG parsing algorithm a browser runs (implied
end tags, misnested tables, the form element pointer), once per response; forms
own their controls as the standard says (ancestry, the parser's form pointer, the
``form`` attribute); the forms themselves are page_forms, and every comparison goes
through page_text's ``comparable()``.
"""

from __future__ import annotations

__metaclass__ = type

import copy
import re
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
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_forms import FORM_ASSOCIATED, TEXT_KINDS, Form, FormInput, Option
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import comparable, normalize_label, normalize_text
from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import PROVIDERS

_ONCLICK_TARGET = re.compile(r'''^\s*(?:window\.|document\.)?location(?:\.href)?\s*(?:=\s*|\.assign\(\s*)(["'])([^"']*)\1''')

_PROFILE_LABELS = {}


def known_labels(profile):
    """Every label of a profile, normalized; computed once per profile (kept with it, so its id stays unique)."""
    known = _PROFILE_LABELS.get(id(profile))
    if known is None or known[0] is not profile:
        known = _PROFILE_LABELS[id(profile)] = (profile, frozenset(
            normalize_label(label) for labels in profile.get('labels', {}).values() for label in labels))
    return known[1]


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
