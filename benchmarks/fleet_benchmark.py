"""Fleet benchmark: the collection against a bare thread-pool client and a plain uri playbook.

    .venv/bin/python benchmarks/fleet_benchmark.py --sizes 100 1000 --uri-sizes 100 \\
        --report docs/performance.md --plot docs/performance-fleet.png

For every fleet size and every (work, client) pair it starts a fresh simulated fleet (Microsoft
printers of both families, every device request delayed by --latency seconds), runs the work
once and records:
- wall time; controller CPU (user + system of the measured process and everything it started,
  from getrusage(RUSAGE_CHILDREN)); peak controller memory (sum of the resident sets of the
  process tree, sampled every 0.2 s); requests and logins per printer (the simulator's counters);
  administrator sessions left open; failed printers.
Works: push (the collection: benchmarks/playbooks/collection_push.yml, the configuration task of
rollout.yml without pre-flight, SMTP and sign-in), status (the collection: playbooks/status.yml) and rollout (the collection only:
playbooks/rollout.yml without a terminal, the simulated person approving every code after 1 s).
Clients: collection, bare (benchmarks/reference_client.py, 50 threads, the collection's requests),
minimal (the same client, only the requests the work strictly needs), uri (benchmarks/playbooks/uri_*.yml).
Every run is bounded by --timeout; only loopback is used.
Timing is reported here and never asserted in a test.
"""

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.reference_client import MICROSOFT_AUTHORITY, load_profiles, push_fields  # noqa: E402
from simulator.client import SimulatedFleet, run_cli  # noqa: E402  (after the path set-up)

BIN = Path(sys.executable).parent
CLIENTS = ('collection', 'bare', 'minimal', 'uri')
WORKS = ('push', 'status', 'rollout')
PLAYBOOKS = {
    ('push', 'collection'): REPO_ROOT / 'benchmarks' / 'playbooks' / 'collection_push.yml',
    ('status', 'collection'): REPO_ROOT / 'playbooks' / 'status.yml',
    ('rollout', 'collection'): REPO_ROOT / 'playbooks' / 'rollout.yml',
    ('push', 'uri'): REPO_ROOT / 'benchmarks' / 'playbooks' / 'uri_push.yml',
    ('status', 'uri'): REPO_ROOT / 'benchmarks' / 'playbooks' / 'uri_status.yml',
}
PAGE_SIZE = os.sysconf('SC_PAGE_SIZE')


# --------------------------------------------------------------------------- measuring

def process_tree_rss(root):
    """Resident bytes of ``root`` and all its descendants, from /proc."""
    children, rss = {}, {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry, 'rb') as stat:
                fields = stat.read().rsplit(b')', 1)[1].split()
            with open('/proc/%s/statm' % entry, 'rb') as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue     # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


class PeakMemory(threading.Thread):
    def __init__(self, pid, interval=0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.interval):
            self.peak = max(self.peak, process_tree_rss(self.pid))


def measured_run(command, environment, timeout):
    """Run a command; its wall time, CPU of its process tree, peak tree RSS, exit status and output tail."""
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   env=environment, cwd=REPO_ROOT, start_new_session=True)
        sampler = PeakMemory(process.pid)
        sampler.start()
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            returncode = 'timeout'
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        output.seek(0)
        text = output.read().decode('utf-8', 'replace')
    cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
    return {'wall': wall, 'cpu': cpu, 'peak_rss': sampler.peak, 'returncode': returncode, 'output': text[-3000:]}


# --------------------------------------------------------------------------- the runs

def reference_profiles():
    """Paths and field names per family for the uri playbooks, from the collection's profiles."""
    profiles = {}
    for family, profile in load_profiles().items():
        login, pages = profile['login'], profile['providers']['microsoft']
        profiles[family] = {
            'login_path': login['path'], 'login_fields': login['extra_fields'],
            'username_field': login['username_field'], 'password_field': login['password_field'],
            'session_cookie': login['session_cookie'], 'logout_path': profile['logout']['path'],
            'edit_path': pages['edit_path'], 'status_path': pages['status_path'],
            'token_field': profile['token_field'], 'timestamp_field': profile['timestamp_field'],
            'push_fields': push_fields(profile, 'microsoft', MICROSOFT_AUTHORITY), 'authority_url': MICROSOFT_AUTHORITY}
    return profiles


def command_for(work, client, fleet, forks, workdir):
    if client in ('bare', 'minimal'):
        return [sys.executable, str(REPO_ROOT / 'benchmarks' / 'reference_client.py'), '--fleet-dir',
                str(fleet.directory), '--work', work, '--threads', str(forks),
                '--requests', 'same' if client == 'bare' else 'minimal']
    extra = {'reference_profiles': reference_profiles()} if client == 'uri' else {
        'cloudmail_report_dir': str(workdir / 'reports'), 'cloudmail_interactive': False,
        'cloudmail_authorization_timeout': 300, 'cloudmail_fail_on_attention': False}
    extra_file = workdir / 'extra-vars.json'
    extra_file.write_text(json.dumps(extra))
    return [str(BIN / 'ansible-playbook'), '-i', str(fleet.inventory_path), str(PLAYBOOKS[(work, client)]),
            '--forks', str(forks), '-e', '@%s' % extra_file]


def run_one(work, client, size, args, environment, workdir, command_line):
    fleet_dir = workdir / ('fleet-%s-%s-%d' % (work, client, size))
    run_cli('start', '--dir', str(fleet_dir), '--printers', str(size), '--providers', 'microsoft',
            '--settle-seconds', str(args.settle), '--auto-approve-seconds', '1', '--poll-interval', '1',
            '--start-timeout', '300')
    try:
        fleet = SimulatedFleet(fleet_dir)
        for name in fleet.printers:
            fleet.control.faults(name, latency=args.latency)
        before = fleet.control.counters()
        measured = measured_run(command_for(work, client, fleet, args.forks, workdir), environment, args.timeout)
        after = fleet.control.counters()
    finally:
        run_cli('stop', '--dir', str(fleet_dir))
    result = {'work': work, 'client': client, 'printers': size, 'forks': args.forks, 'command': command_line,
              'load_average': os.getloadavg()[0], **measured,
              'requests': after['requests'] - before['requests'], 'logins': after['logins'] - before['logins'],
              'writes': after['writes'] - before['writes'], 'open_sessions': after['open_sessions']}
    print('%(work)s %(client)s %(printers)d: %(wall).1f s wall, %(cpu).1f s CPU, %(requests)d requests, '
          'exit %(returncode)s' % result, flush=True)
    if result['returncode'] not in (0, 'timeout'):
        print(result['output'], file=sys.stderr)
    return result


# --------------------------------------------------------------------------- the report

def mib(value):
    return value / (1024 * 1024)


def find(results, work, client, size):
    for result in results:
        if (result['work'], result['client'], result['printers']) == (work, client, size):
            return result
    return None


def outcome(result):
    if result['returncode'] == 'timeout':
        return 'timed out'
    return 'ok' if result['returncode'] == 0 else 'exit %s' % result['returncode']


def table(results):
    lines = ['| work | client | printers | wall | controller CPU | CPU per printer | requests per printer '
             '| logins per printer | peak controller memory | sessions left open | outcome |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    order = {name: index for index, name in enumerate(WORKS + CLIENTS)}
    for r in sorted(results, key=lambda r: (order[r['work']], r['printers'], order[r['client']])):
        lines.append('| %s | %s | %d | %.1f s | %.1f s | %.3f s | %.1f | %.1f | %.0f MiB | %d | %s |' % (
            r['work'], r['client'], r['printers'], r['wall'], r['cpu'], r['cpu'] / r['printers'],
            r['requests'] / r['printers'], r['logins'] / r['printers'], mib(r['peak_rss']), r['open_sessions'],
            outcome(r)))
    return lines


def before_after(before, results):
    """Rows of an earlier version's measurements (``--before``) next to this one's, where both exist."""
    lines = ['| work | client | printers | wall before | wall after | CPU before | CPU after | memory before '
             '| memory after | requests per printer before / after | load average before / after |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    order = {name: index for index, name in enumerate(WORKS + CLIENTS)}
    for old in sorted(before, key=lambda r: (order[r['work']], r['printers'], order[r['client']])):
        new = find(results, old['work'], old['client'], old['printers'])
        if new is None:
            continue
        load = ['%.0f' % r['load_average'] if r.get('load_average') is not None else '?' for r in (old, new)]
        lines.append('| %s | %s | %d | %.1f s | %.1f s | %.1f s | %.1f s | %.0f MiB | %.0f MiB | %.1f / %.1f | %s |' % (
            old['work'], old['client'], old['printers'], old['wall'], new['wall'], old['cpu'], new['cpu'],
            mib(old['peak_rss']), mib(new['peak_rss']), old['requests'] / old['printers'],
            new['requests'] / new['printers'], ' / '.join(load)))
    return lines if len(lines) > 2 else []


def ratio(numerator, denominator):
    if numerator is None or denominator is None or not denominator['wall']:
        return None
    return numerator['wall'] / denominator['wall']


def ratios(results, sizes):
    lines = ['| work | printers | collection / bare, same requests (target <= 2) | collection / uri (target <= 0.2) '
             '| collection / bare, fewest requests |', '|---|---|---|---|---|']
    for work in ('push', 'status'):
        for size in sizes:
            mine = find(results, work, 'collection', size)
            bare, uri = ratio(mine, find(results, work, 'bare', size)), ratio(mine, find(results, work, 'uri', size))
            minimal = ratio(mine, find(results, work, 'minimal', size))
            if not (bare or uri or minimal):
                continue
            lines.append('| %s | %d | %s | %s | %s |' % (work, size, '%.1f' % bare if bare else 'not run',
                                                         '%.2f' % uri if uri else 'not run',
                                                         '%.1f' % minimal if minimal else 'not run'))
    lines += ['', '| work | client | time(largest) / time(smallest) | fleet size ratio |', '|---|---|---|---|']
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        for work in WORKS:
            for client in CLIENTS:
                scale = ratio(find(results, work, client, large), find(results, work, client, small))
                if scale:
                    lines.append('| %s | %s | %.1f (%d vs %d printers) | %.0f |' % (
                        work, client, scale, large, small, large / small))
    return lines


def slicing(results, sizes, slice_size):
    large = max(sizes)
    lines = []
    for work in ('push', 'status', 'rollout'):
        whole, part = find(results, work, 'collection', large), find(results, work, 'collection', slice_size)
        if whole is None or part is None or slice_size >= large:
            continue
        slices = -(-large // slice_size)
        lines.append('| %s | %.1f s, %.0f s CPU, %.0f MiB | %.1f s, %.0f s CPU, %.0f MiB | %d | %.1f s |' % (
            work, whole['wall'], whole['cpu'], mib(whole['peak_rss']), part['wall'], part['cpu'],
            mib(part['peak_rss']), slices, part['wall']))
    if not lines:
        return []
    return ['| work | %d printers in one run | one slice of %d printers | slices | wall with every slice on its own '
            'execution node |' % (large, slice_size), '|---|---|---|---|---|'] + lines


def plot(results, path):
    import matplotlib
    matplotlib.use('Agg')
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(1, 2, figsize=(10, 4), sharey=False)
    for axis, work in zip(axes, ('push', 'status')):
        for client, marker in zip(CLIENTS, ('o', 's', 'D', '^')):
            points = sorted((r['printers'], r['wall']) for r in results
                            if r['work'] == work and r['client'] == client and r['returncode'] == 0)
            if points:
                axis.plot([p[0] for p in points], [p[1] for p in points], marker=marker, label=client)
        axis.set_title('%s, forks/threads 50' % work)
        axis.set_xlabel('printers')
        axis.set_ylabel('wall time (s)')
        axis.set_xscale('log')
        axis.set_yscale('log')
        axis.grid(True, which='both', alpha=0.3)
        axis.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def write_report(results, args, path, plot_path):
    sizes = sorted({r['printers'] for r in results})
    commands = sorted({r.get('command') or 'an earlier version of this benchmark' for r in results})
    lines = [
        '# Performance', '',
        'Figures from `make benchmark` (not part of `make test`: timing is reported, never asserted).', '',
        '## Method',
        'Measured by %s, on %s, %d cores, Python %s. Each run starts a fresh simulated fleet of Microsoft '
        'printers (both Remote UI families) in one process on loopback, every device request delayed by '
        '%.0f ms (the simulator\'s latency fault), the connection status settling %.1f s after a save.' % (
            ' and '.join('`%s`' % command for command in commands), platform.machine(), os.cpu_count(),
            platform.python_version(), args.latency * 1000, args.settle),
        '',
        '- **collection**: real `ansible-playbook`, forks %d. *push* is the task of `rollout.yml` without its '
        'pre-flight, SMTP settings and sign-in start (`benchmarks/playbooks/collection_push.yml`: `fleet_rollout`, '
        'one controller-side task for the fleet); *status* is `playbooks/status.yml` (fleet report included, '
        '`cloudmail_fail_on_attention` off, so that no printer is failed one task at a time); *rollout* is '
        '`playbooks/rollout.yml` '
        'without a terminal, the simulated person approving each code after 1 s.' % args.forks,
        '- **bare**: `benchmarks/reference_client.py`, a thread pool of %d `requests` sessions doing the same '
        'requests as the collection (push: login form, login, portal, edit form, post, read-back, logout; status: '
        'login form, login, portal, edit form, status page, logout), so that the ratio is what the controller '
        'spends around the requests. **minimal**: the same client doing only the requests the work strictly '
        'needs (push: login, edit form, post, read-back, logout; status: login, status page, logout), shown for '
        'what the collection\'s extra requests cost (see "Where the requests go").' % args.forks,
        '- **uri**: `benchmarks/playbooks/uri_push.yml` and `uri_status.yml`, the requests of the minimal client '
        'as plain `ansible.builtin.uri` tasks (what a user would write), forks %d.' % args.forks,
        '- Wall time of the whole command; controller CPU is user + system time of the command and every '
        'process it started; peak controller memory is the largest sum of resident sets of that process tree '
        '(sampled every 0.2 s); requests and logins per printer come from the simulator\'s counters; '
        '"sessions left open" counts administrator sessions still open on the fleet afterwards.',
        '- Measurements already in the raw file (`--raw`, default `build/benchmarks/fleet.json`) that a run does not '
        'repeat are kept, so that several invocations (for example the slow `uri` runs once) fill one report.',
    ] + (['', args.note] if args.note else []) + [
        '', '## Results', '',
    ] + table(results) + ['', '### Ratios', ''] + ratios(results, sizes)
    if args.before and args.before.exists():
        before = json.loads(args.before.read_text())
        compared = before_after(before, results)
        if compared:
            sources = sorted({r.get('source') or 'an earlier run' for r in before})
            lines += ['', '### Before and after', '',
                      'The earlier version\'s figures come from `%s` (%s; the load average is the machine\'s '
                      '1-minute load when the run started, "?" where it was not recorded). Rows whose requests '
                      'per printer differ measured different work (steps added to the rollout since).' % (
                          os.path.relpath(args.before, REPO_ROOT), '; '.join(sources)), ''] + compared
    slice_lines = slicing(results, sizes, args.slice_size)
    if slice_lines:
        lines += ['', '### Per slice (AWX/AAP job slicing)', ''] + slice_lines
    lines += ['', '![wall time against fleet size](%s)' % os.path.relpath(plot_path, path.parent), '']
    advice = REPO_ROOT / 'benchmarks' / 'advice.md'
    if advice.exists():
        lines += [advice.read_text().rstrip(), '']
    startup = args.simulator_report
    if startup and startup.exists():
        lines += ['## The simulated fleet itself', '',
                  startup.read_text().split('\n', 2)[2].strip(), '']
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[100, 1000])
    parser.add_argument('--uri-sizes', type=int, nargs='*', default=[100],
                        help='fleet sizes for the uri playbooks (slow: about 1 s of CPU per task and printer)')
    parser.add_argument('--slice-size', type=int, default=250, help='also run the collection at this size')
    parser.add_argument('--works', nargs='+', choices=WORKS, default=['push', 'status'])
    parser.add_argument('--clients', nargs='+', choices=CLIENTS, default=list(CLIENTS))
    parser.add_argument('--rollout-sizes', type=int, nargs='*', default=None,
                        help='sizes for the rollout work (default: --sizes)')
    parser.add_argument('--forks', type=int, default=50)
    parser.add_argument('--latency', type=float, default=0.1, help='seconds added to every device request')
    parser.add_argument('--settle', type=float, default=0.5)
    parser.add_argument('--timeout', type=float, default=1800, help='seconds allowed for one run')
    parser.add_argument('--report', type=Path, default=REPO_ROOT / 'docs' / 'performance.md')
    parser.add_argument('--plot', type=Path, default=REPO_ROOT / 'docs' / 'performance-fleet.png')
    parser.add_argument('--raw', type=Path, default=REPO_ROOT / 'build' / 'benchmarks' / 'fleet.json',
                        help='every measurement as JSON; runs already in it are kept unless run again')
    parser.add_argument('--simulator-report', type=Path, help='markdown of benchmarks/simulator_startup.py to include')
    parser.add_argument('--fresh', action='store_true', help='forget the measurements already in --raw')
    parser.add_argument('--report-only', action='store_true', help='run nothing: write the report from --raw')
    parser.add_argument('--note', help='a sentence on the conditions of the runs, for the report')
    parser.add_argument('--before', type=Path, default=REPO_ROOT / 'benchmarks' / 'before.json',
                        help="an earlier version's raw measurements, shown next to these")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix='fleet-benchmark-'))
    collections = workdir / 'collections' / 'ansible_collections' / 'printfleet'
    collections.mkdir(parents=True)
    (collections / 'cloudmail').symlink_to(REPO_ROOT)
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(workdir / 'collections'), ANSIBLE_NOCOLOR='1',
                       ANSIBLE_HOST_KEY_CHECKING='0', ANSIBLE_RETRY_FILES_ENABLED='0',
                       ANSIBLE_LOCAL_TEMP=str(workdir / 'ansible-tmp'),
                       PATH='%s%s%s' % (BIN, os.pathsep, os.environ.get('PATH', '')))
    environment.pop('ANSIBLE_CONFIG', None)

    results = [] if args.fresh or not args.raw.exists() else json.loads(args.raw.read_text())
    plan = []
    for work in [] if args.report_only else args.works:
        for size in sorted(set(args.sizes + ([args.slice_size] if args.slice_size else []))):
            if work == 'rollout' and args.rollout_sizes is not None and size not in args.rollout_sizes:
                continue
            for client in args.clients:
                if (work, client) not in PLAYBOOKS and client not in ('bare', 'minimal'):
                    continue
                if client in ('bare', 'minimal') and work == 'rollout':
                    continue
                if client == 'uri' and size not in args.uri_sizes:
                    continue
                if client != 'collection' and size == args.slice_size and size not in args.sizes:
                    continue
                plan.append((work, client, size))
    command = 'python benchmarks/fleet_benchmark.py ' + ' '.join(sys.argv[1:])
    for work, client, size in plan:
        result = run_one(work, client, size, args, environment, workdir, command)
        results = [r for r in results if (r['work'], r['client'], r['printers']) != (work, client, size)] + [result]
        args.raw.parent.mkdir(parents=True, exist_ok=True)
        args.raw.write_text(json.dumps(results, indent=1))

    plot(results, args.plot)
    write_report(results, args, args.report, args.plot)
    print(args.report.read_text())
    return 0 if all(r['returncode'] == 0 and not r['open_sessions'] for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
