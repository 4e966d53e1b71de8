# -*- coding: utf-8 -*-
"""The probe's reading of pages and its rules for which links it follows (no HTTP here)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.probe_result import draft_profile, unknowns
from ansible_collections.printfleet.cloudmail.plugins.module_utils.remote_ui_probe import Findings, Probe
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page, logout_controls
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (
    deep_merge,
    profile_problems,
    resolve_profile,
)

MF = resolve_profile('isensys_mf')
AVOID = {'/logout.cgi', '/m_oauth_ms_auth.html'}


def _probe():
    probe = Probe(None, {'isensys_mf': MF})
    probe._avoid = AVOID
    return probe


@pytest.mark.parametrize('target, text, role', [
    ('/logout.cgi', 'Log Out', None),                       # the profile's logout page
    ('/bye.cgi', 'Déconnexion', None),                      # a logout by its words, in French
    ('/cgi/x.cgi', 'Abmelden', None),
    ('/m_oauth_ms_auth.html', 'Authorize', 'microsoft'),    # starts a device authorization
    ('/other_auth.cgi', 'Autorisieren', 'microsoft'),       # the same link on other firmware, by its words
    ('/cgi/page.cgi?Flag=Exec_Data', 'Send', None),         # a query: never read, whatever the text
    ('/cgi/menu.cgi?page=send', 'Envoi', None),
    ('/style.css', 'Send', None),
    # side-effect GET links: neutral text, an icon, a bare .cgi, the action in the path, the text or both
    ('/x01.cgi', 'OK', None),
    ('/trash.cgi', '', None),
    ('/sys/reboot.cgi', 'Details', None),
    ('/oauth_ms_tokdel.cgi', 'Delete Authorization Information', 'microsoft'),
    ('/a.cgi', 'Autorisierungsinformationen löschen', 'microsoft'),
    ('/b.cgi', "Supprimer les informations d'autorisation", 'microsoft'),
    ('/c.cgi', 'Elimina le informazioni di autorizzazione', None),
    ('/d.cgi', 'Eliminar la información de autorización', None),
    ('/e.cgi', 'Autorisatiegegevens verwijderen', None),
    ('/f.cgi', '認証情報を削除', None),
    ('/g.cgi', 'OAuth 2.0 (Microsoft) zurücksetzen', None),   # shaped like a menu entry, but an action word
    ('/h.cgi', 'Reset OAuth 2.0 (Google)', None),
    ('/oauth_edit_del.cgi', 'Edit', 'microsoft'),            # a menu word, but an action in the path
    ('/m_oauth_ms_edit.html', 'Edit', None),                # Edit only on an OAuth status page
    ('/m_oauth_gg_reg.html', 'Register', 'microsoft'),      # Register only on the Google page
])
def test_links_that_are_no_step_of_the_menu_path_are_never_read(target, text, role):
    assert _probe()._menu_step(target, text, role, False) is None


def test_the_link_next_to_the_endpoint_is_never_read_whatever_its_text():
    assert _probe()._menu_step('/m_oauth_ms_signin.html', 'Weiter', 'microsoft', True) is None


@pytest.mark.parametrize('target, text, role, step', [
    ('/m_oauth_ms.html', 'Réglages OAuth 2.0 (Microsoft)', None, 'microsoft'),
    ('/webui/ms.html', 'OAuth 2.0-Einstellungen (Microsoft)', None, 'microsoft'),
    ('/webui/gg.html', 'OAuth 2.0設定（Google）', None, 'google'),                  # no Japanese words: the shape
    ('/webui/gg.html', 'Impostazioni OAuth 2.0 (Google)', None, 'google'),
    ('/webui/send.html', 'Senden', None, 'menu'),
    ('/webui/settings.html', 'Einstellungen/Registrierung', None, 'menu'),
    ('/m_oauth_gg_reg.html', 'Mémoriser', 'google', 'register:google'),
    ('/webui/ms_form.html', 'Bearbeiten', 'microsoft', 'edit:microsoft'),
])
def test_menu_path_entries_are_read(target, text, role, step):
    assert _probe()._menu_step(target, text, role, False) == step


def test_links_to_another_host_port_or_scheme_are_left_alone():
    base = urlsplit('https://127.1.0.5:8443')
    assert Probe._same_site(base, '/rps/', 'oauthms.cgi') == '/rps/oauthms.cgi'
    assert Probe._same_site(base, '/rps/', '/a?b=c') == '/a?b=c'
    for href in ('https://127.1.0.5:9443/x', 'http://127.1.0.5:8443/x', 'https://login.microsoftonline.com/',
                 'javascript:go()', '#top', 'mailto:a@b'):
        assert Probe._same_site(base, '/rps/', href) is None, href


def test_inputs_get_the_caption_shown_before_them_in_any_layout():
    found = Page('h', '/', 200, '<html lang="fr-FR"><TABLE><TR><TD>Utiliser OAuth 2.0 (Microsoft)&nbsp;:<TD>'
                 '<input type=hidden name=i5001 value=0><INPUT TYPE=checkbox NAME=i5001 value=1>'
                 '<script>var label = "Microsoft Entra ID";</script>'
                 '<div><span>Microsoft Entra ID</span> <span><input name="i5004" value="https://x"></span></div>'
                 '<a href="/m.cgi">Log <b>Out</b></a></TABLE>', MF)
    assert found.language == 'fr'
    assert found.captions() == {'i5001': 'Utiliser OAuth 2.0 (Microsoft) :', 'i5004': 'Microsoft Entra ID'}
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


def test_a_draft_records_the_cookie_and_logout_the_device_showed_or_says_they_are_left():
    found = Findings()
    found.providers = {'microsoft': {'status_path': '/m_oauth_ms.html', 'fields': {}}}
    found.session_cookie, found.logout = 'WXSID', {'path': '/wx/auth/exit.cgi', 'method': 'GET'}
    draft = draft_profile(found, 'isensys_mf', MF, None, 'printer-7')
    assert draft['login'] == {'session_cookie': 'WXSID'}
    assert draft['logout'] == {'path': '/wx/auth/exit.cgi', 'method': 'GET'}
    resolved = deep_merge(MF, dict((key, value) for key, value in draft.items() if key != 'extends'))
    assert profile_problems(resolved) == []
    # The base's own values are not repeated.
    found.session_cookie, found.logout = MF['login']['session_cookie'], dict(MF['logout'])
    assert 'logout' not in draft_profile(found, 'isensys_mf', MF, None, 'printer-7')
    found.logout = None
    assert any(item.startswith('logout.path (no link, button or form') for item in unknowns(found, True))
    assert any(item.startswith('login.session_cookie and logout') for item in unknowns(found, False))


@pytest.mark.parametrize('body, expected', [
    ('<a href="/wx/auth/exit.cgi">Abmelden</a>', {'url': '/wx/auth/exit.cgi', 'method': 'GET', 'fields': None}),
    ('<a href="/x/signout.html"><img src="i.png"></a>', {'url': '/x/signout.html', 'method': 'GET', 'fields': None}),
    ('<form><input type="button" value="Déconnexion" onclick="location.href=\'/fin.cgi\'"></form>',
     {'url': '/fin.cgi', 'method': 'GET', 'fields': None}),
    ('<form method="post" action="/session/end.cgi"><input type="hidden" name="op" value="x">'
     '<input type="submit" value="ログアウト"></form>', {'url': '/session/end.cgi', 'method': 'POST', 'fields': {'op': 'x'}}),
    ('<form method="post" action="/logoff.cgi"><input type="submit" value="OK"></form>',
     {'url': '/logoff.cgi', 'method': 'POST', 'fields': None}),
])
def test_the_logout_control_of_a_page_is_found_by_its_text_or_target(body, expected):
    page = Page('printer', '/portal.html', 200, '<html><body><a href="/settings.html">Settings</a>%s</body></html>' % body, MF)
    assert logout_controls(page) == [expected]
    path = urlsplit(expected['url']).path
    assert _probe()._menu_step(path, 'Abmelden', None, False) is None
