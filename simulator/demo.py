"""`make demo`: roll OAuth out to a running simulated fleet, the simulator playing the person.

    python -m simulator.demo --simulator-dir .sim/demo

Runs playbooks/rollout.yml as an operator without a terminal would (AWX, CI):
1. The first run pushes the settings everywhere. Microsoft printers show user codes, which the
   simulated person approves while the play waits (the simulator's --auto-approve-seconds).
   Google printers show the URL of Google's authorization page and wait for their codes.
2. The person opens each Google URL shown in the play's table, consents, and copies the code
   from the browser's error page; the codes go into a vars file.
3. The second run hands the codes to the Google printers and waits until every token is active.
Then it prints the fleet report.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from simulator.client import REPO_ROOT, SimulatedFleet

# One row of the play's authorization table: the host, its provider, the URL to open.
GOOGLE_ROW = re.compile(r'(printer-\d+)\s+google\s+(https://[^\s"]+)')


# Said before the first pass, so that the red blocks it prints by design are not taken for a fault.
DEMO_PLAN = '''
What you are about to see: rollout.yml on %d simulated printers, twice, as a run without a terminal (CI, AWX).
  First pass: the %d Microsoft printers sign in (the simulated Entra ID approves their codes). The %d Google
  printers cannot: nobody has consented for them yet, so each ends with a red [ERROR] block saying
  "no authorization code was given", and the run exits 2. That is expected: it is how a run without a person
  tells you what is left to do.
  Then the demo consents in the simulated Google for those %d printers, as a person would in a browser, and
  the second pass enters their codes: it ends with every printer ok.
'''


def run_rollout(fleet, settings, *arguments):
    command = [str(Path(sys.executable).parent / 'ansible-playbook'), '-i', str(fleet.inventory_path),
               str(REPO_ROOT / 'playbooks' / 'rollout.yml'), '-e', json.dumps(settings), *arguments]
    print('\n$ ' + ' '.join(command), flush=True)
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, cwd=REPO_ROOT, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'))
    output = []
    for line in process.stdout:
        print(line, end='', flush=True)
        output.append(line)
    return process.wait(), ''.join(output)


def main():
    parser = argparse.ArgumentParser(prog='python -m simulator.demo', description=__doc__.splitlines()[0])
    parser.add_argument('--simulator-dir', required=True, type=Path)
    parser.add_argument('--report-dir', type=Path, default=REPO_ROOT / 'reports')
    args = parser.parse_args()

    fleet = SimulatedFleet(args.simulator_dir)
    settings = {'cloudmail_interactive': False, 'cloudmail_report_dir': str(args.report_dir.resolve()),
                'cloudmail_authorization_timeout': 120}
    google = sorted(name for name, printer in fleet.printers.items() if printer.get('provider') == 'google')
    if google:
        print(DEMO_PLAN % (len(fleet.printers), len(fleet.printers) - len(google), len(google), len(google)), flush=True)
    returncode, output = run_rollout(fleet, settings)

    google_urls = dict(GOOGLE_ROW.findall(output))
    if google_urls:
        print('\nThe person signs in to Google for %d printers and copies each code from the browser.' % len(google_urls))
        codes = {host: fleet.control.google_consent(url)['code'] for host, url in sorted(google_urls.items())}
        codes_file = args.simulator_dir / 'google-codes.yml'
        codes_file.write_text(yaml.safe_dump({'cloudmail_google_authorization_codes': codes}))
        os.chmod(codes_file, 0o600)
        returncode, output = run_rollout(fleet, settings, '-e', '@%s' % codes_file)

    report = json.loads((args.report_dir / 'fleet-report-all.json').read_text())
    print('\nFleet report: %s/fleet-report-all.{html,csv,json}' % args.report_dir)
    for row in report['printers']:
        print('  %-14s %-10s %-20s %-14s %s' % (row['host'], row['provider'], row['profile'],
                                                row['connection_status'], row['token_status']))
    print('  by token status: %s' % report['summary']['by_token_status'])
    return returncode


if __name__ == '__main__':
    sys.exit(main())
