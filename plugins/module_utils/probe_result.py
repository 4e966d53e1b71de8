# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a probe of an unknown printer makes of its findings: the matching profiles, or a draft of one.

The walk itself, and the rule that keeps it read-only, are in ``remote_ui_probe``; nothing here
reads a page. ``run_probe`` runs one walk and compares the findings with each profile
(``differences``); where none matches, ``draft_profile`` drafts a profile that ``extends`` the
closest built-in one and overrides what differs, and ``unknowns`` names what a read-only look
cannot know.
"""

from __future__ import annotations

__metaclass__ = type

import copy

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers import PROVIDERS
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui_probe import (
    FIELD_CAPTIONS,
    PROVIDER_NAMES,
    Probe,
    label_matches,
)


def differences(found, profile, login_check):
    """What the probe ``found`` shows differently from ``profile`` (empty: the profile matches what was seen)."""
    differs = []
    if not login_check['holds_fields']:
        differs.append('login form at %s has no fields %s / %s' % (
            login_check['form_path'], profile['login']['username_field'], profile['login']['password_field']))
    for page in found.after_login:
        if page not in (profile.get('after_login') or ()):
            differs.append('after_login lacks %s' % page)
    for provider, spec in found.providers.items():
        want = profile['providers'].get(provider)
        if want is None:
            differs.append('providers.%s is not in the profile' % provider)
            continue
        for key in ('status_path', 'edit_path', 'register_path', 'authorize_path'):
            if spec.get(key) and want.get(key) != spec[key]:
                differs.append('%s.%s is %s, not %s' % (provider, key, spec[key], want.get(key)))
        flow = spec.get('authorization_flow')
        if flow and want.get('authorization_flow') != flow:
            differs.append('%s.authorization_flow is %s' % (provider, flow))
        for key, name in spec['fields'].items():
            if want['fields'].get(key) != name:
                differs.append('%s.fields.%s is %s, not %s' % (provider, key, name, want['fields'].get(key)))
        flag = spec.get('secret_change_flag')
        if flag and (want.get('secret_change_flag') or {}).get('field') != flag['field']:
            differs.append('%s.secret_change_flag is %s' % (provider, flag['field']))
    for kind, label in found.labels.items():
        if not label_matches(label, profile['labels'][kind]):
            differs.append('label %r (%s) not in the profile' % (label, kind))
    return differs


def draft_profile(found, base_name, base, login_form, host, own=None):
    """A profile that extends ``base`` and overrides what this printer showed differently, with no secret.

    What the host's own profile already says (login, session cookie, logout, paths, words) is kept.
    """
    draft = {'extends': base_name,
             'description': 'Draft by playbooks/probe.yml for %s (%s): check it with --check --diff on this printer '
                            'before using it for others' % (host, ', '.join(
                                part for part in (found.model, found.server) if part) or 'model not shown')}
    login = {}
    if login_form:
        form_path = login_form['form_path']
        for key, value in (('form_path', form_path), ('path', login_form['form'].get('path')),
                           ('username_field', login_form['form'].get('username_field')),
                           ('password_field', login_form['form'].get('password_field'))):
            if value and (base['login'].get(key) or (base['login']['path'] if key == 'form_path' else None)) != value:
                login[key] = value
    if found.session_cookie and found.session_cookie != base['login'].get('session_cookie'):
        # The cookie the device set at the probe's login, not the base profile's name for it.
        login['session_cookie'] = found.session_cookie
    if login:
        draft['login'] = login
    if found.logout and found.logout != dict((key, value) for key, value in base['logout'].items() if key in found.logout):
        draft['logout'] = dict(found.logout)
    needed = [page for page in found.after_login if page not in (base.get('after_login') or ())]
    if needed:
        draft['after_login'] = list(base.get('after_login') or ()) + needed
    providers = {}
    for provider, spec in found.providers.items():
        # A provider the base has no pages for: everything the probe found is the draft's own.
        want = base['providers'].get(provider) or {'fields': {}}
        own = {}
        for key in ('status_path', 'edit_path', 'register_path', 'authorization_flow'):
            if spec.get(key) and want.get(key) != spec[key] and key in _provider_keys(provider):
                own[key] = spec[key]
        if 'authorization_flow' in _provider_keys(provider) and spec.get('authorize_path') \
                and want.get('authorize_path') != spec['authorize_path']:
            own['authorize_path'] = spec['authorize_path']
        fields = dict((key, name) for key, name in spec['fields'].items() if want['fields'].get(key) != name)
        if fields:
            own['fields'] = fields
        flag = spec.get('secret_change_flag')
        if flag and want.get('secret_change_flag') != flag:
            own['secret_change_flag'] = flag
        if own:
            providers[provider] = own
    if providers:
        draft['providers'] = providers
    labels = {}
    for kind, label in found.labels.items():
        if not label_matches(label, base['labels'][kind]):
            labels[kind] = [label] + list(base['labels'][kind])
    if labels:
        draft['labels'] = labels
    if own is not None and own.get('name') != base_name:
        _keep_own(draft, own, base)
    return draft


KEPT_FROM_OWN = ('login', 'logout', 'token_field', 'write_fields', 'timestamp_field', 'after_login', 'checkbox',
                 'labels', 'status_values', 'messages', 'duration_pattern', 'device_time_format', 'token_time_format',
                 'error_marker', 'lockout_threshold', 'request_spacing_seconds')


def _keep_own(draft, own, base):
    """What the host's own profile file says differently from the base stays in the draft (the probe adds to it)."""
    for key in KEPT_FROM_OWN:
        if key not in own or own[key] == base.get(key):
            continue
        if isinstance(own[key], dict) and isinstance(draft.get(key), dict):
            draft[key] = dict(own[key], **draft[key])
        elif key not in draft:
            draft[key] = copy.deepcopy(own[key])
    for provider, spec in (own.get('providers') or {}).items():
        want = base['providers'].get(provider, {})
        mine = draft.setdefault('providers', {}).setdefault(provider, {})
        for key, value in spec.items():
            if value == want.get(key):
                continue
            if key == 'fields':
                mine['fields'] = dict(((name, field) for name, field in value.items()
                                       if want.get('fields', {}).get(name) != field), **mine.get('fields', {}))
            else:
                mine.setdefault(key, copy.deepcopy(value))
        if not mine:
            draft['providers'].pop(provider)
    if not draft.get('providers'):
        draft.pop('providers', None)
    return draft


def _provider_keys(provider):
    return PROVIDERS[provider].page_keys


def unknowns(found, logged_in):
    """What a draft cannot know from a read-only look, named by profile key, with the words the pages showed."""
    missing = []
    if not logged_in:
        return ['every OAuth page (no login was tried: name the login fields in the draft\'s login section, or '
                'learn the profile from a browser capture, docs/learn-profile.md, then run the probe again with it '
                'as cloudmail_profile_file)',
                'login.session_cookie and logout (shown only after a login: the probe run again with this draft as '
                'cloudmail_profile_file finds them on the page after the login)']
    if found.logout is None:
        missing.append('logout.path (no link, button or form on the pages after the login names a logout; the '
                       'profile\'s logout was tried: fill in the page the Remote UI\'s own logout leads to)')

    def shown(provider, kind):
        words = (found.shown.get(provider) or {}).get(kind) or []
        if isinstance(words, dict):
            words = ['%s=%r' % item for item in words.items()]
        return ' (the page shows: %s)' % ', '.join(repr(w) if kind != 'captions' else w for w in words[:12]) \
            if words else ''
    for provider in PROVIDER_NAMES:
        spec = found.providers.get(provider)
        if spec is None:
            missing.append('providers.%s (no page found)' % provider)
            continue
        for key in [key for key in _provider_keys(provider) if key.endswith('_path') and key != 'status_path']:
            if not spec.get(key):
                missing.append('providers.%s.%s%s' % (provider, key, shown(provider, 'links')))
        for key in FIELD_CAPTIONS[provider]:
            if key not in spec['fields'] and not (key == 'authorization_code' and not spec.get('register_path')):
                missing.append('providers.%s.fields.%s%s' % (provider, key, shown(provider, 'captions')))
    for kind in ('connection_status', 'token_status'):
        if kind not in found.labels:
            labels = sorted(set(label for words in found.shown.values() for label in words.get('labels', [])))
            missing.append('labels.%s and its status_values (no known status word on the status pages%s)' % (
                kind, '; labels shown: %s' % ', '.join(repr(label) for label in labels[:12]) if labels else ''))
    # Shown only while an authorization is pending or after a failure: a read-only probe never sees them.
    missing.append('labels.message, user_code, user_code_expires_in, authorization_url, error_details '
                   '(shown only during an authorization; kept from the base profile)')
    return missing


def run_probe(open_session, candidates, own, host, max_pages):
    """The probe of one printer; returns the result dict (no secret in it) and the session warnings."""
    probe = Probe(open_session, candidates, own, max_pages)
    checks = probe.login_forms()
    found = probe.found
    if own is not None:
        login_profile = own if checks[own['name']]['holds_fields'] else None
    else:
        fitting = [name for name in sorted(candidates) if checks[name]['holds_fields']]
        login_profile = candidates[fitting[0]] if len(fitting) == 1 else None
    form_matches = sorted(name for name in candidates if checks[name]['holds_fields'])
    logged_in = False
    warnings = []
    if login_profile is not None:
        session = open_session(login_profile)
        try:
            with session:
                logged_in = True
                probe.explore(session)
        finally:
            warnings.extend(session.warnings)
        if session.busy_answers:
            found.notes.append('the printer answered "busy" %d time(s) (each retried): if it refuses requests in '
                               'quick succession, set request_spacing_seconds (for example 0.3) in its profile'
                               % session.busy_answers)
    matching = []
    for name, profile in list(candidates.items()) + ([(own['name'], own)] if own else []):
        if logged_in and found.providers and not differences(found, profile, checks[name]) and name not in matching:
            matching.append(name)

    def closeness(name):
        check = checks[name]
        return (check['holds_fields'], bool(check['form']), -len(differences(found, candidates[name], check)), name)
    closest = max(sorted(candidates), key=closeness)
    login_form = next((checks[name] for name in [closest] + sorted(checks) if checks[name]['form']), None)
    if login_form is None and probe.discovered:
        login_form = {'form_path': probe.discovered['form_path'], 'form': probe.discovered}
    draft = None
    if not matching and (login_form or found.providers):
        base = candidates[closest]
        draft = draft_profile(found, closest, base, login_form, host, own)
    own_name = own['name'] if own else None
    result = {
        'family_guess': closest if (checks[closest]['form'] or found.providers) else None,
        'ui_language': found.language,
        'model': found.model,
        'firmware': found.firmware,
        'server': found.server,
        'profile_checked': own_name,
        'login_form_matches': form_matches,
        'logged_in': logged_in,
        'matching_profiles': matching,
        'profile_match': (own_name if own_name in matching else matching[0]) if matching else 'none',
        # Read-only statuses, as oauth_info names them, for the fleet report.
        'providers': copy.deepcopy(found.statuses),
        'pages_read': found.pages_read,
        'pages': copy.deepcopy(found.providers),
        'labels': dict(found.labels),
        'notes': list(found.notes),
        'draft_profile': draft,
        'not_found': unknowns(found, logged_in) if draft else [],
    }
    if own is not None and not checks[own_name]['holds_fields']:
        result['notes'].insert(0, 'the login form at %s does not hold the fields %s / %s of the profile %s: no '
                               'password was sent; the page matches the login form of: %s' % (
                                   checks[own_name]['form_path'], own['login']['username_field'],
                                   own['login']['password_field'], own_name, ', '.join(form_matches) or
                                   'no built-in profile'))
    elif own is None and login_profile is None:
        result['notes'].insert(0, 'no profile was set and %s: no password was sent' % (
            'several built-in login forms match (%s)' % ', '.join(form_matches) if form_matches
            else 'no built-in login form matches'))
    if not any(name in candidates for name in matching):
        result['notes'].append('no built-in profile matches' + (
            '' if not own_name or own_name in candidates else
            '; the profile file %s %s' % (own_name, 'matches' if own_name in matching else 'does not match either')))
    return result, warnings
