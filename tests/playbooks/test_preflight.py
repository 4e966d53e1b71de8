"""Pre-flight before any write: a well-formed but unknown Microsoft tenant (or Google client) stops that
printer with nothing written, its working token untouched, while the rest of the fleet proceeds.

The controller reaches the fake clouds through the simulator's CONNECT proxy (cloudmail_cloud_proxy and
cloudmail_cloud_ca_path in the generated inventory), exactly as it would reach the real ones through a
corporate proxy; the production code has no test hook."""

import copy
import re

from conftest import token_status, write_yaml


def with_host_variables(fleet, tmp_path, **host_variables):
    inventory = copy.deepcopy(fleet.inventory)
    for group in inventory['all']['children']['printers']['children'].values():
        for name, variables in group['hosts'].items():
            variables.update(host_variables.get(name.replace('-', '_'), {}))
    return write_yaml(tmp_path / 'inventory.yml', inventory)


def test_an_unknown_tenant_is_stopped_before_any_write(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}
    first = run_playbook('rollout.yml', fleet.inventory_path, extra_vars=settings)
    assert first.returncode == 0, first.output

    # A plausible mistake: the mail domain instead of the tenant. --check --diff already refuses it...
    wrong = with_host_variables(fleet, tmp_path, printer_0001={'cloudmail_microsoft_tenant': 'contoso.com'})
    check = run_playbook('rollout.yml', wrong, '--check', '--diff', extra_vars=settings)
    assert "cloudmail_microsoft_tenant='contoso.com' is not a tenant Entra ID knows" in check.output
    before = fleet.control.printer('printer-0001')['counters']

    # ...and so does the real run: that printer keeps its token, the other one is configured as usual.
    run = run_playbook('rollout.yml', wrong, extra_vars=settings)
    assert run.returncode != 0
    assert 'printer-0001 (127.' in run.output and 'nothing was written to the printer' in run.output
    after = fleet.control.printer('printer-0001')['counters']
    assert after['writes'] == before['writes']
    assert after['logins'] == before['logins'] + 1  # only the fleet report's read, after the refusal
    assert token_status(fleet, 'printer-0001', 'microsoft')['status'] == 'active'
    assert token_status(fleet, 'printer-0002', 'microsoft')['status'] == 'active'
    assert run.recap()['printer-0002']['failed'] == 0


def test_an_unknown_google_client_is_stopped_before_any_write(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=1, providers='google', poll_interval=1, settle_seconds=0.5)
    unknown = '123456789012-0123456789abcdef0123456789abcdef.apps.googleusercontent.com'
    wrong = with_host_variables(fleet, tmp_path, printer_0001={'cloudmail_google_client_id': unknown})
    run = run_playbook('rollout.yml', wrong, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports')})
    assert run.returncode != 0
    assert f"cloudmail_google_client_id='{unknown}' is not a client Google knows" in run.output
    assert fleet.control.printer('printer-0001')['counters']['writes'] == 0


def test_a_skewed_device_clock_is_stopped_before_any_write(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    fleet.control.change_device_clock('printer-0001', 3600)
    run = run_playbook('rollout.yml', fleet.inventory_path, extra_vars={
        'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60})
    assert run.returncode != 0
    assert re.search(r"printer-0001 \(127\.[\d.]+:\d+\): pre-flight failed, nothing was written to the printer: "
                     r"the printer's clock is 3[56]\d\d s ahead of the controller's", run.output), run.output
    assert 'cloudmail_clock_tolerance' in run.output
    assert fleet.control.printer('printer-0001')['counters']['writes'] == 0
    assert token_status(fleet, 'printer-0002', 'microsoft')['status'] == 'active'


def test_a_profile_that_does_not_match_the_login_form_is_stopped_in_the_pre_flight(simulated_fleet, run_playbook,
                                                                                   tmp_path):
    fleet = simulated_fleet(printers=1, families='imagerunner_advance', providers='microsoft', settle_seconds=0.5)
    profile = tmp_path / 'site-profile.yml'
    profile.write_text('extends: isensys_mf\nlogin: {form_path: /login, path: /login, username_field: i0019, '
                       'password_field: i2101}\n', encoding='utf-8')
    wrong = with_host_variables(fleet, tmp_path, printer_0001={'cloudmail_profile_file': str(profile)})
    run = run_playbook('rollout.yml', wrong, extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports')})
    assert run.returncode != 0
    assert 'pre-flight failed, nothing was written to the printer' in run.output
    assert "the login form at /login has no field 'i0019'" in run.output
    counters = fleet.control.counters()
    assert counters['logins'] == 0 and counters['failed_logins'] == 0 and counters['writes'] == 0
    assert fleet.password not in run.output


def test_the_preflight_module_checks_each_printer_on_its_own(simulated_fleet, run_playbook, tmp_path):
    """The per-host module (for playbooks of one's own): the same checks, nothing written, the password unseen."""
    fleet = simulated_fleet(printers=2, providers='microsoft', settle_seconds=0.5)
    fleet.control.change_device_clock('printer-0001', 3600)
    playbook = write_yaml(tmp_path / 'preflight.yml', [{
        'name': 'Pre-flight every printer', 'hosts': 'printers', 'gather_facts': False,
        'tasks': [{'name': 'Check the printer before any write', 'printfleet.cloudmail.preflight': {},
                   'register': 'checked', 'ignore_errors': True},
                  {'name': 'Show the checks', 'ansible.builtin.debug': {'msg': '{{ checked.checks }}'}}]}])
    run = run_playbook(str(playbook), fleet.inventory_path)
    # printer-0001 failed (its failure ignored, so that the checks can be shown), printer-0002 passed.
    assert re.search(r'^printer-0001\s+:.*failed=0.*ignored=1', run.output, re.MULTILINE), run.output
    assert re.search(r'^printer-0002\s+:.*failed=0.*ignored=0', run.output, re.MULTILINE), run.output
    assert re.search(r"printer-0001 \(127\.[\d.]+:\d+\): pre-flight failed, nothing was written to the printer: "
                     r"the printer's clock is 3[56]\d\d s ahead of the controller's", run.output), run.output
    for check in ('microsoft_tenant', 'login_form'):
        assert re.search(r'"name": "%s",\s+"ok": true' % check, run.output), run.output
    assert fleet.control.counters()['writes'] == 0 and fleet.control.counters()['open_sessions'] == 0
    assert fleet.password not in run.output
