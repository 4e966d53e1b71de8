# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cut a release of the collection: ``python tests/utils/release.py X.Y.Z`` (``make release VERSION=X.Y.Z``).

From a clean checkout: the version goes into galaxy.yml (the only place it is written; the
execution environment reads it from the tarball), the changelog fragments become the release's
section of CHANGELOG.rst, the tarball is built from galaxy.yml's manifest and checked with
galaxy-importer under Automation Hub's settings (tests/galaxy-importer.cfg). Only when all of that
passed are the changes committed and tagged ``X.Y.Z``. Nothing is published.
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
SEMVER = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$')
VERSION_LINE = re.compile(r'^version: *(\S+) *$', re.MULTILINE)
RELEASE_DIR = 'build/release'
RELEASED_FILES = ('galaxy.yml', 'CHANGELOG.rst', 'changelogs')


class ReleaseError(Exception):
    """A reason not to release, with what to do about it."""


def run(*command, cwd=ROOT, **kwargs):
    """Run a command (in the collection root unless told); its output goes to the terminal."""
    print('+ ' + ' '.join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, **kwargs)


def git(*arguments):
    return subprocess.run(('git',) + arguments, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def version_key(version):
    return tuple(int(part) for part in version.split('.'))


def check_can_release(version):
    if not SEMVER.match(version):
        raise ReleaseError(f'{version!r} is not a version of the form X.Y.Z (for example 1.0.0)')
    current = VERSION_LINE.search((ROOT / 'galaxy.yml').read_text()).group(1)
    if version_key(version) <= version_key(current):
        raise ReleaseError(f'{version} is not newer than the version in galaxy.yml ({current})')
    if git('status', '--porcelain', '--untracked-files=normal').strip():
        raise ReleaseError('the checkout has uncommitted changes or new files (git status): a release is made '
                           'from a clean checkout, so that the tag holds exactly what was built')
    if git('tag', '--list', version).strip():
        raise ReleaseError(f'the tag {version} exists already')
    return current


def set_version(version):
    galaxy = ROOT / 'galaxy.yml'
    galaxy.write_text(VERSION_LINE.sub(f'version: {version}', galaxy.read_text(), count=1))


def write_changelog(version):
    run(BIN / 'antsibull-changelog', 'lint')
    run(BIN / 'antsibull-changelog', 'release', '--version', version, '--date', datetime.date.today().isoformat())


def build(version):
    output = ROOT / RELEASE_DIR
    output.mkdir(parents=True, exist_ok=True)
    tarball = output / f'printfleet-cloudmail-{version}.tar.gz'
    tarball.unlink(missing_ok=True)
    run(BIN / 'ansible-galaxy', 'collection', 'build', '--output-path', output, '.')
    # The name execution-environment.yml builds from, so that no version is written there.
    shutil.copyfile(tarball, output / 'printfleet-cloudmail.tar.gz')
    return tarball


def import_check(tarball):
    """galaxy-importer with Automation Hub's settings; it reads its configuration from the environment."""
    environment = dict(os.environ, GALAXY_IMPORTER_CONFIG=str(ROOT / 'tests' / 'galaxy-importer.cfg'),
                       PATH=f'{BIN}{os.pathsep}{os.environ.get("PATH", "")}')
    # It writes importer_result.json beside the tarball, not into the checkout.
    run(BIN / 'python', '-m', 'galaxy_importer.main', tarball.name, cwd=tarball.parent, env=environment)


def commit_and_tag(version):
    run('git', 'add', '--all', '--', *RELEASED_FILES)
    run('git', 'commit', '--quiet', '-m', f'Release {version}')
    run('git', 'tag', '--annotate', version, '-m', f'printfleet.cloudmail {version}')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('version', help='the new version, X.Y.Z')
    version = parser.parse_args(argv).version
    try:
        previous = check_can_release(version)
    except ReleaseError as error:
        print(f'release {version}: not released: {error}', file=sys.stderr)
        return 2
    try:
        set_version(version)
        write_changelog(version)
        tarball = build(version)
        import_check(tarball)
    except subprocess.CalledProcessError as error:
        print(f'release {version}: not released: {error}. Nothing was committed; '
              f'"git checkout -- {" ".join(RELEASED_FILES)}" goes back to {previous}.', file=sys.stderr)
        return 1
    commit_and_tag(version)
    print(f'release {version}: tagged {version}; artifact {tarball.relative_to(ROOT)}\n'
          f'  publish: ansible-galaxy collection publish {tarball.relative_to(ROOT)}\n'
          f'  execution environment: ansible-builder build -f execution-environment.yml -t printfleet-cloudmail-ee')
    return 0


if __name__ == '__main__':
    sys.exit(main())
