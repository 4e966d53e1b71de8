"""The README's way in: the playbooks run from a checkout without ANSIBLE_COLLECTIONS_PATH (ansible.cfg
finds the collection), and as printfleet.cloudmail.* after `make install`, from any directory."""

import os
import subprocess

from conftest import BIN, REPO_ROOT, load_report


def environment_without_collections_path(tmp_path):
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
               ANSIBLE_HOME=str(tmp_path / 'ansible-home'),  # no copy installed for this user
               PATH='%s%s%s' % (BIN, os.pathsep, os.environ.get('PATH', '')))
    for name in ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_CONFIG'):
        env.pop(name, None)
    return env


def run(command, cwd, env):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL, check=False)


def test_readme_step_4_runs_from_the_checkout(simulated_fleet, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft')
    env = environment_without_collections_path(tmp_path)
    assert run(['make', '-s', 'collection-tree'], REPO_ROOT, env).returncode == 0  # what `make demo` leaves
    reports = tmp_path / 'reports'
    status = run([str(BIN / 'ansible-playbook'), '-i', str(fleet.inventory_path), 'playbooks/status.yml',
                  '-e', f'cloudmail_report_dir={reports}', '-e', 'cloudmail_fail_on_attention=false'], REPO_ROOT, env)
    assert 'could not resolve the module_defaults group' not in status.stdout + status.stderr
    assert status.returncode == 0, status.stdout + status.stderr
    assert [row['host'] for row in load_report(reports)['printers']] == ['printer-0001', 'printer-0002']


def test_make_install_then_the_playbooks_by_name_from_anywhere(simulated_fleet, tmp_path):
    fleet = simulated_fleet(printers=1, providers='microsoft')
    collections = tmp_path / 'collections'
    env = environment_without_collections_path(tmp_path)
    installed = run(['make', '-s', 'install', f'COLLECTIONS_PATH={collections}'], REPO_ROOT, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (collections / 'ansible_collections/printfleet/cloudmail/playbooks/rollback.yml').is_file()

    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    env['ANSIBLE_COLLECTIONS_PATH'] = str(collections)
    reports = tmp_path / 'reports'
    for playbook in ('printfleet.cloudmail.status', 'printfleet.cloudmail.rollback'):
        result = run([str(BIN / 'ansible-playbook'), playbook, '-i', str(fleet.inventory_path), '--check',
                      '-e', f'cloudmail_report_dir={reports}', '-e', 'cloudmail_fail_on_attention=false'],
                     elsewhere, env)
        assert result.returncode == 0, result.stdout + result.stderr
    assert fleet.control.counters()['writes'] == 0
