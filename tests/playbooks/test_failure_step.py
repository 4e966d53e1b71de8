"""A failed printer carries its step and reason: a per-host module's failure (which the playbooks' rescue blocks
record as printer_error_step, so the report needs no module name) and the deprecated fleet_settings module, which
until its removal is the rollout's push step over the same fleet engine (check mode writes nothing, a failing
printer fails alone with its step and reason, no secret printed, no session left open)."""

import copy
import json

from conftest import PLAYBOOKS, write_yaml


def _second_printer_refuses_the_password(fleet, tmp_path):
    """The fleet's inventory with a wrong password for printer-0002: ``(inventory path, wrong password)``."""
    inventory = copy.deepcopy(fleet.inventory)
    wrong_password = 'not-the-password-%s' % fleet.password[-4:]
    for group in inventory['all']['children']['printers']['children'].values():
        if 'printer-0002' in group['hosts']:
            group['hosts']['printer-0002']['cloudmail_password'] = wrong_password
    return write_yaml(tmp_path / 'inventory.yml', inventory), wrong_password


def test_the_rescue_records_the_failed_modules_step_and_reason(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', settle_seconds=0.5)
    inventory_path, wrong_password = _second_printer_refuses_the_password(fleet, tmp_path)
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
    run = run_playbook(str(playbook), inventory_path)
    steps = dict((name, json.loads((tmp_path / ('recorded-%s.json' % name)).read_text())) for name in fleet.printers)
    assert steps['printer-0002'] == ['read', 'wrong_password'], run.output
    assert steps['printer-0001'] == [None, None], run.output
    assert fleet.control.counters()['open_sessions'] == 0
    assert fleet.password not in run.output and wrong_password not in run.output


def _push_playbook(tmp_path, answer, **arguments):
    return write_yaml(tmp_path / 'push.yml', [{
        'name': 'Push every printer', 'hosts': 'printers', 'gather_facts': False,
        'tasks': [{'name': 'Push the OAuth settings', 'printfleet.cloudmail.fleet_settings': arguments, 'run_once': True,
                   'register': 'pushed', 'ignore_errors': True},
                  {'name': 'Keep the result', 'run_once': True, 'delegate_to': 'localhost', 'check_mode': False,
                   'ansible.builtin.copy': {'content': '{{ pushed | to_nice_json }}', 'dest': str(answer)}}]}])


def test_the_deprecated_fleet_push_is_the_rollouts_push_step(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', settle_seconds=0.5)
    inventory_path, wrong_password = _second_printer_refuses_the_password(fleet, tmp_path)
    answer = tmp_path / 'pushed.json'

    check = run_playbook(str(_push_playbook(tmp_path, answer)), inventory_path, '--check')
    assert fleet.control.counters()['writes'] == 0, check.output
    planned = json.loads(answer.read_text())
    assert planned['printers']['printer-0001']['failed'] is False and planned['printers']['printer-0001']['changed']

    run = run_playbook(str(_push_playbook(tmp_path, answer, connection_required=True)), inventory_path)
    pushed = json.loads(answer.read_text())
    first, second = pushed['printers']['printer-0001'], pushed['printers']['printer-0002']
    assert not first['failed'] and first['changed'] and first['connection_status'] and first['token_status']
    assert fleet.control.printer('printer-0001')['counters']['writes'] > 0
    assert second['failed'] and second['step'] == 'settings' and second['reason'] == 'wrong_password'
    assert second['msg'].startswith('printer-0002 (127.') and 'login refused' in second['msg']
    assert fleet.control.printer('printer-0002')['counters']['writes'] == 0
    assert pushed['failed_hosts'] == ['printer-0002'] and 'facts' not in first
    assert fleet.control.counters()['open_sessions'] == 0
    for output in (check.output, run.output, answer.read_text()):
        assert fleet.password not in output and wrong_password not in output
