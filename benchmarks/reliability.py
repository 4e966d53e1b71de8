"""Reliability run: a large simulated fleet, a share of it hostile, two operators at once.

    .venv/bin/python benchmarks/reliability.py --printers 1000 --report docs/reliability.md

1. A fleet of Microsoft printers (both families) starts; --faulty-percent of them (every tenth by
   default) get one fault each, the kinds taken in turn: every transport fault of the simulator
   (simulator/printer.py TRANSPORT_FAULTS) and every control fault (latency, HTTP 500, dropped
   connections, busy, offline, sessions expired).
2. Check mode: rollout.yml --check over a slice of the fleet; no write may reach a printer.
3. Run 1: two operators at once, rollout.yml over two overlapping halves of the fleet (two
   ansible-playbook processes); then the re-run: rollout.yml over the whole fleet, the transient
   faults over, the hostile printers still hostile.
4. After each run: printers converged (token active and the tenant the inventory asks for),
   settings wrong, administrator sessions left open, failed logins and lockouts, secrets in any
   output or report file, and the longest time one task held a worker for a hostile printer
   (benchmarks/callback_plugins/task_durations.py).
5. Google at scale (--google-printers, 200 by default): a fleet of Google printers, rollout.yml
   without codes, every authorization URL consented to at once, then rollout.yml with all the codes
   as extra vars; how many tokens are active and how old the oldest code was when it was used.
6. Bad inputs: the property-based validation tests (tests/playbooks/test_validation_properties.py)
   with their counts (tried, refused, crashed).
Prints the figures and writes them to --report. Not part of make test; timing is reported here,
never asserted in a test. Only loopback addresses are used.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from simulator.client import SimulatedFleet, run_cli  # noqa: E402  (after the path set-up)

BIN = Path(sys.executable).parent
ROLLOUT = REPO_ROOT / 'playbooks' / 'rollout.yml'
# kind -> (fault for the control interface, transient: over before the re-run)
FAULTS = {
    'trickle_headers': ({'transport': 'trickle_headers', 'transport_scope': 'all'}, False),
    'trickle_body': ({'transport': 'trickle_body'}, False),
    'oversized': ({'transport': 'oversized'}, False),
    'redirect_host': ({'transport': 'redirect_host'}, False),
    'truncated': ({'transport': 'truncated'}, False),
    'tls_failure': ({'transport': 'tls_failure'}, False),
    'reset_post': ({'transport': 'reset_post'}, False),
    'latency_3s': ({'latency': 3.0}, False),
    'http_500': ({'http_500': 2}, True),
    'drop': ({'drop': 2}, True),
    'busy': ({'busy': 2}, True),
    'offline': ({'offline': 60}, True),
    'sessions_expired': ({'expire_sessions': True}, True),
}


def environment(workdir, durations):
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO_ROOT / 'build'), ANSIBLE_NOCOLOR='1',
                ANSIBLE_HOST_KEY_CHECKING='0', ANSIBLE_RETRY_FILES_ENABLED='0',
                ANSIBLE_LOCAL_TEMP=str(workdir / 'ansible-tmp'),
                ANSIBLE_CALLBACK_PLUGINS=str(REPO_ROOT / 'benchmarks' / 'callback_plugins'),
                ANSIBLE_CALLBACKS_ENABLED='task_durations', CLOUDMAIL_DURATIONS=str(durations),
                PATH='%s%s%s' % (BIN, os.pathsep, os.environ.get('PATH', '')))


def start_rollout(inventory, workdir, name, forks, durations, *arguments, limit=None):
    log = open(workdir / f'{name}.log', 'w', encoding='utf-8')
    command = [str(BIN / 'ansible-playbook'), '-i', str(inventory), str(ROLLOUT), '-f', str(forks),
               '-e', json.dumps({'cloudmail_report_dir': str(workdir / f'reports-{name}'),
                                 'cloudmail_authorization_timeout': 120, 'cloudmail_timeout': 5,
                                 'cloudmail_retries': 2, 'cloudmail_task_budget': 60,
                                 'cloudmail_fail_on_attention': False}), *arguments]
    if limit:
        command += ['--limit', limit]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                               env=environment(workdir, durations), cwd=workdir)
    return process, log, time.monotonic()


def finish(started, timeout):
    """Wait for (process, log, start) triples; returns their wall times and exit codes."""
    results = []
    for process, log, start in started:
        try:
            code = process.wait(timeout=max(1, timeout - (time.monotonic() - start)))
        except subprocess.TimeoutExpired:
            process.terminate()
            code = 'killed after %d s' % timeout
        log.close()
        results.append((round(time.monotonic() - start, 1), code))
    return results


def inventory_for(fleet, names, path):
    inventory = yaml.safe_load(fleet.inventory_path.read_text())
    for group in inventory['all']['children']['printers']['children'].values():
        group['hosts'] = {name: host for name, host in (group.get('hosts') or {}).items() if name in names}
    path.write_text(yaml.safe_dump(inventory, sort_keys=False))
    return path


def fleet_figures(fleet, tenant, faulty):
    states = {name: fleet.control.printer(name) for name in fleet.printers}
    converged, wrong = [], []
    for name, state in states.items():
        settings = state['settings'].get('microsoft') or {}
        token = state['token'].get('microsoft') or {}
        if settings.get('enabled') and tenant not in json.dumps(settings):
            wrong.append(name)
        if token.get('status') == 'active' and name not in wrong:
            converged.append(name)
    by_kind = Counter(kind for name, kind in faulty.items() if name in converged)
    return {
        'converged': len(converged),
        'converged_healthy': len([name for name in converged if name not in faulty]),
        'converged_faulty_by_kind': dict(by_kind),
        'settings_wrong': len(wrong),
        'sessions_open': sum(state['counters']['open_sessions'] for state in states.values()),
        'failed_logins': sum(state['counters']['failed_logins'] for state in states.values()),
        'lockouts': len([1 for state in states.values() if state.get('locked_until', 0) or
                         'locked' in json.dumps(state.get('login', ''))]),
        'writes': sum(state['counters']['writes'] for state in states.values()),
    }


def secrets_found(workdir, secrets):
    found = []
    for path in workdir.rglob('*'):
        if path.is_file() and path.suffix in ('.log', '.json', '.csv', '.html'):
            text = path.read_text(errors='replace')
            found += ['%s in %s' % ('secret', path.name) for secret in secrets if secret and secret in text]
    return found


def longest_hold(durations, faulty):
    """(seconds, host, task): the longest time one task held a worker for a hostile printer."""
    longest = (0.0, '', '')
    if durations.exists():
        for line in durations.read_text().splitlines():
            record = json.loads(line)
            if record['host'] in faulty and record['seconds'] > longest[0]:
                longest = (record['seconds'], record['host'], record['task'])
    return longest


GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://\S+)')
GOOGLE_CODE_LIFETIME = 600


def google_at_scale(printers, forks, workdir, timeout):
    """Google codes given at the start of a rollout, as the user guide says, on a fleet of ``printers``.

    Run 1 (no codes) pushes the settings and lists every printer's authorization URL; the simulated
    person consents to all of them at once; run 2 is rollout.yml with every code as extra vars. Each
    code must be entered within Google's 600 s: the figure is the oldest code's age when its printer
    exchanged it (the printer's token time minus the consent time).
    """
    fleet_dir = workdir / 'google-fleet'
    run_cli('start', '--dir', str(fleet_dir), '--printers', str(printers), '--providers', 'google',
            '--settle-seconds', '0.5', '--start-timeout', '600')
    fleet = SimulatedFleet(fleet_dir)
    try:
        for name in fleet.printers:
            fleet.control.faults(name, latency=0.1)
        durations = workdir / 'google-durations.jsonl'
        first = finish([start_rollout(fleet.inventory_path, workdir, 'google-run1', forks, durations)], timeout)
        urls = dict(GOOGLE_ROW.findall((workdir / 'google-run1.log').read_text()))
        consented_at = time.time()
        codes = {host: fleet.control.google_consent(url)['code'] for host, url in sorted(urls.items())}
        codes_file = workdir / 'google-codes.yml'
        codes_file.write_text(yaml.safe_dump({'cloudmail_google_authorization_codes': codes}))
        second = finish([start_rollout(fleet.inventory_path, workdir, 'google-run2', forks, durations,
                                       '-e', '@%s' % codes_file)], timeout)
        states = {name: fleet.control.printer(name) for name in fleet.printers}
        tokens = {name: state['token'].get('google') or {} for name, state in states.items()}
        active = [name for name, token in tokens.items() if token.get('status') == 'active']
        ages = [token['refreshed_at'] - consented_at for token in tokens.values() if token.get('refreshed_at')]
        return {
            'printers': printers, 'urls_listed': len(urls), 'active': len(active),
            'rejected': len([1 for token in tokens.values() if token.get('status') != 'active']),
            'oldest_code_age': round(max(ages), 1) if ages else None,
            'wall_seconds': [first[0][0], second[0][0]], 'exit_codes': [first[0][1], second[0][1]],
            'sessions_open': sum(state['counters']['open_sessions'] for state in states.values()),
            'secrets_found': secrets_found(workdir, [fleet.password] + list(codes.values())),
        }
    finally:
        fleet.stop()


def property_counts(workdir, scale):
    report = workdir / 'properties.json'
    subprocess.run([sys.executable, '-m', 'pytest', str(REPO_ROOT / 'tests' / 'playbooks' / 'test_validation_properties.py'),
                    '-q', '-p', 'no:cacheprovider'], cwd=REPO_ROOT,
                   env=dict(os.environ, CLOUDMAIL_PROPERTY_REPORT=str(report), CLOUDMAIL_PROPERTY_SCALE=str(scale)),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=3600, check=False)
    return json.loads(report.read_text()) if report.exists() else {}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--printers', type=int, default=1000)
    parser.add_argument('--faulty-percent', type=float, default=10)
    parser.add_argument('--forks', type=int, default=25, help='forks of each operator\'s run')
    parser.add_argument('--check-slice', type=int, default=50, help='printers of the check-mode run')
    parser.add_argument('--timeout', type=int, default=5400, help='seconds one run may take')
    parser.add_argument('--skip-properties', action='store_true', help='do not run the property-based tests')
    parser.add_argument('--property-scale', type=float, default=4,
                        help='CLOUDMAIL_PROPERTY_SCALE of the property-based tests (4: 1232 invalid, 200 valid)')
    parser.add_argument('--google-printers', type=int, default=200,
                        help='printers of the Google phase (codes given at the start of a rollout); 0 skips it')
    parser.add_argument('--report', type=Path, default=REPO_ROOT / 'build' / 'reliability.md')
    parser.add_argument('--render', type=Path, help='only write --report from the figures (JSON) of an earlier run')
    args = parser.parse_args()
    if args.render:
        figures = json.loads(args.render.read_text())
        args.forks, args.faulty_percent = figures['forks'], figures['faulty_percent']
        args.report.write_text(markdown(figures, args))
        return

    workdir = Path(tempfile.mkdtemp(prefix='reliability-'))
    started_at = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    fleet_dir = workdir / 'fleet'
    run_cli('start', '--dir', str(fleet_dir), '--printers', str(args.printers), '--providers', 'microsoft',
            '--auto-approve-seconds', '2', '--poll-interval', '1', '--settle-seconds', '0.5',
            '--start-timeout', '600')
    fleet = SimulatedFleet(fleet_dir)
    try:
        names = sorted(fleet.printers)
        tenant = fleet.inventory['all']['children']['printers']['children']['microsoft']['vars'][
            'cloudmail_microsoft_tenant']
        every = max(1, round(100 / args.faulty_percent))
        kinds = list(FAULTS)
        faulty = {name: kinds[index % len(kinds)] for index, name in enumerate(names[every - 1::every])}
        figures = {'printers': len(names), 'faulty': len(faulty), 'faults_by_kind': dict(Counter(faulty.values()))}
        durations = workdir / 'durations.jsonl'

        # Check mode on a slice (before any fault: a check run must write nothing even when all goes well).
        check_names = names[:args.check_slice]
        writes_before = sum(fleet.control.printer(name)['counters']['writes'] for name in check_names)
        check = [start_rollout(fleet.inventory_path, workdir, 'check', args.forks, workdir / 'check.jsonl', '--check',
                               limit=','.join(check_names))]
        finish(check, args.timeout)
        figures['check_mode_printers'] = len(check_names)
        figures['check_mode_writes'] = sum(fleet.control.printer(name)['counters']['writes']
                                           for name in check_names) - writes_before

        for name, kind in faulty.items():
            fleet.control.faults(name, **FAULTS[kind][0])

        # Run 1: two operators, overlapping thirds: A has the first 60 %, B the last 60 %.
        cut_a, cut_b = int(len(names) * 0.6), int(len(names) * 0.4)
        inventory_a = inventory_for(fleet, set(names[:cut_a]), workdir / 'operator-a.yml')
        inventory_b = inventory_for(fleet, set(names[cut_b:]), workdir / 'operator-b.yml')
        runs = finish([start_rollout(inventory_a, workdir, 'run1-operator-a', args.forks, durations),
                       start_rollout(inventory_b, workdir, 'run1-operator-b', args.forks, durations)], args.timeout)
        figures['run1'] = dict(fleet_figures(fleet, tenant, faulty), wall_seconds=[run[0] for run in runs],
                               exit_codes=[run[1] for run in runs], overlap=cut_a - cut_b)

        # The transient faults are over by now (counts used up, offline ended); the hostile stay hostile.
        time.sleep(max(0, 65 - min(runs)[0]))
        runs = finish([start_rollout(fleet.inventory_path, workdir, 'rerun', args.forks * 2, durations)], args.timeout)
        figures['rerun'] = dict(fleet_figures(fleet, tenant, faulty), wall_seconds=[runs[0][0]],
                                exit_codes=[runs[0][1]])

        seconds, host, task = longest_hold(durations, faulty)
        figures['longest_hold'] = {'seconds': seconds, 'host': host, 'fault': faulty.get(host, ''), 'task': task}
        secrets = [fleet.password]
        figures['secrets_found'] = secrets_found(workdir, secrets)
        figures['transport_faulty'] = len([name for name, kind in faulty.items() if 'transport' in FAULTS[kind][0]])
    finally:
        fleet.stop()
    figures['google'] = google_at_scale(args.google_printers, args.forks, workdir, args.timeout) \
        if args.google_printers else None
    figures['bad_inputs'] = {} if args.skip_properties else property_counts(workdir, args.property_scale)
    figures['machine'] = '%s, %d cores, Python %s' % (platform.machine(), os.cpu_count(), platform.python_version())
    figures['date'] = started_at
    figures['command'] = ' '.join(['benchmarks/reliability.py'] + sys.argv[1:])
    figures['forks'], figures['faulty_percent'] = args.forks, args.faulty_percent
    print(json.dumps(figures, indent=1))
    (workdir / 'figures.json').write_text(json.dumps(figures, indent=1))
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(markdown(figures, args))
    print('written: %s (work files in %s)' % (args.report, workdir))


def markdown(f, args):
    r1, r2 = f['run1'], f['rerun']
    faults = ', '.join('%s %d' % (kind, count) for kind, count in sorted(f['faults_by_kind'].items()))
    bad = f['bad_inputs']
    bad_line = ('%d invalid inventories and profile files tried, %d refused clearly (host and variable named), '
                '%d crashed; %d of them run through rollout.yml: %d refused with 0 writes and 0 logins; valid '
                'variants: %d accepted, %d refused' % (
                    bad.get('invalid generated', 0), bad.get('invalid refused', 0), bad.get('crashed', 0),
                    bad.get('rollout runs', 0), bad.get('rollout refused, 0 writes, 0 logins', 0),
                    bad.get('valid accepted', 0), bad.get('valid refused', 0))) if bad else 'not run (--skip-properties)'
    absent = sorted(set(FAULTS) - set(f['faults_by_kind']))
    absent_note = (' (%s: not drawn at this size, where fewer printers are faulty than there are kinds)'
                   % ', '.join(absent)) if absent else ''
    size_note = '' if f['printers'] >= 1000 else (
        '\n**This run used %d printers, not the full 1000** (a shared 2-core machine); `make reliability` '
        'runs the full size.\n' % f['printers'])
    return f'''# Reliability

How the collection behaves on a large fleet where a share of the printers is hostile, with two
operators running at once. Produced by `make reliability` (`{f['command']}`), on {f['date']}
({f['machine']}); the figures below are that run's. The method is in the docstring of
`benchmarks/reliability.py`; in short:
{size_note}
- A simulated fleet of {f['printers']} Microsoft printers (both families), {f['faulty']} of them
  ({args.faulty_percent:g} %) faulty, one fault each, taken in turn from every fault the simulator can inject:
  {faults}{absent_note}. Transport faults and the 3 s latency last for the whole run (the printer stays hostile);
  HTTP 500, dropped connections, busy answers, 60 s offline and expired sessions are transient.
- Check mode first: `rollout.yml --check` over {f['check_mode_printers']} printers.
- Run 1: two operators at once, `rollout.yml` with {args.forks} forks each over two overlapping parts of
  the fleet ({r1['overlap']} printers in both). Then the re-run: `rollout.yml` over the whole fleet.
- Each run: `cloudmail_timeout` 5 s, `cloudmail_retries` 2, `cloudmail_task_budget` 60 s; the simulated
  person approves every Microsoft code after 2 s.

| Figure | Run 1 (two operators) | Re-run |
|---|---|---|
| printers converged (token active, the inventory's tenant) | {r1['converged']} of {f['printers']} | {r2['converged']} of {f['printers']} |
| healthy printers converged | {r1['converged_healthy']} of {f['printers'] - f['faulty']} | {r2['converged_healthy']} of {f['printers'] - f['faulty']} |
| faulty printers converged, by fault | {_kinds(r1)} | {_kinds(r2)} |
| settings wrong | {r1['settings_wrong']} | {r2['settings_wrong']} |
| administrator sessions left open | {r1['sessions_open']} | {r2['sessions_open']} |
| failed logins / lockouts | {r1['failed_logins']} / {r1['lockouts']} | {r2['failed_logins']} / {r2['lockouts']} |
| wall time (s) | {' and '.join(str(s) for s in r1['wall_seconds'])} | {r2['wall_seconds'][0]} |

- Check-mode writes: **{f['check_mode_writes']}** (over {f['check_mode_printers']} printers).
- Secrets (device password) found in outputs, logs and report files: **{len(f['secrets_found'])}**.
- Longest time one hostile printer held a worker (a thread of a fleet-wide task, or a per-host task):
  **{f['longest_hold']['seconds']} s** ({f['longest_hold']['fault']}, task "{f['longest_hold']['task']}"); the bound is
  `cloudmail_task_budget` plus at most 5 s for the logout, whatever the device does, and the other printers
  go on in the other threads meanwhile.
- Bad inputs (tests/playbooks/test_validation_properties.py): {bad_line}.
{_google_lines(f.get('google'), args)}
- The {f['transport_faulty']} printers with a transport fault stay hostile and cannot converge; each is reported
  with a message naming its inventory host, address, port, page and the limit it hit
  (tests/playbooks/test_transport_faults.py checks those messages), and the report sends it to check
  `cloudmail_host`, `cloudmail_port` and `cloudmail_timeout`.
- TLS renegotiation failure is not among the faults: TLS 1.3 has no renegotiation and Python's `ssl`
  module cannot start one from the server side, so the simulator fails the TLS handshake instead
  (`tls_failure`).
'''


def _google_lines(google, args):
    if not google:
        return '- Google at scale: not run (--google-printers 0).'
    return (
        '- Google at scale: a second fleet of %d Google printers (100 ms added to every request), `rollout.yml` with '
        '%d forks. Run 1 without codes listed %d authorization URLs; the simulated person consented to all of them '
        'at once and run 2 got every code as extra vars (`-e @google-codes.yml`), as the user guide says. After '
        'run 2: **%d of %d** tokens active, %d not; the oldest code was **%s s** old when its printer used it '
        '(Google: %d s); %d administrator sessions left open; secrets (password, codes) found in outputs and '
        'reports: %d. Wall time: %s s (run 1) and %s s (run 2).' % (
            google['printers'], args.forks, google['urls_listed'], google['active'], google['printers'],
            google['rejected'], google['oldest_code_age'], GOOGLE_CODE_LIFETIME, google['sessions_open'],
            len(google['secrets_found']), google['wall_seconds'][0], google['wall_seconds'][1]))


def _kinds(run):
    return ', '.join('%s %d' % item for item in sorted(run['converged_faulty_by_kind'].items())) or 'none'


if __name__ == '__main__':
    main()
