"""Every playbook fails, naming the cause and the validation command, when it would find no printer:
ansible-playbook itself skips every play with "no hosts matched" and exits 0."""

import pytest
from conftest import write_yaml

PLAYBOOKS = ('status.yml', 'rollout.yml', 'reauthorize.yml', 'rollback.yml', 'mail_test.yml', 'probe.yml')
PARSER_ERROR = 4   # ansible-playbook's exit code for an error before any play ran


@pytest.fixture
def tabbed_inventory(tmp_path):
    inventory = tmp_path / 'prod'
    inventory.mkdir()
    (inventory / 'hosts.yml').write_text('all:\n  children:\n    printers:\n      hosts:\n\tmfp-01:\n'
                                         '          cloudmail_host: 127.0.0.1\n')
    return inventory


@pytest.mark.parametrize('playbook', PLAYBOOKS)
def test_an_inventory_that_cannot_be_read_fails_every_playbook(run_playbook, tabbed_inventory, playbook):
    run = run_playbook(playbook, tabbed_inventory / 'hosts.yml', timeout=120)

    assert run.returncode == PARSER_ERROR, run.output
    assert 'No printer to run on: the inventory could not be read' in run.output
    # The parse error's own cause, with the file and line, and the command that checks the inventory.
    assert 'hosts.yml:5' in run.output and 'Tabs are usually invalid in YAML' in run.output
    assert 'inventory_validation.py -i %s' % (tabbed_inventory / 'hosts.yml') in run.output
    assert 'then run %s again' % playbook in run.output
    assert 'no hosts matched' not in run.output


def test_a_limited_run_of_a_broken_inventory_fails_too(run_playbook, tabbed_inventory):
    run = run_playbook('rollout.yml', tabbed_inventory, '--limit', 'mfp-01', timeout=120)

    assert run.returncode == PARSER_ERROR, run.output
    assert 'Tabs are usually invalid in YAML' in run.output


def test_a_limit_that_matches_no_printer_fails(run_playbook, tmp_path):
    inventory = write_yaml(tmp_path / 'hosts.yml', {'all': {
        'hosts': {'jump-host': {}},
        'children': {'printers': {'hosts': {'mfp-01': {'cloudmail_host': '127.0.0.1'}}}}}})

    run = run_playbook('status.yml', inventory, '--limit', 'jump-host', timeout=120)

    assert run.returncode == PARSER_ERROR, run.output
    assert '--limit jump-host matches no host of the group printers (it has 1: mfp-01)' in run.output


def test_an_inventory_without_the_printers_group_fails(run_playbook, tmp_path):
    inventory = write_yaml(tmp_path / 'hosts.yml', {'all': {'children': {'printer': {'hosts': {'mfp-01': {}}}}}})

    run = run_playbook('reauthorize.yml', inventory, timeout=120)

    assert run.returncode == PARSER_ERROR, run.output
    assert 'has no host in the group printers' in run.output
