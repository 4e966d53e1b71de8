# -*- coding: utf-8 -*-
"""Pages read as a browser reads them: every markup variation real embedded web servers produce."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import PageNotUnderstoodError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import current_settings, status_from_page
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import (
    Page,
    comparable,
    decode_body,
    normalize_label,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import resolve_profile

HOST = '127.0.0.9'
IRA = resolve_profile('imagerunner_advance')
MF = resolve_profile('isensys_mf')


def page(body, profile=IRA, path='/rps/oauthms.cgi'):
    return Page(HOST, path, 200, body, profile)


def statuses(body, profile=IRA):
    status = status_from_page(page(body, profile))
    return status['connection_status'], status['token_status']


# --------------------------------------------------------------------------- labels and values

@pytest.mark.parametrize('body', [
    # the plain layouts of the built-in profiles
    '<table><tr><th>Server Connection Status</th><td>Successfully Connected</td></tr>'
    '<tr><th>Token Status</th><td>Active</td></tr></table>',
    '<dl><dt>Server Connection Status</dt><dd>Successfully Connected</dd><dt>Token Status</dt><dd>Active</dd></dl>',
    # labels in td cells, with a colon
    '<table><tr><td>Server Connection Status:</td><td>Successfully Connected</td></tr>'
    '<tr><td class="item">Token Status:</td><td>Active</td></tr></table>',
    # optional end tags left out
    '<table><tr><th>Server Connection Status<td>Successfully Connected<tr><th>Token Status<td>Active</table>',
    '<dl><dt>Server Connection Status<dd>Successfully Connected<dt>Token Status<dd>Active</dl>',
    # span / label / div layouts, values wrapped in further markup
    '<div class="row"><span class="l">Server Connection Status</span><span class="v">Successfully Connected</span></div>'
    '<div class="row"><label>Token Status</label><div><b>Active</b></div></div>',
    '<table><tr><th><label for="s">Server Connection Status</label></th><td><span id="s">Successfully Connected</span></td>'
    '</tr><tr><th>Token Status</th><td><font color="green"><b>Active</b></font></td></tr></table>',
    # label and value in one element
    '<p>Server Connection Status: Successfully Connected</p><p>Token Status : Active</p>',
    # case, non-breaking and other Unicode spaces, entities, upper-case tags, unquoted attributes
    '<TABLE BORDER=0><TR><TH ALIGN=left>SERVER&nbsp;CONNECTION\u2002STATUS</TH><TD>Successfully&#160;Connected</TD></TR>'
    '<TR><TH>token status</TH><TD VALIGN=top>\u00a0Active\u00a0</TD></TR></TABLE>',
    # nested layout tables
    '<table><tr><td><table><tr><td>Server Connection Status</td><td>Successfully Connected</td></tr></table></td></tr>'
    '<tr><td><table><tr><td>Token Status</td><td>Active</td></tr></table></td></tr></table>',
])
def test_labels_and_values_are_found_in_every_layout(body):
    assert statuses(body) == ('connected', 'active')


def test_a_french_colon_an_ellipsis_and_a_curly_apostrophe_match_the_profile_words():
    body = ('<table><tr><td>Statut de connexion du serveur\u00a0:</td><td>V\u00e9rification\u2026</td></tr>'
            '<tr><td>Statut du jeton :</td><td>En attente d\u2019autorisation</td></tr></table>')
    assert statuses(body, MF) == ('unknown', 'authorizing')


def test_comparison_folds_punctuation_whitespace_and_case():
    assert comparable('V\u00e9rification\u2026') == comparable(' v\u00e9rification... ')
    assert comparable('d\u2019autorisation') == comparable("D'autorisation")
    assert normalize_label('Token Status\u00a0:') == normalize_label('token status:') == 'token status'
    # Composed and decomposed accents are the same word.
    assert comparable('Expire\u0301') == comparable('Expir\u00e9')


def test_an_empty_value_cell_is_an_empty_value_not_the_next_label():
    body = ('<table><tr><th>User Code</th><td></td></tr><tr><th>Message</th><td></td></tr>'
            '<tr><th>Server Connection Status</th><td>Successfully Connected</td></tr>'
            '<tr><th>Token Status</th><td>Inactive</td></tr></table>')
    assert page(body).find('user_code').text == ''
    assert status_from_page(page(body))['authorization'] is None


def test_a_value_with_marked_up_parts_is_read_whole():
    body = '<table><tr><th>User Code Expires In</th><td><b>14</b> min <b>59</b> s</td></tr></table>'
    assert page(body).find('user_code_expires_in').text == '14 min 59 s'


def test_a_missing_label_names_the_labels_the_page_holds():
    body = '<table><tr><td>Verbindungsstatus:</td><td>Verbunden</td></tr></table>'
    with pytest.raises(PageNotUnderstoodError) as error:
        page(body).value('connection_status')
    assert "'Verbindungsstatus:'" in str(error.value) and "'Server Connection Status'" in str(error.value)


def test_the_error_marker_counts_only_as_a_word_of_its_own():
    assert page('<p>ERR: the settings could not be applied</p>').shows_marker('ERR')
    assert page('<p class="error">ERR</p>').shows_marker('ERR')
    assert not page('<p>ERROR in the log; Erreur</p>').shows_marker('ERR')


def test_messages_match_whatever_the_punctuation():
    assert page("<p>L\u2019appareil est occup\u00e9.</p>", MF).shows('busy')


# --------------------------------------------------------------------------- charset

def test_the_charset_comes_from_the_header_first():
    assert decode_body('Connexion établie'.encode('iso-8859-1'), 'text/html; charset=ISO-8859-1') == 'Connexion établie'


@pytest.mark.parametrize('meta', ['<meta charset="windows-1252">', "<meta charset=windows-1252>",
                                  '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
                                  "<META CONTENT='text/html;charset=windows-1252' HTTP-EQUIV='content-type'>"])
def test_the_charset_declared_only_in_meta_is_used(meta):
    body = ('<html><head>%s</head><body><table><tr><th>Statut de connexion du serveur</th><td>Connexion \u00e9tablie</td>'
            '</tr><tr><th>Statut du jeton</th><td>Expir\u00e9</td></tr></table></body></html>') % meta
    text = decode_body(body.encode('windows-1252'), 'text/html')
    assert statuses(text, MF) == ('connected', 'expired')


def test_without_any_charset_utf8_is_tried_then_windows_1252():
    assert decode_body('établie'.encode('utf-8'), 'text/html') == 'établie'
    assert decode_body('établie'.encode('windows-1252'), '') == 'établie'


# --------------------------------------------------------------------------- forms

EDIT_FORM = '''<form name="f" method=POST action='oauthmsedit.cgi'>
<input type=hidden name=Token value=tok-1>
<input value="./oauthmsedit.cgi" name="CoreNXAction" type="hidden">
<table><tr><td>Use OAuth 2.0 (Microsoft)<td><input type="hidden" name="OAuthUse" value="0">
<input type="checkbox" name="OAuthUse" value="1" checked>
<tr><td>Verify Server Certificate<td><input type="hidden" name="VerifyCert" value="0"><input type="checkbox" name="VerifyCert" value="1">
<tr><td>Add CN<td><input type=checkbox name=AddCN value=1 disabled checked>
<tr><td>Endpoint<td><input type="text" name="AuthServerURL" value="https://login.microsoftonline.com/common/oauth2/v2.0">
</table>
<button type="button" name="Cancel" value="1">Cancel</button>
<input type="submit" name="Apply" value="OK"><input type="submit" name="Back" value="Back">
</form>'''


def test_a_checkbox_paired_with_a_hidden_input_reads_as_the_checkbox():
    form = page(EDIT_FORM).form_with('OAuthUse')
    assert form.get('OAuthUse').kind == 'checkbox' and form.get('OAuthUse').checked
    assert not form.get('VerifyCert').checked
    settings = current_settings(page(EDIT_FORM), dict(IRA['providers']['microsoft'], fields=dict(
        IRA['providers']['microsoft']['fields'], add_cn_to_verification='AddCN')), 'microsoft')
    assert settings['enabled'] is True and settings['verify_server_certificate'] is False


def test_a_form_is_sent_with_its_own_hidden_values_and_its_default_submit_button():
    form = page(EDIT_FORM).form_with('OAuthUse')
    assert form.successful_controls() == [
        ('Token', 'tok-1'), ('CoreNXAction', './oauthmsedit.cgi'), ('OAuthUse', '0'), ('OAuthUse', '1'),
        ('VerifyCert', '0'), ('AuthServerURL', 'https://login.microsoftonline.com/common/oauth2/v2.0'),
        ('Apply', 'OK')]


def test_button_elements_submit_by_default():
    form = page('<form action="/x"><input name="a" value="1"><button name="go" value="save">Save</button></form>').forms[0]
    assert form.successful_controls() == [('a', '1'), ('go', 'save')]


def test_a_missing_form_field_names_what_the_forms_hold():
    with pytest.raises(PageNotUnderstoodError) as error:
        page(EDIT_FORM).form_with('OAuthUse', 'ClientID')
    message = str(error.value)
    assert "no form with the fields 'OAuthUse', 'ClientID'" in message
    assert 'oauthmsedit.cgi (Token, CoreNXAction, OAuthUse, VerifyCert, AddCN, AuthServerURL, Cancel, Apply, Back)' in message


def test_select_and_textarea_values():
    form = page('<form><select name=s><option value=a>A<option value=b selected>B</select>'
                '<select name=t><option value=x>X<option value=y>Y</select><textarea name=m>hi &amp; bye</textarea>'
                '</form>').forms[0]
    assert form.successful_controls() == [('s', 'b'), ('t', 'x'), ('m', 'hi & bye')]
