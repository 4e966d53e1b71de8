"""The fleet benchmark still runs end to end and writes its report (no timing is asserted)."""

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_runs_every_client_and_writes_report_and_plot(tmp_path):
    report, plot, raw = tmp_path / 'performance.md', tmp_path / 'plot.png', tmp_path / 'fleet.json'
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / 'benchmarks' / 'fleet_benchmark.py'), '--sizes', '2',
         '--uri-sizes', '2', '--slice-size', '0', '--latency', '0.01', '--timeout', '300',
         '--report', str(report), '--plot', str(plot), '--raw', str(raw)],
        capture_output=True, text=True, timeout=900, cwd=REPO_ROOT, check=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]

    results = json.loads(raw.read_text())
    runs = {(r['work'], r['client'], r['printers']) for r in results}
    assert runs == {(work, client, size) for work in ('push', 'status')
                    for client in ('collection', 'bare', 'minimal', 'uri') for size in (2,)}
    for result in results:
        assert result['returncode'] == 0 and result['open_sessions'] == 0, result
        assert result['logins'] == result['printers']     # one session per printer, whatever the client
        assert result['cpu'] > 0 and result['peak_rss'] > 0
    requests = {(r['work'], r['client']): r['requests'] / r['printers'] for r in results}
    # The reference does the collection's requests, so that the ratio is the controller's own cost.
    assert requests[('push', 'bare')] == requests[('push', 'collection')] == 7
    assert requests[('status', 'bare')] == requests[('status', 'collection')] == 6
    assert (requests[('push', 'minimal')], requests[('status', 'minimal')]) == (5, 3)
    writes = {(r['work'], r['client']): r['writes'] / r['printers'] for r in results}
    assert writes[('push', 'collection')] == writes[('push', 'bare')] == writes[('push', 'minimal')] == 1
    assert writes[('push', 'uri')] == 1

    text = report.read_text()
    assert '| push | collection | 2 |' in text and '| status | uri | 2 |' in text
    assert '![wall time against fleet size](plot.png)' in text
    assert plot.read_bytes().startswith(b'\x89PNG')
