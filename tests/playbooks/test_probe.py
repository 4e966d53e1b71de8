"""playbooks/probe.yml against the simulated fleet: which profile matches, read only, and drafts.

Every test checks what the probe must never do: write to a printer (write counter), start an
authorization (the link next to the Microsoft endpoint is never followed), post a password to a
login form that does not match, leave a session open (the fixture fails on that), or show a secret.
"""

import csv
from pathlib import Path

import pytest
import yaml

from conftest import TEST_PROFILES as PROFILES, load_report, mixed_fleet, write_yaml
from simulator.printer import VARIANTS

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'
# Variants that truly differ from the built-in profile (what the probe must report as a difference).
CONTRADICTING = {'login_fields_i0019', 'login_fields_i0023', 'code_after_save'}


def fleet_of(simulated_fleet, printers):
    """printers: (family, language, provider, variants, profile file or None) per printer."""
    return mixed_fleet(simulated_fleet, printers)


def inventory_with(fleet, path, **per_host):
    """The simulator's inventory, with host variables changed per host (None removes one)."""
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for group in inventory['all']['children']['printers']['children'].values():
        for host, variables in group['hosts'].items():
            for name, value in per_host.get(host, {}).items():
                if value is None:
                    variables.pop(name, None)
                else:
                    variables[name] = value
    return write_yaml(path, inventory)


def probe(run_playbook, inventory, reports, verbosity='-v'):
    run = run_playbook('probe.yml', inventory, verbosity, extra_vars={'cloudmail_report_dir': str(reports)})
    rows = {row['host']: row for row in load_report(reports, 'probe')['printers']}
    return run, rows


def assert_read_only(fleet, run, tokens_before=None):
    for name in fleet.printers:
        state = fleet.control.printer(name)
        counters = state['counters']
        assert counters['writes'] == 0, (name, counters)
        assert counters['failed_logins'] == 0, (name, counters)
        assert counters['open_sessions'] == 0, (name, counters)
        provider = state['provider']
        # The link that starts an authorization was never read.
        assert state['token'][provider]['status'] != 'authorizing', (name, state['token'])
        if tokens_before is not None:
            assert state['token'][provider]['status'] == tokens_before[name], (name, state['token'])
    assert fleet.password not in run.output


def test_built_in_families_in_both_languages_match_their_profile(simulated_fleet, run_playbook, tmp_path):
    fleet = fleet_of(simulated_fleet, [(ADVANCE, 'en', 'microsoft', '', None), (ADVANCE, 'fr', 'google', '', None),
                                       (MF, 'en', 'google', '', None), (MF, 'fr', 'microsoft', '', None)])
    # One printer without any profile: the probe finds its family from the login form alone.
    inventory = inventory_with(fleet, tmp_path / 'inventory.yml', **{'printer-0004': {'cloudmail_profile': None}})
    reports = tmp_path / 'reports'
    run, rows = probe(run_playbook, inventory, reports, '-vvvv')    # no secret at any verbosity
    assert run.returncode == 0, run.output

    expected = {'printer-0001': (ADVANCE, 'en', 'iR-ADV C5535', 'CANON HTTP Server'),
                'printer-0002': (ADVANCE, 'fr', 'iR-ADV C5535', 'CANON HTTP Server'),
                'printer-0003': (MF, 'en', 'MF746Cx', 'KS_HTTP'),
                'printer-0004': (MF, 'fr', 'MF746Cx', 'KS_HTTP')}
    for host, (family, language, model, server) in expected.items():
        row = rows[host]
        assert (row['profile_match'], row['family_guess'], row['ui_language'], row['model'], row['server']) == \
            (family, family, language, model, server), row
        assert row['draft_profile'] == '' and row['token_status'] == 'inactive', row
    assert not (reports / 'profiles').exists()
    # The CSV and HTML carry the probe's columns.
    with open(reports / 'fleet-report-probe.csv', encoding='utf-8') as handle:
        header = next(csv.reader(handle))
    assert {'profile_match', 'family_guess', 'ui_language', 'model', 'firmware', 'server', 'draft_profile'} <= set(header)
    assert 'Matching profile' in (reports / 'fleet-report-probe.html').read_text()
    assert 'printer-0004: profile isensys_mf; family isensys_mf, language fr, model MF746Cx' in run.output
    assert_read_only(fleet, run)
    assert sum(fleet.control.printer(name)['counters']['logins'] for name in fleet.printers) == 4


@pytest.mark.parametrize('family', [ADVANCE, MF])
def test_every_markup_variant_is_probed_without_writes(family, simulated_fleet, run_playbook, tmp_path):
    variants = sorted(VARIANTS)
    languages = ('en', 'fr')
    providers = ('microsoft', 'google')
    fleet = fleet_of(simulated_fleet, [(family, languages[i % 2], providers[(i // 2) % 2], variant, None)
                                       for i, variant in enumerate(variants)])
    tokens_before = {name: fleet.control.printer(name)['token'][fleet.printers[name]['provider']]['status']
                     for name in fleet.printers}
    reports = tmp_path / 'reports'
    run, rows = probe(run_playbook, fleet.inventory_path, reports)
    assert run.returncode == 0, run.output
    assert_read_only(fleet, run, tokens_before)

    for index, variant in enumerate(variants):
        host = 'printer-%04d' % (index + 1)
        row = rows[host]
        assert row['family_guess'] == family, (variant, row)
        counters = fleet.control.printer(host)['counters']
        if variant.startswith('login_fields_'):
            # The login form does not match: no password is sent, and the draft names the form's fields.
            assert counters['logins'] == 0, (variant, counters)
            assert 'no password was sent' in row['probe_notes'], (variant, row)
            assert row['profile_match'] == 'none', (variant, row)
            draft = yaml.safe_load(Path(row['draft_profile'].split(' (')[0]).read_text())
            assert draft['login']['username_field'] == {'login_fields_i0019': 'i0019',
                                                        'login_fields_i0023': 'i0023'}[variant], draft
            continue
        assert counters['logins'] == 1, (variant, counters)
        assert row['ui_language'] == languages[index % 2], (variant, row)
        # The probe reads both providers' pages whatever the printer's provider: code_after_save changes
        # the Microsoft flow on every printer that serves it.
        if variant == 'code_after_save' or variant == 'portal_cookie' and family == ADVANCE:
            assert row['profile_match'] == 'none', (variant, row)
            draft = yaml.safe_load(Path(row['draft_profile'].split(' (')[0]).read_text())
            if variant == 'portal_cookie':
                assert draft['after_login'] == ['/rps/nativetop.cgi'], draft
            else:
                assert draft['providers']['microsoft']['authorization_flow'] == 'code_after_save', draft
        else:
            assert row['profile_match'] == family, (variant, row)
        if variant == 'rate_limit':
            assert 'set request_spacing_seconds' in row['probe_notes'], row


def test_unknown_firmware_gets_a_draft_that_drives_oauth_info(simulated_fleet, run_playbook, tmp_path):
    """Printers served from a profile file the collection does not ship (tests/profiles/isensys_x.yml)."""
    fleet = fleet_of(simulated_fleet, [(MF, 'en', 'microsoft', '', 'isensys_x.yml'),
                                       (MF, 'fr', 'google', 'label_colon+nbsp', 'isensys_x.yml')])
    hosts = sorted(fleet.printers)

    # 1. The inventory names the built-in profile: its login fields are not on the form, so no password is sent.
    run, rows = probe(run_playbook, fleet.inventory_path, tmp_path / 'first')
    assert run.returncode == 0, run.output
    for host in hosts:
        row = rows[host]
        assert row['profile_match'] == 'none' and 'no built-in profile matches' in row['probe_notes'], row
        assert "does not hold the fields i0014 / i0016 of the profile isensys_mf: no password was sent; " \
               "the page matches the login form of: no built-in profile" in row['probe_notes'], row
        assert 'every OAuth page (no login was tried' in row['draft_profile'], row
        assert fleet.control.printer(host)['counters']['logins'] == 0
    first_drafts = {host: tmp_path / 'first' / 'profiles' / ('draft-%s.yml' % host) for host in hosts}
    draft = yaml.safe_load(first_drafts['printer-0001'].read_text())
    assert draft['extends'] == MF and draft['login'] == {'username_field': 'i0019', 'password_field': 'i2101'}, draft

    # 2. With the first draft the probe logs in, follows the links and finds the pages, fields and labels.
    inventory = inventory_with(fleet, tmp_path / 'second.yml', **{
        host: {'cloudmail_profile_file': str(first_drafts[host])} for host in hosts})
    run, rows = probe(run_playbook, inventory, tmp_path / 'second')
    assert run.returncode == 0, run.output
    second_drafts = {}
    for host in hosts:
        row = rows[host]
        assert row['profile_match'] == 'none', row
        assert 'the profile file %s does not match either' % first_drafts[host] in row['probe_notes'], row
        second_drafts[host] = Path(row['draft_profile'].split(' (')[0])
        assert fleet.control.printer(host)['counters']['logins'] == 1
    expected = yaml.safe_load((PROFILES / 'isensys_x.yml').read_text())
    microsoft = yaml.safe_load(second_drafts['printer-0001'].read_text())
    assert microsoft['providers']['microsoft'] == expected['providers']['microsoft'], microsoft
    assert microsoft['labels']['connection_status'][0] == 'Mail Server Connection', microsoft
    assert microsoft['labels']['token_status'][0] == 'Access Token', microsoft
    google = yaml.safe_load(second_drafts['printer-0002'].read_text())
    assert google['providers']['google'] == expected['providers']['google'], google
    assert google['labels']['connection_status'][0] == 'Connexion au serveur de messagerie', google
    # What no read-only look can see is named by profile key.
    assert 'labels.message, user_code, user_code_expires_in' in rows['printer-0001']['draft_profile']
    for path in second_drafts.values():
        text = path.read_text()
        assert fleet.password not in text and 'i0014' not in text

    # 3. The draft drives oauth_info (status.yml) and the probe now reports it as the matching profile.
    inventory = inventory_with(fleet, tmp_path / 'third.yml', **{
        host: {'cloudmail_profile_file': str(second_drafts[host])} for host in hosts})
    status = run_playbook('status.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'status'),
                                                               'cloudmail_fail_on_attention': False})
    assert status.returncode == 0, status.output
    assert not any(counts['failed'] for counts in status.recap().values()), status.output
    report = {row['host']: row for row in load_report(tmp_path / 'status')['printers']}
    for host in hosts:
        # Read through the draft's pages, fields and labels: OAuth still off, as the device holds it.
        assert (report[host]['state'], report[host]['token_status'], report[host]['last_error']) == \
            ('not_configured', 'inactive', ''), report[host]
    run, rows = probe(run_playbook, inventory, tmp_path / 'third')
    assert run.returncode == 0, run.output
    for host in hosts:
        assert rows[host]['profile_match'] == str(second_drafts[host]), rows[host]
        assert rows[host]['draft_profile'] == ''
    assert_read_only(fleet, run)


def test_side_effect_links_of_every_kind_are_never_read_after_a_rollout(simulated_fleet, run_playbook, tmp_path):
    """Pages full of GET links that act (delete the token, reset, reboot, start an authorization; in seven
    languages, with neutral text, an icon only, a bare .cgi, the action only in the path or the query, an
    onclick button): the probe run after a good rollout reads none of them, and every token stays active."""
    printers = [(family, language, 'microsoft', 'destructive_links', None)
                for family in (ADVANCE, MF) for language in ('en', 'fr')]
    fleet = mixed_fleet(simulated_fleet, printers, auto_approve_seconds=1, poll_interval=1)
    # The rollout itself reads no such link either: the tokens it obtains are still there when it ends.
    rollout = run_playbook('rollout.yml', fleet.inventory_path, extra_vars={
        'cloudmail_report_dir': str(tmp_path / 'rollout'), 'cloudmail_authorization_timeout': 60}, timeout=300)
    # The simulated person signs in for each printer (auto_approve_seconds: the operator's step of the rollout).
    assert rollout.returncode == 0, rollout.output
    tokens = {name: fleet.control.printer(name)['token']['microsoft']['status'] for name in fleet.printers}
    assert set(tokens.values()) == {'active'}, tokens
    for name in fleet.printers:
        assert fleet.control.printer(name)['counters']['side_effect_reads'] == 0
        fleet.control.reset(name)

    run, rows = probe(run_playbook, fleet.inventory_path, tmp_path / 'reports')
    assert run.returncode == 0, run.output
    assert_read_only(fleet, run, tokens)
    for name in fleet.printers:
        state = fleet.control.printer(name)
        assert state['counters']['side_effect_reads'] == 0, (name, state['counters'])
        assert state['token']['microsoft']['status'] == 'active', (name, state['token'])
        # The built-in family is still recognised, and the pages were read through the menu.
        assert rows[name]['profile_match'] == state['family'], rows[name]


@pytest.mark.parametrize('family, language, variant', [(ADVANCE, 'fr', 'code_after_save'), (MF, 'en', '')])
def test_a_probe_with_its_own_draft_names_the_built_in_profile_and_the_draft_drives_a_rollout(
        family, language, variant, simulated_fleet, run_playbook, tmp_path):
    """A plain printer of a built-in family (or one whose sign-in starts after the save): the probe with its own
    draft still says which built-in profile matches, the draft signs the printer in, and after the rollout the
    probe calls the draft matching."""
    fleet = mixed_fleet(simulated_fleet, [(family, language, 'microsoft', variant, None)], auto_approve_seconds=1,
                        poll_interval=1)
    run, rows = probe(run_playbook, fleet.inventory_path, tmp_path / 'first')
    assert run.returncode == 0, run.output
    row = rows['printer-0001']
    if variant:
        assert row['profile_match'] == 'none', row
        draft_file = Path(row['draft_profile'].split(' (')[0])
    else:
        assert row['profile_match'] == family, row
        draft_file = write_yaml(tmp_path / 'draft.yml', {'extends': family, 'description': 'own draft'})
    inventory = inventory_with(fleet, tmp_path / 'own.yml', **{'printer-0001': {'cloudmail_profile_file': str(draft_file)}})
    run, rows = probe(run_playbook, inventory, tmp_path / 'second')
    assert run.returncode == 0, run.output
    row = rows['printer-0001']
    assert row['profile_match'] == str(draft_file), row
    if not variant:
        assert 'no built-in profile matches' not in row['probe_notes'], row
    rollout = run_playbook('rollout.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'rollout'),
                                                                 'cloudmail_authorization_timeout': 60}, timeout=300)
    assert rollout.returncode == 0, rollout.output
    assert fleet.control.printer('printer-0001')['token']['microsoft']['status'] == 'active'
    fleet.control.reset('printer-0001')
    run, rows = probe(run_playbook, inventory, tmp_path / 'third')
    assert run.returncode == 0, run.output
    assert rows['printer-0001']['profile_match'] == str(draft_file), rows['printer-0001']
    assert_read_only(fleet, run, {'printer-0001': 'active'})
