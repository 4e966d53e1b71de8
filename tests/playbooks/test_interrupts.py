"""A rollout interrupted as an operator, AWX or the out-of-memory killer would: sessions end, nothing writes after.

A real ``rollout.yml`` runs in its own process group (as in a terminal, where Ctrl-C reaches the
whole foreground group) against a simulated fleet whose printers answer slowly, so that several
printers are in the middle of their session when the signal comes. Then: the exit code and the
time to exit, the administrator sessions still open right after the exit, the writes the
simulator counts after the exit, processes left behind, and a re-run that converges.
"""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN, PLAYBOOKS, REPO_ROOT

PRINTERS = 24
FORKS = 6
LATENCY = 0.4
# What one interrupt may take at most: the request in flight (LATENCY here) and the logout.
EXIT_BOUND = 15.0
# Printers in the middle of their session before the signal is sent.
MID_SESSION = 3
FIGURES = os.environ.get('CLOUDMAIL_INTERRUPT_FIGURES')


def process_table():
    """pid -> (parent pid, state) of every process, from /proc."""
    table = {}
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / 'stat').read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(')') + 2:].split()
        table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def descendants(pid):
    """Every living process started (directly or not) by ``pid``."""
    table = process_table()
    found, frontier = set(), {pid}
    while frontier:
        children = {child for child, (parent, state) in table.items() if parent in frontier and state != 'Z'}
        frontier = children - found
        found |= children
    return found


def alive(pids):
    table = process_table()
    return {pid for pid in pids if pid in table and table[pid][1] != 'Z'}


class Rollout:
    """``rollout.yml`` started in a process group of its own, its output in a file."""

    def __init__(self, ansible_env, fleet, tmp_path, name, playbook='rollout.yml'):
        self.output_path = tmp_path / ('%s.log' % name)
        self.reports = tmp_path / 'reports'
        command = [str(BIN / 'ansible-playbook'), '-i', str(fleet.inventory_path), str(PLAYBOOKS / playbook),
                   '-f', str(FORKS), '-e', json.dumps({
                       'cloudmail_report_dir': str(self.reports), 'cloudmail_authorization_timeout': 60,
                       'cloudmail_retries': 1})]
        # Appended to, as a terminal is: the workers write there too (after Ctrl-C the controller no longer shows their lines).
        with open(self.output_path, 'a', encoding='utf-8') as output:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                            env=ansible_env, cwd=str(REPO_ROOT), start_new_session=True)

    def output(self):
        return self.output_path.read_text(encoding='utf-8', errors='replace')

    def wait(self, timeout):
        return self.process.wait(timeout=timeout)


@pytest.fixture
def slow_fleet(simulated_fleet):
    def start():
        fleet = simulated_fleet(printers=PRINTERS, providers='microsoft', auto_approve_seconds=1, poll_interval=1,
                                settle_seconds=0.5, latency=LATENCY)
        return fleet
    return start


def mid_session(fleet, rollout, minimum=MID_SESSION, timeout=120):
    """Wait until at least ``minimum`` printers hold a session and some printer was written to."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counters = fleet.control.counters()
        if counters['open_sessions'] >= minimum and counters['writes'] > 0:
            return counters
        assert rollout.process.poll() is None, rollout.output()
        time.sleep(0.05)
    pytest.fail('never %d printers in a session at once:\n%s' % (minimum, rollout.output()))


def rerun_converges(fleet, run_playbook, reports):
    for name in fleet.printers:
        fleet.control.faults(name, latency=0)
    run = run_playbook('rollout.yml', fleet.inventory_path, '-f', str(FORKS), extra_vars={
        'cloudmail_report_dir': str(reports), 'cloudmail_authorization_timeout': 60})
    assert run.returncode == 0, run.output
    tokens = {name: fleet.control.printer(name)['token']['microsoft']['status'] for name in fleet.printers}
    assert set(tokens.values()) == {'active'}, tokens
    assert fleet.control.counters()['open_sessions'] == 0
    return 'converged %d/%d' % (len(tokens), len(tokens))


def records(reports):
    return [json.loads(path.read_text()) for path in sorted(Path(reports).glob('interrupted-*.json'))]


def figures(row):
    """The measured figures, for docs/reliability.md (set CLOUDMAIL_INTERRUPT_FIGURES to a file)."""
    if FIGURES:
        with open(FIGURES, 'a', encoding='utf-8') as out:
            out.write(json.dumps(row) + '\n')


def wait_for_end(pids, since):
    """Seconds from ``since`` until every process of ``pids`` ended (at most EXIT_BOUND)."""
    while alive(pids) and time.monotonic() < since + EXIT_BOUND:
        time.sleep(0.02)
    assert alive(pids) == set(), 'processes of the run left %.1f s after the signal' % EXIT_BOUND
    return time.monotonic() - since


@pytest.mark.parametrize('signum', [signal.SIGINT, signal.SIGTERM], ids=['sigint', 'sigterm'])
def test_an_interrupt_stops_the_rollout_and_every_session_ends(slow_fleet, ansible_env, run_playbook, tmp_path, signum):
    fleet = slow_fleet()
    rollout = Rollout(ansible_env, fleet, tmp_path, 'interrupted')
    before = mid_session(fleet, rollout)
    group = descendants(rollout.process.pid)
    assert group, 'no worker process was running'
    sent = time.monotonic()
    # As a terminal sends Ctrl-C (or AWX its cancel): to the whole process group.
    os.killpg(rollout.process.pid, signum)
    code = rollout.wait(timeout=60)
    exit_seconds = time.monotonic() - sent
    at_exit = fleet.control.counters()
    # Every process of the run ends within the bound, each printer in progress logged out.
    seconds = wait_for_end(group, sent)
    after = fleet.control.counters()
    output = rollout.output()

    assert code != 0, output
    if signum == signal.SIGINT:
        # ansible-playbook waits for its workers after Ctrl-C: every session ended before it exited.
        assert at_exit['open_sessions'] == 0, (at_exit, output)
    # (After SIGTERM ansible-playbook ends at once, as Ansible does; its workers end right after it.)
    assert after['open_sessions'] == 0, (after, output)
    assert fleet.open_sessions() == {}
    # Not every printer was done: the interrupt stopped starting new ones, and the run recorded each one.
    record = records(rollout.reports)
    assert len(record) == 1, output
    states = [entry['state'] for entry in record[0]['printers'].values()]
    assert len(states) == PRINTERS and 'not started' in states, record
    if signum == signal.SIGINT:
        assert record[0]['reason'] == 'Ctrl-C (SIGINT)', record
    else:
        # The controller passes SIGTERM on, then ends at once: the worker may notice either first.
        assert 'SIGTERM' in record[0]['reason'] or 'the controller (process %d) is gone' % rollout.process.pid in \
            record[0]['reason'], record
    # The operator was told, on the controller's output, while ansible-playbook still runs.
    if signum == signal.SIGINT:
        assert 'no other printer is started' in output and 'recorded in %s' % rollout.reports in output, output
    time.sleep(LATENCY + 2)
    later = fleet.control.counters()
    assert later['writes'] == after['writes'] and later['requests'] == after['requests'], (after, later)

    converged = rerun_converges(fleet, run_playbook, rollout.reports)
    figures({'interrupt': signal.Signals(signum).name, 'exit': code, 'exit_seconds': round(exit_seconds, 1),
             'seconds': round(seconds, 1), 'in_session': before['open_sessions'],
             'sessions_at_exit': at_exit['open_sessions'], 'sessions_left': after['open_sessions'],
             'writes_after': later['writes'] - at_exit['writes'], 'states': sorted(states), 'rerun': converged})


def test_a_second_ctrl_c_exits_at_once_and_the_sessions_still_end(slow_fleet, ansible_env, tmp_path):
    fleet = slow_fleet()
    rollout = Rollout(ansible_env, fleet, tmp_path, 'twice')
    mid_session(fleet, rollout)
    group = descendants(rollout.process.pid)
    sent = time.monotonic()
    os.killpg(rollout.process.pid, signal.SIGINT)
    time.sleep(0.1)
    os.killpg(rollout.process.pid, signal.SIGINT)
    # The second Ctrl-C ends ansible-playbook at once (Ansible's own handling)...
    assert rollout.wait(timeout=10) == -signal.SIGINT
    exit_seconds = time.monotonic() - sent
    assert exit_seconds < 1.0
    at_exit = fleet.control.counters()
    # ...and the collection's processes still log their printers out and end within the bound.
    seconds = wait_for_end(group, sent)
    after = fleet.control.counters()
    assert after['open_sessions'] == 0
    time.sleep(LATENCY + 2)
    assert fleet.control.counters()['writes'] == after['writes']
    figures({'interrupt': 'SIGINT twice', 'exit': -signal.SIGINT, 'exit_seconds': round(exit_seconds, 1),
             'seconds': round(seconds, 1), 'sessions_at_exit': at_exit['open_sessions'],
             'sessions_left': after['open_sessions'], 'writes_after': after['writes'] - at_exit['writes']})


def test_a_killed_controller_leaves_no_process_and_no_write(slow_fleet, ansible_env, run_playbook, tmp_path):
    fleet = slow_fleet()
    rollout = Rollout(ansible_env, fleet, tmp_path, 'killed')
    before = mid_session(fleet, rollout)
    group = descendants(rollout.process.pid)
    assert group, 'no worker process was running'
    killed = time.monotonic()
    os.kill(rollout.process.pid, signal.SIGKILL)   # ansible-playbook only, as the out-of-memory killer does
    assert rollout.wait(timeout=10) == -signal.SIGKILL
    at_kill = fleet.control.counters()
    # Every process of the run ends with it, at the latest after its request in flight and its logout.
    seconds = wait_for_end(group, killed)
    at_exit = fleet.control.counters()
    time.sleep(5)
    later = fleet.control.counters()
    assert later['writes'] == at_exit['writes'] and later['requests'] == at_exit['requests'], (at_exit, later)
    assert later['open_sessions'] == 0, later
    # Writes stop with the controller: at most the request in flight of each printer in progress came after it.
    assert at_exit['writes'] - at_kill['writes'] <= before['open_sessions'], (at_kill, at_exit)
    output = rollout.output()
    record = records(rollout.reports)
    assert len(record) == 1 and 'the controller (process %d) is gone' % rollout.process.pid in record[0]['reason'], (
        record, output)

    converged = rerun_converges(fleet, run_playbook, rollout.reports)
    figures({'interrupt': 'SIGKILL of ansible-playbook', 'exit': -signal.SIGKILL, 'exit_seconds': 0.0,
             'seconds': round(seconds, 1), 'in_session': before['open_sessions'],
             'sessions_at_exit': at_kill['open_sessions'], 'sessions_left': later['open_sessions'],
             'writes_after': later['writes'] - at_kill['writes'], 'writes_after_end': later['writes'] - at_exit['writes'],
             'states': sorted(entry['state'] for entry in record[0]['printers'].values()), 'rerun': converged})


def test_ctrl_c_during_the_wait_for_sign_ins_ends_it_at_once(simulated_fleet, ansible_env, run_playbook, tmp_path):
    fleet = simulated_fleet(printers=6, providers='microsoft', poll_interval=1, settle_seconds=0.5)
    rollout = Rollout(ansible_env, fleet, tmp_path, 'waiting')
    deadline = time.monotonic() + 120
    while 'Waiting for sign-ins' not in rollout.output():
        assert rollout.process.poll() is None and time.monotonic() < deadline, rollout.output()
        time.sleep(0.1)
    sent = time.monotonic()
    os.killpg(rollout.process.pid, signal.SIGINT)
    code = rollout.wait(timeout=60)
    seconds = time.monotonic() - sent
    output = rollout.output()
    assert code == 99, output
    # The wait ends at the stop, not at its timeout (60 s): only the polls in progress finish.
    assert seconds < EXIT_BOUND, output
    assert fleet.control.counters()['open_sessions'] == 0
    record = [entry for entry in records(rollout.reports) if entry['task'] == 'authorization_wait']
    assert len(record) == 1, output
    assert sorted(record[0]['printers']) == sorted(fleet.printers)
    assert all('still waiting for a sign-in' in entry['msg'] for entry in record[0]['printers'].values()), record
    # The codes shown are still valid: a person signs in, and the re-run (reauthorize) finds the tokens.
    for pending in fleet.control.entra_pending():
        fleet.control.entra_approve(pending['user_code'])
    run = run_playbook('reauthorize.yml', fleet.inventory_path, extra_vars={
        'cloudmail_report_dir': str(rollout.reports), 'cloudmail_authorization_timeout': 60})
    assert run.returncode == 0, run.output
    assert {fleet.control.printer(name)['token']['microsoft']['status'] for name in fleet.printers} == {'active'}


def test_ctrl_c_during_a_task_per_printer_ends_every_session(simulated_fleet, ansible_env, tmp_path):
    # probe.yml: one task per printer (a worker process each), each a long session of page reads.
    fleet = simulated_fleet(printers=12, settle_seconds=0.5, latency=0.3)
    rollout = Rollout(ansible_env, fleet, tmp_path, 'probe', playbook='probe.yml')
    deadline = time.monotonic() + 120
    while fleet.control.counters()['open_sessions'] < MID_SESSION:
        assert rollout.process.poll() is None and time.monotonic() < deadline, rollout.output()
        time.sleep(0.05)
    group = descendants(rollout.process.pid)
    sent = time.monotonic()
    os.killpg(rollout.process.pid, signal.SIGINT)
    code = rollout.wait(timeout=60)
    at_exit = fleet.control.counters()
    assert code == 99, rollout.output()
    assert time.monotonic() - sent < EXIT_BOUND
    # Each worker's session stopped after its request in flight and logged out before the run exited.
    assert at_exit['open_sessions'] == 0, at_exit
    wait_for_end(group, sent)
    time.sleep(LATENCY + 2)
    assert fleet.control.counters()['requests'] == at_exit['requests']
