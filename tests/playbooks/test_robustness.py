"""Robustness suite: the modules and the rollout against printers that serve markup variants.

Each fleet mixes families, UI languages, providers and variants (simulator/printer.py VARIANTS,
docs/device-contract.md "Markup variants"). For every printer: oauth_info, oauth_settings in
check mode (writes nothing), a change and an idempotent rerun, then rollout.yml up to active
tokens, checked against what the device itself stored; no session left open, no secret in any
output. Where a variant contradicts the profile, the run fails with a message naming what was
missing and what the page held instead, and nothing is posted to the device.
"""

import re
from pathlib import Path

import pytest
import yaml

from conftest import mixed_fleet, write_yaml

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'

# group -> printers in order: (family, language, provider, variants, profile file or None)
FLEETS = {
    'labels_and_text': [
        (ADVANCE, 'fr', 'microsoft', 'td_labels+label_colon+nbsp+unicode_punctuation+whitespace', None),
        (MF, 'fr', 'microsoft', 'meta_charset+unicode_punctuation+label_colon+omit_end_tags', None),
        (MF, 'en', 'google', 'span_labels+label_case+noise', None),
        (ADVANCE, 'fr', 'google', 'meta_charset_latin1+entities+markup_style+omit_end_tags+noise', None),
    ],
    'forms_and_writes': [
        (ADVANCE, 'en', 'microsoft', 'submit_name+page_hidden_fields+checkbox_hidden+save_200_status', None),
        (MF, 'fr', 'microsoft', 'relative_action+checkbox_hidden+save_200_form+page_hidden_fields', None),
        (ADVANCE, 'fr', 'google', 'submit_name+page_hidden_fields+save_200_form+relative_action', None),
        (MF, 'en', 'google', 'submit_name+checkbox_hidden+save_200_status+markup_style', None),
    ],
    'sessions': [
        (ADVANCE, 'en', 'microsoft', 'cookie_path', None),
        (MF, 'fr', 'microsoft', 'portal_cookie+unicode_punctuation', None),
        (MF, 'en', 'google', 'portal_cookie', None),
        (ADVANCE, 'fr', 'google', 'cookie_path+save_200_status', None),
    ],
    # Firmware the collection does not ship, served from profile files and driven through
    # cloudmail_profile_file: current ADVANCE firmware (portal cookie, user code after OK, rate
    # limit) and an i-SENSYS model with other paths, field names and labels.
    'profile_files': [
        (ADVANCE, 'fr', 'microsoft', 'portal_cookie+code_after_save+rate_limit', 'advance_current.yml'),
        (ADVANCE, 'en', 'microsoft', 'portal_cookie+code_after_save+rate_limit+td_labels+label_colon',
         'advance_current.yml'),
        (MF, 'fr', 'microsoft', 'nbsp+label_colon', 'isensys_x.yml'),
        (MF, 'en', 'google', '', 'isensys_x.yml'),
    ],
}
GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://[^\s"]+)')


def start_fleet(simulated_fleet, printers):
    return mixed_fleet(simulated_fleet, printers, auto_approve_seconds=1, poll_interval=1)


def operator_inventory(fleet, path):
    """The simulator's inventory as an operator writes it: a printer with its own profile file
    gets cloudmail_profile_file."""
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for group in inventory['all']['children']['printers']['children'].values():
        for host in group['hosts'].values():
            if host.get('simulator_profile_file'):
                host['cloudmail_profile_file'] = host['simulator_profile_file']
    return write_yaml(path, inventory)


def secrets_of(fleet):
    google = fleet.inventory['all']['children']['printers']['children']['google']['vars']
    return [fleet.password, google['cloudmail_google_client_secret']]


@pytest.mark.parametrize('group', sorted(FLEETS))
def test_modules_and_rollout_against_variants(group, simulated_fleet, run_playbook, tmp_path):
    fleet = start_fleet(simulated_fleet, FLEETS[group])
    inventory = operator_inventory(fleet, tmp_path / 'inventory.yml')
    names = sorted(fleet.printers)
    microsoft = [name for name in names if fleet.printers[name]['provider'] == 'microsoft']
    google = [name for name in names if fleet.printers[name]['provider'] == 'google']
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}

    # oauth_info, oauth_settings in check mode, change, rerun (assertions inside the playbook).
    modules = run_playbook(str(Path(__file__).parent / 'robustness/modules.yml'), inventory, '-vvvv')
    assert modules.returncode == 0, modules.output
    assert {host: counts['failed'] for host, counts in modules.recap().items()} == dict.fromkeys(names, 0)

    # Tokens dropped (the device's clock moved, then was set right: the pre-flight refuses a skewed clock):
    # the rollout must authorize with settings unchanged, which on firmware that shows the code after OK
    # means saving again.
    for name in microsoft:
        fleet.control.change_device_clock(name, 3600)
        fleet.control.change_device_clock(name, -3600)
        assert fleet.control.printer(name)['token']['microsoft']['status'] != 'active'

    first, second, codes = rollout_with_consent(fleet, run_playbook, inventory, settings, tmp_path, microsoft, google)

    for name in names:
        state = fleet.control.printer(name)
        provider = state['provider']
        assert state['token'][provider]['status'] == 'active', (name, state)
        assert state['settings'][provider]['enabled'], (name, state)
        assert state['counters']['open_sessions'] == 0, (name, state['counters'])
        assert state['counters']['failed_logins'] == 0, (name, state['counters'])
    for secret in [*secrets_of(fleet), *codes.values()]:
        for run in (modules, first, second):
            assert secret not in run.output
        for path in (tmp_path / 'reports').iterdir():
            assert secret not in path.read_text()


def rollout_with_consent(fleet, run_playbook, inventory, settings, tmp_path, microsoft, google):
    """rollout.yml (Microsoft printers active at its end), the person's consent for each Google printer's
    URL it printed, then rollout.yml again with the codes: (first run, second run, codes)."""
    first = run_playbook('rollout.yml', inventory, extra_vars=settings, timeout=300)
    for name in microsoft:
        assert fleet.control.printer(name)['token']['microsoft']['status'] == 'active', first.output
    urls = dict(GOOGLE_ROW.findall(first.output))
    assert sorted(urls) == google, first.output
    codes = {name: fleet.control.google_consent(url)['code'] for name, url in urls.items()}
    codes_file = write_yaml(tmp_path / 'codes.yml', {'cloudmail_google_authorization_codes': codes})
    second = run_playbook('rollout.yml', inventory, '-e', f'@{codes_file}', extra_vars=settings, timeout=300)
    assert second.returncode == 0, second.output
    return first, second, codes


def fatal_message(output, host):
    """The failure line Ansible prints for a host."""
    lines = [line for line in output.splitlines() if line.startswith(f'fatal: [{host}]')]
    assert lines, output
    return '\n'.join(lines)


def test_profile_contradictions_fail_clearly_and_post_nothing(simulated_fleet, run_playbook, tmp_path):
    """Login field names that differ from the profile can never lock an account: the client sees
    the form does not match before posting a password, and says what the page holds instead."""
    fleet = start_fleet(simulated_fleet, [
        (MF, 'en', 'microsoft', 'login_fields_i0019', None),
        (MF, 'fr', 'google', 'login_fields_i0023', None),
        # served from a profile file, but the inventory names only the built-in profile
        (MF, 'en', 'microsoft', '', 'isensys_x.yml'),
        (ADVANCE, 'en', 'microsoft', 'td_labels', None),     # a matching printer goes on
    ])
    run = run_playbook(str(Path(__file__).parent / 'robustness/modules.yml'), fleet.inventory_path)
    assert run.returncode != 0
    recap = run.recap()
    assert recap['printer-0004']['failed'] == 0, run.output
    for host, found in (('printer-0001', 'i0019'), ('printer-0002', 'i0023'), ('printer-0003', 'i0019')):
        assert recap[host]['failed'] == 1, run.output
        message = fatal_message(run.output, host)
        assert 'i0014' in message and found in message, message       # expected, and what the page held
        assert 'cloudmail_profile' in message, message                 # the inventory variable to fix
        counters = fleet.control.printer(host)['counters']
        assert (counters['logins'], counters['failed_logins'], counters['writes']) == (0, 0, 0), counters
        assert counters['open_sessions'] == 0
    assert fleet.password not in run.output
