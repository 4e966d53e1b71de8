"""A per-host module's failure reaches the report with the reason of its exception class, through the
rescue every playbook uses (playbooks/tasks/record_error.yml); a failure that has no reason gets the state of
its step, whatever words its message holds."""

import yaml
from conftest import PLAYBOOKS, load_report, write_yaml

# A site's own playbook over the collection's modules, recording failures as the collection's playbooks do.
SITE_PLAYBOOK = '''
- name: Read the printers the site's way
  hosts: printers
  connection: local
  gather_facts: false
  vars_files:
    - {playbooks}/vars/connection.yml
  module_defaults:
    group/printfleet.cloudmail.cloudmail: "{{{{ printer_connection }}}}"
  tasks:
    - name: Read and check
      block:
        - name: Read the printer's status
          printfleet.cloudmail.oauth_info:
          register: printer_status
          when: inventory_hostname != 'printer-0003'

        - name: A check of the site's own
          ansible.builtin.fail:
            msg: "connection refused: login refused, TLS certificate not accepted, task budget used up"
          when: inventory_hostname == 'printer-0003'
      rescue:
        - name: Record why the printer stopped
          ansible.builtin.include_tasks: {playbooks}/tasks/record_error.yml

    - name: Write the fleet report
      printfleet.cloudmail.fleet_report:
        dest: {reports}
        fail_on_attention: false
      run_once: true
'''


def test_the_reason_of_a_per_host_failure_travels_to_the_report(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=3, providers='microsoft', settle_seconds=0.5)
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    hosts = inventory['all']['children']['printers']['children']['microsoft']['hosts']
    # A profile file that cannot be read: the module's action plugin fails before any request.
    hosts['printer-0001']['cloudmail_profile_file'] = str(tmp_path / 'no-such-profile.yml')
    hosts['printer-0001'].pop('cloudmail_profile', None)
    # A printer slower than its task budget.
    hosts['printer-0002']['cloudmail_task_budget'] = 4
    fleet.control.faults('printer-0002', latency=2.5)
    reports = tmp_path / 'reports'
    playbook = tmp_path / 'site.yml'
    playbook.write_text(SITE_PLAYBOOK.format(playbooks=PLAYBOOKS, reports=reports), encoding='utf-8')

    run = run_playbook(str(playbook), write_yaml(tmp_path / 'inventory.yml', inventory))

    assert run.returncode == 0, run.output
    rows = {row['host']: row for row in load_report(reports)['printers']}
    # ProfileError: the profile is what to fix (its words name no "profile mismatch").
    assert rows['printer-0001']['state'] == 'profile_mismatch', rows['printer-0001']
    assert 'cannot read the profile file' in rows['printer-0001']['last_error']
    assert 'cloudmail_profile' in rows['printer-0001']['next_action']
    # TransportLimitError (the task budget used up) while reading: a printer that does not answer in time.
    assert rows['printer-0002']['state'] == 'unreachable_read', rows['printer-0002']
    assert 'cloudmail_task_budget' in rows['printer-0002']['last_error']
    # A failure without a reason: its words decide nothing; the message is kept for the person to read.
    assert rows['printer-0003']['state'] == 'step_failed', rows['printer-0003']
    assert 'connection refused' in rows['printer-0003']['last_error']
    assert fleet.control.printer('printer-0001')['counters']['writes'] == 0
