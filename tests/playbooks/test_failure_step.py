"""A per-host module's failure carries its step and reason, and the playbooks' rescue blocks record that step
(printer_error_step) from the failed result: the report needs no module name to know which step failed."""

import copy
import json

from conftest import PLAYBOOKS, write_yaml


def test_the_rescue_records_the_failed_modules_step_and_reason(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', settle_seconds=0.5)
    inventory = copy.deepcopy(fleet.inventory)
    wrong_password = 'not-the-password-%s' % fleet.password[-4:]
    for group in inventory['all']['children']['printers']['children'].values():
        if 'printer-0002' in group['hosts']:
            group['hosts']['printer-0002']['cloudmail_password'] = wrong_password
    playbook = write_yaml(tmp_path / 'read.yml', [{
        'name': 'Read every printer, one task each', 'hosts': 'printers', 'connection': 'local', 'gather_facts': False,
        'vars_files': [str(PLAYBOOKS / 'vars' / 'connection.yml')],
        'module_defaults': {'group/printfleet.cloudmail.cloudmail': '{{ printer_connection }}'},
        'tasks': [
            {'name': 'Read', 'block': [{'name': 'Read the status', 'printfleet.cloudmail.oauth_info': {}}],
             'rescue': [{'name': 'Record', 'ansible.builtin.include_tasks': str(PLAYBOOKS / 'tasks' / 'record_error.yml')}]},
            {'name': 'Keep what was recorded', 'delegate_to': 'localhost',
             'ansible.builtin.copy': {'dest': str(tmp_path / 'recorded-{{ inventory_hostname }}.json'), 'content':
                                      '{{ [printer_error_step | default(None), printer_error_reason | default(None)] '
                                      '| to_json }}'}}]}])
    run = run_playbook(str(playbook), write_yaml(tmp_path / 'inventory.yml', inventory))
    steps = dict((name, json.loads((tmp_path / ('recorded-%s.json' % name)).read_text())) for name in fleet.printers)
    assert steps['printer-0002'] == ['read', 'wrong_password'], run.output
    assert steps['printer-0001'] == [None, None], run.output
    assert fleet.control.counters()['open_sessions'] == 0
    assert fleet.password not in run.output and wrong_password not in run.output
