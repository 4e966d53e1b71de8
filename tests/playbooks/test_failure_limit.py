"""A failing printer never stops the others, unless the operator set a failure limit per batch."""

from conftest import load_report


def test_failure_limit_stops_later_batches_but_every_printer_is_reported(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=4, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    fleet.control.faults('printer-0001', offline=600)
    reports = tmp_path / 'reports'
    run = run_playbook('rollout.yml', fleet.inventory_path, extra_vars={
        'cloudmail_serial': 2, 'cloudmail_max_fail_percentage': 0, 'cloudmail_report_dir': str(reports),
        'cloudmail_authorization_timeout': 60, 'cloudmail_retries': 1})

    assert run.returncode != 0
    writes = {name: fleet.control.printer(name)['counters']['writes'] for name in fleet.printers}
    # The first batch ran to its end (printer-0002 is configured and authorized despite printer-0001)...
    assert writes['printer-0001'] == 0 and writes['printer-0002'] > 0
    # ...and the limit kept the second batch untouched.
    assert writes['printer-0003'] == writes['printer-0004'] == 0
    rows = {row['host']: row for row in load_report(reports)['printers']}
    assert sorted(rows) == sorted(fleet.printers)
    assert rows['printer-0002']['token_status'] == 'active'
    assert rows['printer-0003']['token_status'] == rows['printer-0004']['token_status'] == 'inactive'
    assert rows['printer-0001']['last_error']
    # Each printer is told the playbook that works: the offline one and the untouched ones need rollout.yml.
    assert rows['printer-0001']['state'] == 'unreachable'
    for name in ('printer-0001', 'printer-0003', 'printer-0004'):
        assert rows[name]['next_action'].endswith('rollout.yml') or 'run rollout.yml' in rows[name]['next_action']


def test_without_a_limit_a_failing_printer_never_stops_the_rest(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=4, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    fleet.control.faults('printer-0001', offline=600)
    run = run_playbook('rollout.yml', fleet.inventory_path, extra_vars={
        'cloudmail_serial': 2, 'cloudmail_report_dir': str(tmp_path / 'reports'),
        'cloudmail_authorization_timeout': 60, 'cloudmail_retries': 1})

    assert run.returncode != 0
    for name in ('printer-0002', 'printer-0003', 'printer-0004'):
        assert fleet.control.printer(name)['token']['microsoft']['status'] == 'active'
