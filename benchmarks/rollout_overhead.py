"""Where a fleet run's time goes: the controller's own cost per printer versus the device's latency.

    .venv/bin/python benchmarks/rollout_overhead.py --printers 100 --forks 25 --report docs/performance-rollout.md

Starts a simulated fleet, then runs the real playbooks with real ansible-playbook:
1. rollout.yml (push, authorize with the simulated person approving, report) on every printer;
2. status.yml (read-only) twice: with the simulator answering at once, then with every printer
   answering each request after an added latency, as slow real devices do.
For each run it records the wall time and the CPU time of ansible-playbook and everything it
started (the controller's cost), and writes a short markdown report. The simulator is another
process, so its CPU is not counted as the controller's.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from simulator.client import SimulatedFleet, run_cli  # noqa: E402  (after the path set-up)


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_playbook(name, fleet, forks, settings, environment):
    command = [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', str(fleet.inventory_path),
               str(REPO_ROOT / 'playbooks' / name), '--forks', str(forks), '-e', json.dumps(settings)]
    cpu_before, started = children_cpu_seconds(), time.perf_counter()
    completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               env=environment, cwd=REPO_ROOT, check=False)
    wall, cpu = time.perf_counter() - started, children_cpu_seconds() - cpu_before
    if completed.returncode:
        raise SystemExit('%s failed:\n%s' % (name, completed.stdout[-4000:] + completed.stderr[-2000:]))
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--printers', type=int, default=100)
    parser.add_argument('--forks', type=int, default=25)
    parser.add_argument('--latency', type=float, default=0.5, help='seconds added to every device request')
    parser.add_argument('--report', type=Path, required=True)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix='rollout-benchmark-'))
    collections = workdir / 'collections' / 'ansible_collections' / 'printfleet'
    collections.mkdir(parents=True)
    (collections / 'cloudmail').symlink_to(REPO_ROOT)
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(workdir / 'collections'), ANSIBLE_NOCOLOR='1',
                       PATH='%s%s%s' % (Path(sys.executable).parent, os.pathsep, os.environ.get('PATH', '')))
    settings = {'cloudmail_report_dir': str(workdir / 'reports'), 'cloudmail_interactive': False,
                'cloudmail_authorization_timeout': 120}

    fleet_dir = workdir / 'fleet'
    run_cli('start', '--dir', str(fleet_dir), '--printers', str(args.printers), '--providers', 'microsoft',
            '--auto-approve-seconds', '1', '--poll-interval', '1', '--settle-seconds', '0.5')
    try:
        fleet = SimulatedFleet(fleet_dir)
        runs = [('rollout.yml, first run (push, authorize, report)',) + run_playbook(
            'rollout.yml', fleet, args.forks, settings, environment)]
        runs.append(('status.yml (read-only), device answers at once',) + run_playbook(
            'status.yml', fleet, args.forks, settings, environment))
        for name in fleet.printers:
            fleet.control.faults(name, latency=args.latency)
        runs.append(('status.yml, device adds %.1f s to every request' % args.latency,) + run_playbook(
            'status.yml', fleet, args.forks, settings, environment))
        open_sessions = fleet.control.counters()['open_sessions']
    finally:
        run_cli('stop', '--dir', str(fleet_dir))

    lines = [
        '# Fleet run cost: controller versus device',
        '',
        'Measured by `benchmarks/rollout_overhead.py --printers %d --forks %d --latency %s` on %s, %d cores, '
        'Python %s. Real `ansible-playbook` against the simulated fleet over HTTPS on loopback; controller CPU '
        'is the CPU time of ansible-playbook and every process it started.' % (
            args.printers, args.forks, args.latency, platform.machine(), os.cpu_count(), platform.python_version()),
        '',
        '| run | wall time | per printer (wall / forks) | controller CPU | controller CPU per printer |',
        '|---|---|---|---|---|',
    ]
    for label, wall, cpu in runs:
        lines.append('| %s | %.1f s | %.2f s | %.1f s | %.2f s |' % (
            label, wall, wall * args.forks / args.printers, cpu, cpu / args.printers))
    lines += ['', 'Admin sessions left open on the fleet afterwards: %d.' % open_sessions, '']
    args.report.write_text('\n'.join(lines))
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
