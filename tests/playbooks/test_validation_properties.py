"""Property-based: generated inventories through the validation command (in-process, the bulk) and through
real ``ansible-playbook playbooks/rollout.yml`` against a simulated fleet (a sample).

Every invalid inventory is refused with the host and the variable (or, for a file Ansible cannot read, the
file) in the message, without a traceback and without a secret; every valid one is accepted; the rollout
writes nothing and logs in nowhere.

Size: CLOUDMAIL_PROPERTY_SCALE multiplies the number of examples (default 1: 14 invalid of each of the 22
kinds, 308 in all, 50 valid, and 10 kinds once each through the rollout; 4 for the full run: 1232 invalid,
200 valid, and 2 of each of the 22 kinds through the rollout). With CLOUDMAIL_PROPERTY_REPORT=FILE the counts are
written to FILE as JSON.
"""

import contextlib
import importlib.util
import io
import json
import os
import traceback
from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings

from conftest import REPO_ROOT
from inventory_cases import CLIENT_SECRET, HOST, KINDS, PASSWORD, VAULT_PASSWORD, Fixtures, invalid_cases, valid_cases

SCALE = float(os.environ.get('CLOUDMAIL_PROPERTY_SCALE', '1'))
INVALID_EXAMPLES_PER_KIND = int(14 * SCALE)
VALID_EXAMPLES = int(50 * SCALE)
ROLLOUT_EXAMPLES_PER_KIND = max(1, round(SCALE / 2))
# The default run sends one inventory of each of these kinds through the rollout; a scaled run every kind.
ROLLOUT_KINDS = KINDS if SCALE > 1 else ['template', 'vault', '!unsafe', 'YAML anchor', 'bad number', 'bad host',
                                         'CA file', 'file: YAML syntax', 'YAML tag', 'unknown variable']
SECRETS = (PASSWORD, CLIENT_SECRET, VAULT_PASSWORD)


def _load_command():
    spec = importlib.util.spec_from_file_location(
        'inventory_validation_command', REPO_ROOT / 'plugins' / 'plugin_utils' / 'inventory_validation.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMMAND = _load_command()


def _settings(examples):
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])


def run_command(fixtures, inventory):
    """The validation command in this process: exit code, output, and the traceback if it raised."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = COMMAND.main(['-i', str(inventory), '--vault-password-file', str(fixtures.vault_password_file)])
    except BaseException:   # a crash is what is counted here, whatever it is
        return None, stdout.getvalue() + stderr.getvalue(), traceback.format_exc()
    return code, stdout.getvalue() + stderr.getvalue(), ''


def judge_invalid(case, code, output, crash):
    """'refused' when the command refused the case clearly, else what went wrong."""
    if crash or 'Traceback' in output:
        return 'crashed'
    if any(secret in output for secret in SECRETS):
        return 'secret shown'
    if case.broken_file:
        named = code == 2 and case.expected_file in output
    else:
        named = code == 1 and any(line.startswith('%s: ' % HOST) and case.expected_variable in line.split(': ')[1]
                                  for line in output.splitlines())
    if named:
        return 'refused'
    return 'accepted' if code == 0 else 'refused unclearly'


@pytest.fixture(scope='module')
def fixtures(tmp_path_factory):
    return Fixtures(tmp_path_factory.mktemp('generated-inventories'))


@pytest.fixture(scope='module')
def counts():
    counts = Counter()
    yield counts
    report = os.environ.get('CLOUDMAIL_PROPERTY_REPORT')
    if report:
        with open(report, 'w', encoding='utf-8') as report_file:
            json.dump(dict(counts), report_file, indent=1, sort_keys=True)


@pytest.mark.parametrize('kind', KINDS)
def test_generated_invalid_inventories_are_refused_naming_host_and_variable(fixtures, counts, kind):
    generated = Counter()

    @_settings(INVALID_EXAMPLES_PER_KIND)
    @given(case=invalid_cases(fixtures, kind=kind))
    def check(case):
        code, output, crash = run_command(fixtures, fixtures.write(case))
        outcome = judge_invalid(case, code, output, crash)
        generated[outcome] += 1
        counts['invalid generated'] += 1
        counts['invalid ' + outcome] += 1
        assert outcome == 'refused', '%s (%s, expected %s): exit %s\n%s%s' % (
            outcome, case.kind, case.expected_variable or case.expected_file, code, output, crash)

    check()
    assert generated['refused'] >= INVALID_EXAMPLES_PER_KIND * 0.8


def test_generated_valid_inventories_are_accepted(fixtures, counts):
    @_settings(VALID_EXAMPLES)
    @given(case=valid_cases(fixtures))
    def check(case):
        code, output, crash = run_command(fixtures, fixtures.write(case))
        counts['valid generated'] += 1
        counts['valid accepted' if code == 0 and not crash else 'valid refused'] += 1
        assert code == 0 and not crash, 'exit %s\n%s%s' % (code, output, crash)
        assert not any(secret in output for secret in SECRETS)

    check()
    assert counts['valid accepted'] >= VALID_EXAMPLES * 0.9


def _fleet_printers(fleet):
    """Each simulated printer's variables, as one flat mapping (all vars, group vars, host vars)."""
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    everything = inventory['all']
    printers = {}
    for group in everything['children']['printers']['children'].values():
        for name, variables in group['hosts'].items():
            printers[name] = dict(everything['vars'], **group.get('vars', {}), **variables)
    return printers


def test_a_sample_of_invalid_inventories_never_reaches_a_printer(simulated_fleet, run_playbook, fixtures, counts,
                                                                 tmp_path):
    fleet = simulated_fleet(printers=2, settle_seconds=0.5)
    (first, printer), (other_name, other) = sorted(_fleet_printers(fleet).items())
    vault_arguments = ['--vault-password-file', str(fixtures.vault_password_file)]

    def check(case):
        case.other_hosts = {other_name: other}   # a valid printer beside it is stopped too
        inventory = fixtures.write(case)
        run = run_playbook('rollout.yml', inventory, *vault_arguments,
                           extra_vars={'cloudmail_report_dir': str(tmp_path / 'reports')})
        counters = fleet.control.counters()
        counts['rollout runs'] += 1
        assert run.returncode != 0, run.output
        if case.broken_file:
            # Ansible itself stops (group_vars), or the playbook finds no printer (hosts file) and says why,
            # naming the file, line and column of the parse error.
            assert 'YAML parsing failed' in run.output and (
                'No printer to run on: the inventory could not be read: %s' % inventory in run.output
                or case.broken_file == 'group_vars'), run.output
        else:
            assert '%s: %s' % (HOST, case.expected_variable) in run.output, '%s: %s not named\n%s' % (
                case.kind, case.expected_variable, run.output)
        assert 'Traceback' not in run.output
        assert not any(secret in run.output for secret in (PASSWORD, fleet.password))
        assert counters['writes'] == 0 and counters['logins'] == 0, (case.kind, counters)
        counts['rollout refused, 0 writes, 0 logins'] += 1

    # Each kind in turn (a single draw over all kinds would favour the first ones).
    for kind in ROLLOUT_KINDS:
        _settings(ROLLOUT_EXAMPLES_PER_KIND)(given(case=invalid_cases(fixtures, kind=kind, printer=printer))(check))()
    assert first != other_name
    assert counts['rollout runs'] >= len(ROLLOUT_KINDS) * ROLLOUT_EXAMPLES_PER_KIND
