# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Learn a device profile from one browser capture (HAR) of the manual's procedure, on the controller.

The operator records, in the browser's developer tools, the login, the OAuth settings of a
provider, the authorization and the logout on one printer, and runs::

    python -m ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learn_profile \\
        capture.har --output site-profile.yml --host-vars printer-0001.json

with the values they typed taken from their inventory (``ansible-inventory --host printer-0001``):
the Entra ID tenant or authority URL, the Google client ID. The requests that carry those values
are the settings posts; everything else (login, pages that set cookies, status pages and labels,
how the authorization starts, the code submission, the logout) is found around them. The result
is a profile file that ``extends`` the closest built-in profile and overrides only what differs,
and a report of what was matched, from which request, and what was not found.

No value from the capture that could be a secret (passwords, cookies, anti-forgery tokens,
authorization codes, client secrets) is ever written: only paths, field names, on-screen texts
and constant bookkeeping values are, and both outputs are checked for every secret value
before they are written.

This file is the command line; the capture is read in ``capture_reading``, what it teaches is
found by ``profile_learner`` and the profile file is made and written by ``learnt_profile``.
"""

from __future__ import annotations

__metaclass__ = type

import argparse
import sys

from ansible_collections.printfleet.cloudmail.plugins.module_utils.providers.microsoft import authority_url_for_tenant
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils import device_profiles
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.capture_reading import LearnError
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learnt_profile import write_outputs


def typed_values(host_vars=None, tenant=None, authority_url=None, client_id=None):
    """The values the operator typed in the browser, from the command line or the host's inventory variables."""
    host_vars = host_vars or {}
    authority_url = authority_url or host_vars.get('cloudmail_microsoft_authority_url')
    tenant = tenant or host_vars.get('cloudmail_microsoft_tenant')
    if not authority_url and tenant:
        try:
            authority_url = authority_url_for_tenant(tenant)
        except ValueError as exc:
            raise LearnError('cloudmail_microsoft_tenant: %s' % exc)
    return {'authority_url': authority_url, 'client_id': client_id or host_vars.get('cloudmail_google_client_id')}


def _read_host_vars(path):
    import yaml
    try:
        with open(path, encoding='utf-8') as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise LearnError('cannot read the host variables %s (%s)' % (path, exc))
    if not isinstance(data, dict):
        raise LearnError('%s holds no host variables (use the output of ansible-inventory --host NAME)' % path)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learn_profile',
        description='Learn a device profile from a browser capture (HAR) of the OAuth settings procedure.')
    parser.add_argument('capture', help='the HAR file saved from the browser\'s developer tools')
    parser.add_argument('--output', required=True, help='the profile file to write (for cloudmail_profile_file)')
    parser.add_argument('--report', help='where to write the report too (it is always printed)')
    parser.add_argument('--host-vars', help='the printer\'s variables as `ansible-inventory --host NAME` prints them')
    parser.add_argument('--tenant', help='the Entra ID tenant typed (else cloudmail_microsoft_tenant)')
    parser.add_argument('--authority-url', help='the Entra ID endpoint typed (else cloudmail_microsoft_authority_url)')
    parser.add_argument('--client-id', help='the Google client ID typed (else cloudmail_google_client_id)')
    arguments = parser.parse_args(argv)
    try:
        host_vars = _read_host_vars(arguments.host_vars) if arguments.host_vars else {}
        typed = typed_values(host_vars, arguments.tenant, arguments.authority_url, arguments.client_id)
        report, missing = write_outputs(arguments.capture, arguments.output, arguments.report, typed)
    except (LearnError, device_profiles.ProfileError, OSError) as exc:
        sys.stderr.write('learn_profile: %s\n' % exc)
        return 1
    sys.stdout.write(report)
    return 3 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
