"""make release VERSION=x.y.z, run for real in a throwaway git repository holding a copy of this
checkout: changelog from the fragments, version bumped, tarball built, galaxy-importer, commit and tag."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
FRAGMENT = 'minor_changes:\n  - fleet_report - a line written by the release test.\n'
GIT_IDENTITY = {'GIT_AUTHOR_NAME': 'Release Test', 'GIT_AUTHOR_EMAIL': 'release-test@localhost',
                'GIT_COMMITTER_NAME': 'Release Test', 'GIT_COMMITTER_EMAIL': 'release-test@localhost'}


def environment():
    return dict(os.environ, PATH=f'{BIN}{os.pathsep}{os.environ["PATH"]}', ANSIBLE_NOCOLOR='1', **GIT_IDENTITY)


def git(clone, *arguments):
    return subprocess.run(('git',) + arguments, cwd=clone, check=True, capture_output=True, text=True,
                          env=environment()).stdout


def release(clone, version):
    """The release script of the copy, as make release runs it."""
    return subprocess.run([str(BIN / 'python'), 'tests/utils/release.py', version], cwd=clone,
                          capture_output=True, text=True, env=environment(), check=False)


def next_major(clone):
    current = yaml.safe_load((clone / 'galaxy.yml').read_text())['version']
    return f'{max(1, int(current.split(".")[0]) + 1)}.0.0'


@pytest.fixture
def clone(tmp_path):
    """A git repository with this checkout's files (committed or not) and one unreleased fragment."""
    listed = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    root = tmp_path / 'cloudmail'
    for name in listed:
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    (root / 'changelogs' / 'fragments' / 'release-test.yml').write_text(FRAGMENT)
    git(root, 'init', '--quiet', '--initial-branch', 'main')
    git(root, 'add', '--all')
    git(root, 'commit', '--quiet', '-m', 'Before the release')
    return root


def test_release_builds_checks_commits_and_tags(clone):
    version = next_major(clone)
    result = release(clone, version)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Importer processing completed successfully' in result.stdout + result.stderr

    assert yaml.safe_load((clone / 'galaxy.yml').read_text())['version'] == version
    changelog = (clone / 'CHANGELOG.rst').read_text()
    assert f'v{version}\n' in changelog and 'a line written by the release test' in changelog
    assert version in yaml.safe_load((clone / 'changelogs' / 'changelog.yaml').read_text())['releases']
    assert not (clone / 'changelogs' / 'fragments' / 'release-test.yml').exists()

    tarball = clone / 'build' / 'release' / f'printfleet-cloudmail-{version}.tar.gz'
    with tarfile.open(tarball) as tar:
        assert json.load(tar.extractfile('MANIFEST.json'))['collection_info']['version'] == version
        assert 'a line written by the release test' in tar.extractfile('CHANGELOG.rst').read().decode()
    # The execution environment builds from this name, so that no version is written in its definition.
    assert (clone / 'build' / 'release' / 'printfleet-cloudmail.tar.gz').read_bytes() == tarball.read_bytes()

    assert git(clone, 'status', '--porcelain') == ''
    assert git(clone, 'rev-parse', f'{version}^{{commit}}') == git(clone, 'rev-parse', 'HEAD')
    assert git(clone, 'log', '-1', '--format=%s') == f'Release {version}\n'
    assert git(clone, 'show', 'HEAD:galaxy.yml').count(f'version: {version}\n') == 1


def test_release_refuses_a_dirty_checkout_an_old_version_and_a_bad_version(clone):
    head = git(clone, 'rev-parse', 'HEAD')
    (clone / 'playbooks' / 'rollout.yml').write_text('# changed\n')
    dirty = release(clone, next_major(clone))
    assert dirty.returncode == 2 and 'clean checkout' in dirty.stderr
    git(clone, 'checkout', '--', 'playbooks/rollout.yml')

    current = yaml.safe_load((clone / 'galaxy.yml').read_text())['version']
    older = release(clone, current)
    assert older.returncode == 2 and 'not newer' in older.stderr
    malformed = release(clone, 'v9')
    assert malformed.returncode == 2 and 'X.Y.Z' in malformed.stderr
    assert git(clone, 'rev-parse', 'HEAD') == head and git(clone, 'tag', '--list') == ''


def test_release_that_galaxy_importer_refuses_is_neither_committed_nor_tagged(clone):
    """Automation Hub's settings refuse a version below 1.0.0: the release stops before the commit."""
    (clone / 'galaxy.yml').write_text((clone / 'galaxy.yml').read_text().replace(
        f'version: {yaml.safe_load((clone / "galaxy.yml").read_text())["version"]}', 'version: 0.0.1'))
    git(clone, 'commit', '--quiet', '-am', 'Back to 0.0.1')
    head = git(clone, 'rev-parse', 'HEAD')
    result = release(clone, '0.0.2')
    assert result.returncode == 1 and 'Nothing was committed' in result.stderr
    assert 'requires version to be 1.0.0 or greater' in result.stdout + result.stderr
    assert git(clone, 'rev-parse', 'HEAD') == head and git(clone, 'tag', '--list') == ''
