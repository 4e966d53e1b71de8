# -*- coding: utf-8 -*-
"""The probe's reading of pages and its rules for which links it follows (no HTTP here)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui_probe import (
    Findings,
    Probe,
    draft_profile,
    scan,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (
    deep_merge,
    profile_problems,
    resolve_profile,
)

MF = resolve_profile('isensys_mf')
AVOID = {'/logout.cgi', '/m_oauth_ms_auth.html'}


@pytest.mark.parametrize('target, text', [
    ('/logout.cgi', 'Log Out'),                       # the profile's logout page
    ('/bye.cgi', 'Déconnexion'),                      # a logout by its words, in French
    ('/cgi/x.cgi', 'Sign out'),
    ('/m_oauth_ms_auth.html', 'Authorize'),           # starts a device authorization
    ('/other_auth.cgi', 'Autoriser'),                 # the same link on other firmware, by its words
    ('/cgi/page.cgi?Flag=Exec_Data', 'Apply'),        # a query that looks like an action
    ('/cgi/page.cgi?reset=1', 'Details'),
    ('/style.css', 'style'),
])
def test_links_that_could_change_state_are_never_followed(target, text):
    assert not Probe._may_follow(target, text, AVOID)


@pytest.mark.parametrize('target, text', [
    ('/m_oauth_ms.html', 'Réglages OAuth 2.0 (Microsoft)'),
    ('/cgi/menu.cgi?page=send&lang=fr', 'Envoi'),
    ('/m_oauth_gg_reg.html', 'Mémoriser'),
])
def test_navigation_links_are_followed(target, text):
    assert Probe._may_follow(target, text, AVOID)


def test_links_to_another_host_port_or_scheme_are_left_alone():
    base = urlsplit('https://127.1.0.5:8443')
    assert Probe._same_site(base, '/rps/', 'oauthms.cgi') == '/rps/oauthms.cgi'
    assert Probe._same_site(base, '/rps/', '/a?b=c') == '/a?b=c'
    for href in ('https://127.1.0.5:9443/x', 'http://127.1.0.5:8443/x', 'https://login.microsoftonline.com/',
                 'javascript:go()', '#top', 'mailto:a@b'):
        assert Probe._same_site(base, '/rps/', href) is None, href


def test_inputs_get_the_caption_shown_before_them_in_any_layout():
    found = scan('<html lang="fr-FR"><TABLE><TR><TD>Utiliser OAuth 2.0 (Microsoft)&nbsp;:<TD>'
                 '<input type=hidden name=i5001 value=0><INPUT TYPE=checkbox NAME=i5001 value=1>'
                 '<script>var label = "Microsoft Entra ID";</script>'
                 '<div><span>Microsoft Entra ID</span> <span><input name="i5004" value="https://x"></span></div>'
                 '<a href="/m.cgi">Log <b>Out</b></a></TABLE>')
    assert found.language == 'fr'
    assert found.captions == {'i5001': 'Utiliser OAuth 2.0 (Microsoft) :', 'i5004': 'Microsoft Entra ID'}
    assert found.links == [('/m.cgi', 'Log Out')]


def test_a_draft_overrides_only_what_differs_and_validates():
    found = Findings()
    found.model, found.server = 'MF1127C', 'KS_HTTP'
    found.providers = {'microsoft': {'status_path': '/m_oauth_ms.html', 'edit_path': '/x/ms_edit.cgi',
                                     'authorization_flow': 'code_after_save',
                                     'fields': {'enabled': 'i3001', 'authority_url': 'i9004'}}}
    found.labels = {'token_status': 'Access Token', 'connection_status': 'Statut de connexion du serveur'}
    login = {'form_path': '/checkLogin.cgi',
             'form': {'path': '/checkLogin.cgi', 'username_field': 'i0019', 'password_field': 'i2101'}}
    draft = draft_profile(found, 'isensys_mf', MF, login, 'printer-7')
    assert draft['extends'] == 'isensys_mf' and 'MF1127C, KS_HTTP' in draft['description']
    assert draft['login'] == {'username_field': 'i0019', 'password_field': 'i2101'}
    assert draft['providers'] == {'microsoft': {'edit_path': '/x/ms_edit.cgi', 'authorization_flow': 'code_after_save',
                                                'fields': {'authority_url': 'i9004'}}}
    assert draft['labels'] == {'token_status': ['Access Token'] + MF['labels']['token_status']}
    resolved = deep_merge(MF, dict((key, value) for key, value in draft.items() if key != 'extends'))
    assert profile_problems(resolved) == []
