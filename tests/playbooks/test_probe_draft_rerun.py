"""The probe's own draft, used as the profile of a second probe, on firmware no built-in profile describes.

The first probe (no profile) finds the sign-in form by structure and writes a draft; the second probe
logs in with that draft as cloudmail_profile_file: the login is judged by the device's answer (the draft
cannot know the session cookie's name before a login), the OAuth pages reachable by the manual's menu
path are read, and the logout the draft records (found by structure on the page after the login) ends
the session. Then the draft of the second probe names the device's real cookie and logout.
"""

import yaml

from conftest import load_report
from test_unknown_firmware_journey import PRINTERS, assert_no_write, counters, inventory_of, total

from simulator.generation_x import PROFILE


def _draft(directory, name):
    return yaml.safe_load((directory / 'profiles' / f'draft-{name}.yml').read_text())


def test_a_second_probe_with_the_probes_own_draft_logs_in_reads_and_logs_out(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=4, printer_settings=PRINTERS)
    inventory = inventory_of(fleet, tmp_path / 'inventory.yml')
    first = run_playbook('probe.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'probe-1')})
    assert first.returncode == 0, first.output
    assert total(fleet, 'logins') == 0
    # Without a login the draft cannot know the cookie and the logout: it says they are left to fill.
    for row in load_report(tmp_path / 'probe-1', 'probe')['printers']:
        assert 'login.session_cookie and logout' in row['draft_profile'], row

    name = 'printer-0001'
    draft = _draft(tmp_path / 'probe-1', name)
    assert draft['login']['username_field'] and draft['login']['password_field'], draft
    draft_file = tmp_path / 'probe-1' / 'profiles' / f'draft-{name}.yml'
    inventory = inventory_of(fleet, tmp_path / 'draft-inventory.yml', draft_file)

    before = counters(fleet)
    second = run_playbook('probe.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'probe-2')})
    assert second.returncode == 0, second.output
    assert_no_write(fleet, before, 'second probe')
    after = counters(fleet)
    rows = {row['host']: row for row in load_report(tmp_path / 'probe-2', 'probe')['printers']}
    for printer in PRINTERS:
        assert rows[printer]['profile_match'] == 'none', rows[printer]
        assert after[printer]['logins'] - before[printer]['logins'] == 1, (printer, after[printer])
        # The one login of the probe is logged out: the single administrator session is free again.
        assert after[printer]['logouts'] - before[printer]['logouts'] == 1, (printer, after[printer])
        assert after[printer]['open_sessions'] == 0, (printer, after[printer])
        assert after[printer]['failed_logins'] == before[printer]['failed_logins'], (printer, after[printer])
        assert after[printer]['lockouts'] == 0, (printer, after[printer])
        again = _draft(tmp_path / 'probe-2', printer)
        # The OAuth pages, reached by the manual's menu path (read only), are in the new draft.
        for provider in ('microsoft', 'google'):
            for key in ('status_path', 'edit_path'):
                assert again['providers'][provider][key] == PROFILE['providers'][provider][key], (printer, again)
        assert again['login']['session_cookie'] == PROFILE['login']['session_cookie'], again
        assert again['logout']['path'] == PROFILE['logout']['path'], again
        assert again['login']['username_field'] == PROFILE['login']['username_field'], again
    # The draft's logout (the base profile's) is not on this firmware: the logout the page shows ended the
    # session, and the run says which logout.path to set.
    # The login is judged by the device's answer: the base's cookie name in the draft is a warning, not a failure.
    assert "set login.session_cookie: %s" % PROFILE['login']['session_cookie'] in second.output, second.output
    assert "set logout.path: %s" % PROFILE['logout']['path'] in second.output, second.output
    assert fleet.open_sessions() == {}

    # The second draft, used in turn: its own logout ends the session at once, no warning about it.
    inventory = inventory_of(fleet, tmp_path / 'draft-2-inventory.yml', tmp_path / 'probe-2' / 'profiles' / f'draft-{name}.yml')
    before = counters(fleet)
    third = run_playbook('probe.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'probe-3')})
    assert third.returncode == 0, third.output
    assert_no_write(fleet, before, 'third probe')
    after = counters(fleet)
    for printer in PRINTERS:
        assert after[printer]['logouts'] - before[printer]['logouts'] == 1, (printer, after[printer])
    assert 'logout.path' not in third.output and 'session_cookie' not in third.output, third.output
    assert fleet.open_sessions() == {} and total(fleet, 'lockouts') == 0
    assert fleet.password not in first.output + second.output + third.output
