# -*- coding: utf-8 -*-
"""Pages read as a browser reads them: every markup variation real embedded web servers produce."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.module_utils.errors import PageNotUnderstoodError
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_model import current_settings
from ansible_collections.printfleet.cloudmail.plugins.module_utils.oauth_status import status_from_page
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_forms import encode_multipart
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_parser import Page
from ansible_collections.printfleet.cloudmail.plugins.module_utils.page_text import comparable, decode_body, normalize_label
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


# --------------------------------------------------------------------------- the HTML standard's forms

def test_a_form_popped_in_table_mode_still_owns_its_inputs():
    """<table><form><tr><td><input>: the parser's form element pointer, not the tree, gives the owner."""
    form = page('<table><form action="/save" method="post"><tr><td><input name="a" value="1">'
                '<td><input type="checkbox" name="b" value="x" checked></tr></form></table>'
                '<input name="outside" value="2">').form_with('a')
    assert form.action == '/save' and form.entry_list() == [('a', '1'), ('b', 'x')]


def test_the_form_attribute_joins_controls_outside_the_form_in_tree_order():
    forms = page('<input name="before" form="f" value="0"><form id="f" action="/s"><input name="in" value="1"></form>'
                 '<input name="after" form="f" value="2"><input name="nowhere" form="missing" value="3">'
                 '<form id="g"><input name="other" form="f" value="4"></form>').forms
    assert [c.name for c in forms[0].inputs] == ['before', 'in', 'after', 'other']
    assert forms[0].entry_list() == [('before', '0'), ('in', '1'), ('after', '2'), ('other', '4')]
    assert all(c.name != 'other' for c in forms[1].inputs)


def test_the_entry_list_follows_the_standard():
    form = page('''<form action="/s" method="post">
      <input name="t" value="text"><input name="ro" value="shown" readonly><input name="off" value="x" disabled>
      <input type="checkbox" name="c1" checked><input type="checkbox" name="c2" value="yes">
      <input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
      <select name="s"><option disabled>none<option value="1">One<option>Two</select>
      <select name="m" multiple><option selected>x<option>y<option selected>z</select>
      <select name="last"><option selected>p<option selected>q</select>
      <fieldset disabled><legend><input name="in_legend" value="L"></legend><input name="in_fieldset" value="F">
        <fieldset><input name="deeper" value="D"></fieldset></fieldset>
      <textarea name="ta">line1
line2</textarea><input type="file" name="f"><input type="reset" name="re"><button type="button" name="b0">B</button>
      <input type="submit" name="go" value="Go"><button name="alt" value="other">Other</button>
      <input name="" value="nameless"><output name="o">42</output>
    </form>''').forms[0]
    assert form.entry_list(form.submitter('alt')) == [
        ('t', 'text'), ('ro', 'shown'), ('c1', 'on'), ('r', 'b'), ('s', '1'), ('m', 'x'), ('m', 'z'), ('last', 'q'),
        ('in_legend', 'L'), ('ta', 'line1\r\nline2'), ('alt', 'other')]
    assert form.successful_controls()[-1] == ('go', 'Go')
    assert form.entry_list()[-1] == ('ta', 'line1\r\nline2')   # no submitter, no button
    assert form.outputs[0].value == '42'


def test_the_submitter_formaction_formmethod_and_formenctype_and_the_base_url():
    body = ('<head><base href="/rps/sub/"></head><form action="save.cgi" method="get">'
            '<button name="b" formaction="../other.cgi" formmethod="POST" formenctype="multipart/form-data">OK</button>'
            '<input type="submit" name="plain"></form><form enctype="multipart/form-data" method="post"><input name="x"></form>'
            '<a href="next.cgi">Next <script>no</script>page</a><a href="/abs">Abs</a>')
    parsed = page(body, path='/rps/oauth.cgi')
    first, second = parsed.forms
    assert first.submission(first.submitter()) == ('/rps/other.cgi', 'post', 'multipart/form-data')
    assert first.submission(first.submitter('plain')) == ('/rps/sub/save.cgi', 'get', 'application/x-www-form-urlencoded')
    assert second.submission() == ('/rps/oauth.cgi', 'post', 'multipart/form-data')     # no action: the document
    assert parsed.links == [('next.cgi', 'Next page'), ('/abs', 'Abs')]
    assert parsed.resolve('next.cgi') == '/rps/sub/next.cgi'


def test_multipart_encoding_is_what_a_browser_sends():
    body, content_type = encode_multipart([('a', '1'), ('b"c', 'é')], boundary='XX')
    assert content_type == 'multipart/form-data; boundary=XX'
    assert body == ('--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
                    '--XX\r\nContent-Disposition: form-data; name="b%22c"\r\n\r\n\u00e9\r\n--XX--\r\n').encode('utf-8')


def test_captions_come_from_label_for_an_enclosing_label_or_the_text_before():
    form = page('<form><div><input type="checkbox" id="u" name="use"> <label for="u">Use OAuth</label></div>'
                '<label>Endpoint <input name="url"></label><p>Client ID</p><input name="cid"></form>').forms[0]
    assert [(c.name, c.caption) for c in form.inputs] == [('use', 'Use OAuth'), ('url', 'Endpoint'), ('cid', 'Client ID')]
    assert [c.label for c in form.inputs] == ['Use OAuth', 'Endpoint', '']     # the text before is no label


@pytest.mark.parametrize('control, on_value', [
    ('<select name="v"><option value="1">On<option value="0" selected>Off</select>', '1'),
    ('<select name="v"><option value="true">Activé<option value="false" selected>Désactivé</select>', 'true'),
    ('<select name="v"><option value="a">Ein<option value="b" selected>Aus</select>', 'a'),
    ('<input type="radio" name="v" value="On"> <input type="radio" name="v" value="Off" checked>', 'On'),
    ('<label><input type="radio" name="v" value="x"> Enabled</label><label><input type="radio" name="v" value="y" checked>'
     ' Disabled</label>', 'x'),
])
def test_on_off_is_learnt_from_the_page_s_own_options(control, on_value):
    form = page('<form action="/s">%s</form>' % control).forms[0]
    assert form.boolean('v', '1', None) is False
    assert form.choice('v', '1', '1', None) == on_value           # the profile's on value
    assert form.choice('v', True) == on_value
    off = form.choice('v', None, '1', None)
    assert off != on_value and form.boolean('v') is False
    assert dict(form.entry_list(values={'v': on_value}))['v'] == on_value


def test_an_on_select_reads_as_on():
    form = page('<form><select name="v"><option value="0">Off<option value="1" selected>On</select></form>').forms[0]
    assert form.boolean('v', '1', '0') is True and form.text('v') == '1'


def test_a_readonly_input_and_an_output_are_values_of_their_rows():
    parsed = page('<table><tr><th>User Code</th><td><input type="text" readonly value="ABCD-1234"></td></tr>'
                  '<tr><th>Token Status</th><td><output>Active</output></td></tr></table>')
    assert parsed.find('user_code').text == 'ABCD-1234'
    assert parsed.find('token_status').text == 'Active'


def test_the_form_is_chosen_by_its_fields_never_by_its_position():
    body = ('<form action="/test.cgi"><input type="hidden" name="A" value="1"><input type="hidden" name="U" value="u">'
            '<input type="submit" value="Test"></form>'
            '<form action="/save.cgi"><input type="checkbox" name="A" value="1"><input name="U" value="u"></form>')
    assert page(body).form_with('A', 'U').action == '/save.cgi'
    tie = body.replace('type="hidden" name="A"', 'type="checkbox" name="A"').replace('type="hidden" name="U"', 'name="U"')
    with pytest.raises(PageNotUnderstoodError, match=r'2 forms with the fields .* \(/test.cgi; /save.cgi\)'):
        page(tie).form_with('A', 'U')


@pytest.mark.parametrize('first, second', [('Microsoft', 'Google'), ('Google', 'Microsoft')])
def test_rows_are_read_in_the_section_of_the_provider(first, second):
    words = {'Microsoft': 'Successfully Connected', 'Google': 'Connection Failed'}
    section = ('<h2>OAuth 2.0 (%s) Settings</h2><h3>Basic Settings</h3><a href="/e">Edit %s</a><table><tr><th>Server Connection Status</th>'
               '<td>%s</td></tr><tr><th>Token Status</th><td>Active</td></tr></table>')
    parsed = page('<h1>Status</h1>' + section % (first, first.lower(), words[first]) + section % (second, second.lower(), words[second]))
    assert statuses_of(parsed.in_section('microsoft')) == ('connected', 'active')
    assert statuses_of(parsed.in_section('google')) == ('not_connected', 'active')
    assert [text for _href, text in parsed.in_section('google').links] == ['Edit google']
    by_container = page('<div id="oauth-%s">%s</div><div id="oauth-%s">%s</div>' % (
        first.lower(), (section % (first, first.lower(), words[first])).replace('<h2>', '<h4>').replace('</h2>', '</h4>'),
        second.lower(), section % ('', '', words[second])))
    assert statuses_of(by_container.in_section('google')) == ('not_connected', 'active')
    assert page(section % ('Microsoft', 'x', 'Connection Failed')).in_section('google').cells   # one section: the page itself


def statuses_of(view):
    status = status_from_page(view)
    return status['connection_status'], status['token_status']
