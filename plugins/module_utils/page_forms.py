# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Forms of a Remote UI page as a browser submits them: controls, the entry list, on/off choices.

A ``Form`` owns its controls as the HTML standard says (page_parser decides which,
by ancestry, the parser's form pointer and the ``form`` attribute); ``Form.entry_list``
is the standard's "constructing the entry list"; on/off is read from and written to
checkboxes, radio groups and selects by the page's own options. No parsing, no HTTP.
"""

from __future__ import annotations

__metaclass__ = type

import os
from urllib.parse import urljoin

from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import comparable

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
