"""The playbooks pass ansible-lint's production profile."""

import subprocess

from conftest import BIN, REPO_ROOT


def test_playbooks_pass_ansible_lint_production_profile(ansible_env):
    completed = subprocess.run([str(BIN / 'ansible-lint'), '--offline', '--profile', 'production', 'playbooks/'],
                               cwd=REPO_ROOT, env=ansible_env, capture_output=True, text=True, timeout=600,
                               stdin=subprocess.DEVNULL, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Profile 'production' was required, and it passed." in completed.stdout + completed.stderr
