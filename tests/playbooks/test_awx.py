"""The rollout under ansible-runner, the engine AWX runs jobs with, split into job slices.

AWX job slicing runs the same playbook once per slice of the inventory; here each slice is an
ansible-runner job with --limit, and merge_reports.yml joins the slices' reports.
"""

import json

import ansible_runner

from conftest import PLAYBOOKS, load_report


def run_job(playbook, inventory, directory, ansible_env, extravars, limit=None):
    """One AWX-like job: its own private data directory, no terminal, artifacts kept."""
    directory.mkdir()
    return ansible_runner.run(
        private_data_dir=str(directory), playbook=str(PLAYBOOKS / playbook), inventory=str(inventory),
        extravars=extravars, limit=limit, envvars=ansible_env, quiet=True, timeout=300)


def test_sliced_rollout_under_ansible_runner_and_merged_report(simulated_fleet, ansible_env, tmp_path):
    fleet = simulated_fleet(printers=4, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                            settle_seconds=0.5)
    reports = tmp_path / 'reports'
    slices = {101: 'printer-0001,printer-0003', 102: 'printer-0002,printer-0004'}

    for job_id, limit in slices.items():
        # AWX runs the job in a pseudo-terminal and always passes awx_job_id: that, not the
        # terminal, tells the play that nobody is there to answer a prompt.
        slice_name = f'job{job_id}'
        job = run_job('rollout.yml', fleet.inventory_path, tmp_path / slice_name, ansible_env, limit=limit,
                      extravars={'awx_job_id': job_id, 'cloudmail_report_dir': str(reports),
                                 'cloudmail_authorization_timeout': 60})
        assert (job.status, job.rc) == ('successful', 0), job.stdout.read()
        slice_report = load_report(reports, slice_name)
        assert [row['host'] for row in slice_report['printers']] == sorted(limit.split(','))
        assert {row['token_status'] for row in slice_report['printers']} == {'active'}

    merge = run_job('merge_reports.yml', fleet.inventory_path, tmp_path / 'merge', ansible_env,
                    extravars={'cloudmail_report_dir': str(reports)})
    assert (merge.status, merge.rc) == ('successful', 0), merge.stdout.read()
    merged = load_report(reports, 'merged')
    assert [(row['host'], row['token_status']) for row in merged['printers']] == [
        (f'printer-000{n}', 'active') for n in range(1, 5)]
    assert merged['summary']['by_token_status'] == {'active': 4}

    # Every printer is done: the fleet kept no session open, and nothing a job kept leaks a secret.
    assert fleet.control.counters()['open_sessions'] == 0
    for artifact in tmp_path.rglob('*'):
        if artifact.is_file() and 'artifacts' in artifact.parts:
            assert fleet.password not in artifact.read_text(errors='replace'), artifact
    events = [json.loads(path.read_text()) for path in (tmp_path / 'job101').rglob('job_events/*.json')]
    assert any(event.get('event') == 'playbook_on_stats' for event in events)


def test_ansible_runner_without_a_person_ends_with_a_summary(simulated_fleet, ansible_env, tmp_path):
    # ansible-runner gives the play a pseudo-terminal but nobody answers: no prompt, no hang.
    fleet = simulated_fleet(printers=2, providers='microsoft', poll_interval=1, settle_seconds=0.5)
    job = run_job('rollout.yml', fleet.inventory_path, tmp_path / 'job', ansible_env,
                  extravars={'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 12,
                             'cloudmail_authorization_rounds': 1})
    output = job.stdout.read()
    assert job.status == 'failed' and job.rc != 0, output
    assert 'Waiting for sign-ins: 2 code(s) left (printer-0001, printer-0002)' in output
    assert '2 printer(s) still wait for a sign-in' in output and 'reauthorize.yml' in output
    assert 'cloudmail_authorization_timeout' in output
    assert fleet.control.counters()['open_sessions'] == 0


def test_ansible_runner_succeeds_when_the_sign_ins_are_done(simulated_fleet, ansible_env, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', auto_approve_seconds=2, poll_interval=1,
                            settle_seconds=0.5)
    job = run_job('rollout.yml', fleet.inventory_path, tmp_path / 'job', ansible_env,
                  extravars={'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60})
    assert (job.status, job.rc) == ('successful', 0), job.stdout.read()
    assert {row['token_status'] for row in load_report(tmp_path / 'reports')['printers']} == {'active'}
