# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The profile file learnt from a capture: the closest built-in base, the overrides, the report, the files written.

``learn`` reads the capture (``capture_reading``), lets the ``profile_learner`` find what it
teaches and keeps only what differs from the closest built-in profile; ``write_outputs``
validates the profile and writes it and its report, checked for every secret value first.
"""

from __future__ import annotations

__metaclass__ = type

import os

from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import normalize_label
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import device_profiles
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.capture_reading import LearnError, read_capture
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.private_files import write_private
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.profile_learner import Learner


def _leaves(data, prefix=()):
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaves(value, prefix + (key,))
    else:
        yield prefix, data


def _get(data, path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def closest_base(learnt, base_profiles):
    """The built-in profile that agrees with most of what was learnt (ties: the first name)."""
    def agreement(name):
        return sum(1 for path, value in _leaves(learnt) if path[0] != 'labels' and _get(base_profiles[name], path) == value)
    return max(sorted(base_profiles), key=agreement)


WORD_KEYS = ('labels', 'status_values', 'messages')


def _first(word, known):
    """``word`` first in the list of translations ``known`` (None when it is known already)."""
    if normalize_label(word) in [normalize_label(text) for text in known]:
        return None
    return [word] + list(known)


def overrides(learnt, base):
    """Only what differs from ``base``; learnt words go first in the base's lists of translations."""
    result = {}
    for key, value in learnt.items():
        if key in ('labels', 'messages'):
            words = dict((name, _first(word, base.get(key, {}).get(name, []))) for name, word in value.items())
            words = dict((name, texts) for name, texts in words.items() if texts)
            if words:
                result[key] = words
        elif key == 'status_values':
            kinds = {}
            for kind, normalized in value.items():
                known = base.get(key, {}).get(kind, {})
                for name, shown in normalized.items():
                    texts = list(known.get(name, []))
                    for word in reversed(shown):
                        texts = _first(word, texts) or texts
                    if texts != list(known.get(name, [])):
                        kinds.setdefault(kind, {})[name] = texts
            if kinds:
                result[key] = kinds
        elif isinstance(value, dict) and isinstance(base.get(key), dict) and value:
            inner = overrides(value, base[key])
            if inner:
                result[key] = inner
        elif base.get(key) != value:
            result[key] = value
    return result


def foreign_constants(learnt, base):
    """What ``base`` would post that the firmware's own forms do not hold, by profile key (from the capture)."""
    foreign = ['login.extra_fields.%s' % name for name in base['login'].get('extra_fields') or {}
               if name not in learnt.get('login', {}).get('extra_fields', {})]
    if 'write_fields' in learnt:
        foreign += ['write_fields.%s' % name for name in base.get('write_fields') or {}
                    if name not in learnt['write_fields']]
        if base.get('timestamp_field') and base['timestamp_field'] != learnt.get('timestamp_field'):
            foreign.append('timestamp_field %s' % base['timestamp_field'])
    return foreign


def _root_profile(profile_dir):
    import yaml
    with open(os.path.join(profile_dir, '_base.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def learn(capture_path, typed, profile_dir=device_profiles.PROFILE_DIR):
    """(profile override with ``extends``, the learner with its report, the base's name) for a capture.

    The profile extends the closest built-in profile and overrides what differs. Where that profile would
    post fields the capture shows the firmware's forms do not hold (another family's bookkeeping), it
    extends ``_base`` (the shared words) instead and names every page, field and bookkeeping value itself.
    """
    exchanges = read_capture(capture_path)
    base_profiles = dict((name, device_profiles.resolve_profile(name, profile_dir=profile_dir))
                         for name in device_profiles.profile_names(profile_dir))
    learner = Learner(exchanges, typed, base_profiles)
    learnt = learner.learn()
    base_name = closest_base(learnt, base_profiles)
    base = base_profiles[base_name]
    login = learnt['login']
    if login.get('form_path') == '/' and base['login']['path'] == login['path'] and base['login'].get('form_path'):
        # The person opened the device's address, which shows the family's login form: its own page is kept
        # (the client checks it holds the fields before any password is sent).
        login['form_path'] = base['login']['form_path']
    profile = {'extends': base_name,
               'description': 'Learnt from the browser capture %s' % os.path.basename(capture_path)}
    foreign = foreign_constants(learnt, base)
    if not foreign:
        profile.update(overrides(learnt, base))
        return profile, learner, base_name
    if not learnt['login'].get('session_cookie'):
        raise LearnError(
            'the capture holds no cookies (it was exported without them), and this firmware is no built-in family '
            'whose session cookie could be kept: nothing written. Export the capture again with its cookies: in '
            'Chrome or Edge, the Network tab\'s "Export HAR (with sensitive data)" (enable "Allow to generate HAR '
            'with sensitive data" in the DevTools settings first); in Firefox, "Save All As HAR". The learner '
            'writes no cookie value, only the cookie\'s name')
    full = device_profiles.deep_merge(
        dict((key, value) for key, value in base.items() if key not in ('name', 'description', 'sources', 'extends')
             + WORD_KEYS),
        dict((key, value) for key, value in learnt.items() if key not in WORD_KEYS))
    full['write_fields'] = learnt.get('write_fields', {})
    full['timestamp_field'] = learnt.get('timestamp_field')
    full['login']['extra_fields'] = learnt['login'].get('extra_fields', {})
    if 'off' not in learnt.get('checkbox', {}):
        # A browser sends nothing for an unticked box; another family's "off" value is no field of this form.
        full['checkbox']['off'] = None
    full.update((key, learnt[key]) for key in WORD_KEYS if key in learnt)
    # The e-mail (SMTP) pages are not in the capture: another family's would be no page of this firmware.
    full.pop('mail', None)
    # Nor are the pages of a provider the capture did not show: the profile carries only the providers it saw.
    full['providers'] = dict((name, spec) for name, spec in full['providers'].items() if name in learnt['providers'])
    profile['extends'] = '_base'
    profile.update(overrides(full, _root_profile(profile_dir)))
    learner.notes.append('%s would post %s, which no form of this firmware holds: the profile extends _base (the '
                         'shared words) and names every page, field and bookkeeping value itself; it has no e-mail (SMTP) '
                         'pages (the procedure does not open them: leave cloudmail_smtp_sender unset, or record them '
                         'too), and where the capture shows no logout it is %s\'s' % (
                             base_name, ', '.join(foreign), base_name))
    return profile, learner, base_name


def render_report(capture_path, output_path, profile, learner, base_name):
    overridden = sorted(key for key in profile if key not in ('extends', 'description'))
    lines = ['Profile learnt from %s (%d requests, device %s)' % (
        capture_path, len(learner.exchanges), learner.device[0].origin if learner.device else '?'),
        'Written: %s, extends %s and overrides %s' % (output_path, base_name, ', '.join(overridden) or 'nothing'),
        '', 'Found:']
    lines += ['  - %s: %s' % step for step in learner.found]
    missing = ['  - %s: %s' % step for step in learner.missing]
    lines += ['', 'Not found:'] + (missing or ['  - nothing: every step of the procedure is in the capture'])
    lines += ['', 'Not visible in a browser capture, kept from %s: the value of an unticked check box, the pause '
              'between requests the firmware needs, the texts of refused writes and of a lockout%s; the e-mail (SMTP) '
              'pages, which the procedure does not open%s.' % (
                  profile['extends'], '' if 'login_failed' in profile.get('messages', {}) else ' and of refused logins',
                  '' if profile['extends'] == base_name else ' (this profile has none)')]
    if learner.notes:
        lines += ['', 'Notes:'] + ['  - %s' % note for note in learner.notes]
    lines += ['', 'Secrets: no value from the capture that could be secret (%d checked: passwords, cookies, '
              'anti-forgery tokens, codes, client secrets, user name) is written to the profile or this report.'
              % len(learner.secrets),
              'Next: check the profile on one printer in check mode (cloudmail_profile_file=%s, rollout.yml --check '
              '--limit ONE_PRINTER), then with the probe, then roll out.' % output_path]
    return '\n'.join(lines) + '\n'


def write_outputs(capture_path, output_path, report_path, typed):
    """Learn, validate and write the profile and the report; the steps not found."""
    import yaml
    profile, learner, base_name = learn(capture_path, typed)
    text = '# Learnt from a browser capture by printfleet.cloudmail learn_profile; check it before a rollout.\n' + \
        yaml.safe_dump(profile, sort_keys=False, allow_unicode=True, default_flow_style=False)
    report = render_report(capture_path, output_path, profile, learner, base_name)
    for secret in learner.secrets:
        if secret in text or secret in report:
            raise LearnError('a value that may be secret would be written (a field or path holds it); nothing '
                             'written: edit the capture or tell the maintainers')
    directory = os.path.dirname(os.path.abspath(output_path))
    scratch = os.path.join(directory, '.%s.learnt' % os.path.basename(output_path))
    write_private(scratch, text)
    try:
        device_profiles.resolve_profile(profile_file=scratch)
    except device_profiles.ProfileError as exc:
        raise LearnError('the learnt profile is not valid (%s); nothing written' % exc)
    finally:
        os.unlink(scratch)
    write_private(output_path, text)
    if report_path:
        write_private(report_path, report)
    return report, learner.missing
