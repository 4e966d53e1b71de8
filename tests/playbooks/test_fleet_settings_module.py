"""The deprecated fleet_settings module, run by a playbook of one's own: until its removal it is the rollout's
push step over the same fleet engine (check mode writes nothing, a failing printer fails alone with its step and
reason, no secret printed, no session left open)."""

import copy
import json

from conftest import write_yaml


def _playbook(tmp_path, answer, **arguments):
    return write_yaml(tmp_path / 'push.yml', [{
        'name': 'Push every printer', 'hosts': 'printers', 'gather_facts': False,
        'tasks': [{'name': 'Push the OAuth settings', 'printfleet.cloudmail.fleet_settings': arguments, 'run_once': True,
                   'register': 'pushed', 'ignore_errors': True},
                  {'name': 'Keep the result', 'run_once': True, 'delegate_to': 'localhost', 'check_mode': False,
                   'ansible.builtin.copy': {'content': '{{ pushed | to_nice_json }}', 'dest': str(answer)}}]}])


def test_the_deprecated_fleet_push_is_the_rollouts_push_step(simulated_fleet, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=2, providers='microsoft', settle_seconds=0.5)
    inventory = copy.deepcopy(fleet.inventory)
    wrong_password = 'not-the-password-%s' % fleet.password[-4:]
    for group in inventory['all']['children']['printers']['children'].values():
        if 'printer-0002' in group['hosts']:
            group['hosts']['printer-0002']['cloudmail_password'] = wrong_password
    inventory_path = write_yaml(tmp_path / 'inventory.yml', inventory)
    answer = tmp_path / 'pushed.json'

    check = run_playbook(str(_playbook(tmp_path, answer)), inventory_path, '--check')
    assert fleet.control.counters()['writes'] == 0, check.output
    planned = json.loads(answer.read_text())
    assert planned['printers']['printer-0001']['failed'] is False and planned['printers']['printer-0001']['changed']

    run = run_playbook(str(_playbook(tmp_path, answer, connection_required=True)), inventory_path)
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
