# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the pip bootstrap script that ansible-test downloads for its virtual environments.

ansible-test fetches that script from a host outside the package index, which this project's
machines cannot reach. This stand-in does the same job with the standard library's ensurepip,
then installs the exact versions ansible-test asks for from the package index.

``python pip_bootstrap.py --install`` puts a copy where ansible-test looks for its cached script.
"""

from __future__ import annotations

import ensurepip
import inspect
import os
import re
import shutil
import subprocess
import sys


def install_stand_in():
    """Copy this file to ansible-test's cache path for the pip version it pins."""
    from ansible_test._internal import python_requirements  # pylint: disable=import-outside-toplevel

    pinned = re.search(r"pip='([0-9.]+)'", inspect.getsource(python_requirements.get_venv_packages))
    cache_path = os.path.expanduser('~/.ansible/test/cache/get_pip_%s.py' % pinned.group(1).replace('.', '_'))
    if not os.path.exists(cache_path):
        os.makedirs(os.path.dirname(cache_path), exist_ok=True)
        shutil.copyfile(__file__, cache_path)


def bootstrap():
    """Behave as the real bootstrap script: install pip and the packages named on the command line."""
    arguments = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
    # ensurepip hides the machine's pip configuration (index, certificates) from this process,
    # so the install from the index runs in a child with the environment as it was.
    environment = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet'] + arguments, env=environment, check=True)


if __name__ == '__main__':
    if sys.argv[1:] == ['--install']:
        install_stand_in()
    else:
        bootstrap()
