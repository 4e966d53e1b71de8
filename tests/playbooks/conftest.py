"""Helpers to run the collection's playbooks with real ansible-playbook processes."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = REPO_ROOT / 'playbooks'
BIN = Path(sys.executable).parent
RECAP_LINE = re.compile(r'^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)'
                        r'\s+failed=(?P<failed>\d+)', re.MULTILINE)


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """An ansible_collections tree of its own (a symlink to the repository), so that a concurrent
    rebuild of build/ never pulls the collection away from a running playbook."""
    root = tmp_path_factory.mktemp('collections')
    namespace = root / 'ansible_collections' / 'printfleet'
    namespace.mkdir(parents=True)
    (namespace / 'cloudmail').symlink_to(REPO_ROOT)
    return root


@pytest.fixture
def ansible_env(collections_path, tmp_path):
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_HOST_KEY_CHECKING='0',
        ANSIBLE_RETRY_FILES_ENABLED='0',
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
        # The login ledger of each test its own: failed logins of one test must not pause another's printers.
        XDG_STATE_HOME=str(tmp_path / 'state'),
        PATH='%s%s%s' % (BIN, os.pathsep, env.get('PATH', '')),
    )
    env.pop('ANSIBLE_CONFIG', None)
    return env


class PlaybookRun:
    def __init__(self, completed):
        self.returncode = completed.returncode
        self.output = completed.stdout + completed.stderr

    def recap(self):
        """host -> {ok, changed, unreachable, failed} from the PLAY RECAP."""
        tail = self.output[self.output.rfind('PLAY RECAP'):]
        return {match['host']: {key: int(match[key]) for key in ('ok', 'changed', 'unreachable', 'failed')}
                for match in RECAP_LINE.finditer(tail)}


@pytest.fixture
def run_playbook(ansible_env):
    """Run playbooks/<name> non-interactively (stdin is /dev/null, as under CI or AWX)."""
    def run(name, inventory, *arguments, extra_vars=None, timeout=600, cwd=REPO_ROOT, environment=None):
        command = [str(BIN / 'ansible-playbook'), '-i', str(inventory), str(PLAYBOOKS / name), *arguments]
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   env={**ansible_env, **(environment or {})}, timeout=timeout, cwd=cwd, check=False)
        return PlaybookRun(completed)
    return run


TEST_PROFILES = REPO_ROOT / 'tests' / 'profiles'


def mixed_fleet(simulated_fleet, printers, **options):
    """A simulated fleet, one printer per (family, language, provider, variants, profile file or None);
    profile files are named relative to tests/profiles/."""
    settings = {}
    for index, (family, language, provider, variants, profile_file) in enumerate(printers, start=1):
        own = {'family': family, 'language': language, 'provider': provider, 'variants': variants}
        if profile_file:
            own['profile_file'] = str(TEST_PROFILES / profile_file)
        settings[f'printer-{index:04d}'] = own
    return simulated_fleet(printers=len(printers), printer_settings=settings, settle_seconds=0.5, **options)


def write_yaml(path, data):
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def load_report(directory, slice_name='all'):
    return json.loads((Path(directory) / f'fleet-report-{slice_name}.json').read_text())


def token_status(fleet, name, provider):
    return fleet.control.printer(name)['token'][provider]


@pytest.fixture
def chromium(tmp_path):
    """Open a local HTML file in headless Chromium and return the DOM it built."""
    def dump_dom(path):
        completed = subprocess.run(
            ['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--no-first-run',
             f'--user-data-dir={tmp_path / "chromium-profile"}', '--dump-dom', Path(path).resolve().as_uri()],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)
        assert completed.returncode == 0, completed.stderr
        return completed.stdout
    return dump_dom
