"""Command line: python -m simulator start|stop|serve --dir DIR [options]."""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# As simulator/printer.py TRANSPORT_FAULTS (not imported: the command line starts without aiohttp).
TRANSPORT_FAULT_NAMES = ('trickle_headers', 'trickle_body', 'oversized', 'redirect_host', 'truncated',
                         'tls_failure', 'reset_post')
FAULT_OPTIONS = ('transport', 'latency', 'http_500', 'drop', 'busy', 'offline')


def options_parser():
    parser = argparse.ArgumentParser(prog='python -m simulator', description='Simulated Canon printer fleet.')
    parser.add_argument('command', choices=('start', 'stop', 'serve', 'variants', 'fault'))
    parser.add_argument('--dir', type=Path, help='where state.json, ca.pem and inventory.yml go')
    parser.add_argument('--printers', type=int, default=4)
    parser.add_argument('--families', default='both', choices=('both', 'imagerunner_advance', 'isensys_mf'))
    parser.add_argument('--languages', default='both', choices=('both', 'en', 'fr'))
    parser.add_argument('--providers', default='both', choices=('both', 'microsoft', 'google'))
    parser.add_argument('--settle-seconds', type=float, default=2.0,
                        help='how long the connection status stays "unknown" after a save')
    parser.add_argument('--poll-interval', type=float, default=5.0, help='device code polling interval (s)')
    parser.add_argument('--device-code-lifetime', type=int, default=900, help='user code lifetime (s)')
    parser.add_argument('--auto-approve-seconds', type=float, default=None,
                        help='fake Entra ID approves every user code after this many seconds')
    parser.add_argument('--idle-timeout', type=float, default=300.0, help='admin session idle timeout (s)')
    parser.add_argument('--session-limit', type=int, default=2, help='concurrent admin sessions per printer')
    parser.add_argument('--foreign-cert-printers', type=int, default=0,
                        help='the last K printers present a certificate from an untrusted CA')
    parser.add_argument('--untrusted-cloud-certificate', action='store_true',
                        help='the fake clouds present a certificate the printers do not trust')
    parser.add_argument('--seed', type=int, default=None, help='reproducible admin password')
    parser.add_argument('--variants', default=None,
                        help='markup variants, as variant sets that printers take in turn: "a+b,c,none" '
                             '(printer 1 serves a and b, printer 2 c, printer 3 the plain markup, ...); '
                             'see `python -m simulator variants`')
    parser.add_argument('--profile-file', type=Path, default=None,
                        help='serve every printer from this profile file (YAML, extends a built-in profile)')
    parser.add_argument('--printer-settings', default=None,
                        help='per-printer settings (family, language, provider, variants, profile_file, '
                             'rate_limit_ms, address (loopback), session_limit, lockout_failures) as a YAML/JSON '
                             'file or inline JSON: {"printer-0002": {...}}')
    parser.add_argument('--rate-limit-ms', type=int, default=None,
                        help='requests closer than this answer 503 busy (default 250 with the rate_limit variant)')
    faults = parser.add_argument_group('fault (a running fleet: python -m simulator fault --dir DIR --printer NAME ...)')
    faults.add_argument('--printer', action='append', default=[], help='printer name (repeat for several)')
    faults.add_argument('--transport', default=None,
                        help='transport-level fault, until reset ("" ends it): ' + ', '.join(TRANSPORT_FAULT_NAMES))
    faults.add_argument('--transport-scope', default='pages', choices=('pages', 'all'),
                        help='pages: every page but login and logout (a session is open when it hits); all: every request')
    faults.add_argument('--latency', type=float, default=None, help='seconds added to every answer')
    faults.add_argument('--http-500', type=int, default=None, help='the next N requests answer HTTP 500')
    faults.add_argument('--drop', type=int, default=None, help='the next N connections are reset')
    faults.add_argument('--busy', type=int, default=None, help='the next N requests answer 503 busy')
    faults.add_argument('--offline', type=float, default=None, help='refuse connections for this many seconds')
    faults.add_argument('--reset', action='store_true', help='clear every fault and counter of the printers')
    parser.add_argument('--start-timeout', type=float, default=180.0, help='start: how long to wait (s)')
    return parser


def fleet_options(args):
    return {'families': args.families, 'languages': args.languages, 'providers': args.providers,
            'settle_seconds': args.settle_seconds, 'poll_interval': args.poll_interval,
            'device_code_lifetime': args.device_code_lifetime, 'auto_approve_seconds': args.auto_approve_seconds,
            'idle_timeout': args.idle_timeout, 'session_limit': args.session_limit,
            'foreign_cert_printers': args.foreign_cert_printers,
            'untrusted_cloud_certificate': args.untrusted_cloud_certificate, 'seed': args.seed,
            'variants': args.variants, 'profile_file': args.profile_file and args.profile_file.resolve(),
            'printer_settings': args.printer_settings, 'rate_limit_ms': args.rate_limit_ms}


def read_state(directory):
    try:
        return json.loads((directory / 'state.json').read_text())
    except (OSError, ValueError):
        return None


def alive(pid):
    """Whether pid is a running simulator (not a zombie, not a process that reused the number)."""
    try:
        command_line = Path(f'/proc/{pid}/cmdline').read_bytes().split(b'\0')
        status = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()[0]
    except OSError:
        return False
    return status != 'Z' and b'simulator' in command_line and b'serve' in command_line


async def unanswered(printers, timeout):
    """Names of printers that do not answer an HTTPS request for their login page."""
    import aiohttp

    async def answers(session, printer):
        try:
            async with session.get(f'https://{printer["address"]}:{printer["port"]}/', ssl=False) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return False

    # One connection per request: idle keep-alive connections to 1000 printers would cost memory.
    connector = aiohttp.TCPConnector(force_close=True, limit=64)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout),
                                     trust_env=False) as session:
        results = await asyncio.gather(*(answers(session, printer) for printer in printers))
    return [printer['name'] for printer, ok in zip(printers, results) if not ok]


def absolute(key, value, directory):
    """Option values that name files, made absolute: the server runs in the repository root."""
    if key == 'dir':
        return directory
    if key == 'profile_file' or (key == 'printer_settings' and not value.lstrip().startswith('{')):
        return Path(value).resolve()
    return value


def start(args):
    directory = args.dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    state = read_state(directory)
    if state and alive(state['pid']):
        sys.exit(f'simulator already running in {directory} (pid {state["pid"]}); stop it first')
    (directory / 'state.json').unlink(missing_ok=True)
    log_path = directory / 'simulator.log'
    command = [sys.executable, '-m', 'simulator', 'serve']
    for key, value in vars(args).items():
        if key in FAULT_OPTIONS + ('printer', 'transport_scope', 'reset'):
            continue
        option = '--' + key.replace('_', '-')
        if value is True:
            command.append(option)
        elif key != 'command' and value not in (None, False):
            command += [option, str(absolute(key, value, directory))]
    environment = {**os.environ, 'PYTHONPATH': os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get('PYTHONPATH')]))}
    with open(log_path, 'ab') as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + args.start_timeout
    while (state := read_state(directory)) is None:
        if process.poll() is not None:
            sys.exit(f'simulator exited with status {process.returncode} while starting; see {log_path}:\n'
                     + log_path.read_text()[-2000:])
        if time.monotonic() > deadline:
            process.terminate()
            sys.exit(f'simulator did not start within {args.start_timeout:.0f} s; see {log_path}')
        time.sleep(0.1)
    missing = asyncio.run(unanswered(state['printers'], max(5.0, deadline - time.monotonic())))
    if missing:
        process.terminate()
        sys.exit(f'{len(missing)} printer(s) did not answer: {", ".join(missing[:10])}; see {log_path}')
    print(f'{len(state["printers"])} printers running (pid {state["pid"]}); '
          f'inventory {directory / "inventory.yml"}; control {state["control_url"]}')


def stop(args):
    directory = args.dir.resolve()
    state = read_state(directory)
    if not state or not alive(state['pid']):
        (directory / 'state.json').unlink(missing_ok=True)
        print(f'no simulator running in {directory}')
        return
    os.kill(state['pid'], signal.SIGTERM)
    deadline = time.monotonic() + 20
    while alive(state['pid']) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(state['pid']):
        os.kill(state['pid'], signal.SIGKILL)
    (directory / 'state.json').unlink(missing_ok=True)
    print(f'simulator stopped (pid {state["pid"]})')


def fault(args):
    from .client import ControlClient
    state = read_state(args.dir.resolve())
    if not state or not alive(state['pid']):
        sys.exit(f'no simulator running in {args.dir}')
    if not args.printer:
        sys.exit('name the printers with --printer NAME')
    control = ControlClient(state['control_url'])
    payload = {key: getattr(args, key) for key in FAULT_OPTIONS if getattr(args, key) is not None}
    if args.transport is not None:
        payload['transport_scope'] = args.transport_scope
    for name in args.printer:
        if args.reset:
            control.reset(name)
        if payload:
            control.faults(name, **payload)
        print(f'{name}: {json.dumps(control.printer(name)["faults"])}')


def list_variants():
    from .printer import VARIANTS
    width = max(map(len, VARIANTS))
    for name, description in VARIANTS.items():
        print(f'{name:<{width}}  {description}')


def main():
    parser = options_parser()
    args = parser.parse_args()
    if args.command == 'variants':
        return list_variants()
    if args.dir is None:
        parser.error('--dir is required')
    if args.command == 'serve':
        from .fleet import serve
        serve(args.dir, args.printers, **fleet_options(args))
    else:
        {'start': start, 'stop': stop, 'fault': fault}[args.command](args)


if __name__ == '__main__':
    main()
