"""Start-up benchmark of the simulated fleet: one process, many printers.

    .venv/bin/python benchmarks/simulator_startup.py [--report] REPORT.md [--printers 1000]

Starts the fleet through the command line (as users and tests do), then measures the start-up
time, the resident memory of the simulator process and the latency of sample requests over
HTTPS (a fresh connection with its TLS handshake, a reused connection, a login with a status
page), and writes a short markdown report.
"""

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from simulator.printer import profiles  # noqa: E402  (after the path set-up)


def rss_mib(pid):
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    return float('nan')


def timed(call, repeat):
    samples = []
    for attempt in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('report', type=Path, nargs='?', help='markdown report to write')
    parser.add_argument('--report', type=Path, dest='report_option', help='same, as an option')
    parser.add_argument('--printers', type=int, default=1000)
    parser.add_argument('--samples', type=int, default=50)
    args = parser.parse_args()
    args.report = args.report or args.report_option
    if args.report is None:
        parser.error('give the report path (REPORT.md or --report REPORT.md)')

    with tempfile.TemporaryDirectory(prefix='simulator-bench-') as directory:
        command = [sys.executable, '-m', 'simulator', 'start', '--dir', directory, '--printers', str(args.printers)]
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True, text=True)
        startup = time.perf_counter() - started
        try:
            state = json.loads((Path(directory) / 'state.json').read_text())
            inventory_vars = __import__('yaml').safe_load((Path(directory) / 'inventory.yml').read_text())['all']['vars']
            rss_idle = rss_mib(state['pid'])
            printers = state['printers']
            pick = random.Random(1).choice

            def url(printer, path='/'):
                return f'https://{printer["address"]}:{printer["port"]}{path}'

            def fresh_connection():
                requests.get(url(pick(printers)), verify=state['ca_path'], timeout=10)

            kept = requests.Session()
            kept.trust_env = False
            one = printers[0]

            def reused_connection():
                kept.get(url(one), verify=state['ca_path'], timeout=10)

            def login_status_logout():
                printer = pick(printers)
                profile = profiles.PROFILES[printer['family']]
                session = requests.Session()
                session.trust_env = False
                login = profile['login']
                session.post(url(printer, login['path']), verify=state['ca_path'], allow_redirects=False, timeout=10,
                             data={**login['extra_fields'], login['username_field']: inventory_vars['cloudmail_username'],
                                   login['password_field']: inventory_vars['cloudmail_password']})
                page = session.get(url(printer, profile['providers'][printer['provider']]['status_path']),
                                   verify=state['ca_path'], allow_redirects=False, timeout=10)
                assert page.status_code == 200, page.status_code
                session.get(url(printer, profile['logout']['path']), verify=state['ca_path'],
                            allow_redirects=False, timeout=10)

            latencies = {'GET login page, new TLS connection': timed(fresh_connection, args.samples),
                         'GET login page, reused connection': timed(reused_connection, args.samples),
                         'login + status page + logout (3 requests, new connection)':
                             timed(login_status_logout, args.samples)}
            rss_after = rss_mib(state['pid'])
        finally:
            subprocess.run([sys.executable, '-m', 'simulator', 'stop', '--dir', directory], cwd=REPO_ROOT,
                           check=True, capture_output=True)

    lines = [
        '# Simulator start-up benchmark', '',
        f'`python benchmarks/simulator_startup.py` on {platform.machine()}, Python {platform.python_version()}, '
        f'{__import__("os").cpu_count()} CPU(s); one simulator process.', '',
        '| measure | value |', '|---|---|',
        f'| printers | {len(printers)} |',
        f'| `python -m simulator start` until every printer answered HTTPS | {startup:.1f} s |',
        f'| RSS of the simulator process, idle after start | {rss_idle:.0f} MiB |',
        f'| RSS after the latency samples | {rss_after:.0f} MiB |',
        '', f'Latency over {args.samples} samples each (milliseconds, median / max):', '',
        '| request | median | max |', '|---|---|---|',
        *(f'| {name} | {median:.1f} | {worst:.1f} |' for name, (median, worst) in latencies.items()),
    ]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
