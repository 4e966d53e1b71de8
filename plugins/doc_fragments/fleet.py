# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

__metaclass__ = type


class ModuleDocFragment(object):

    # The fleet-wide actions: one task (run_once) for many printers.
    DOCUMENTATION = r'''
options:
  workers:
    description:
      - How many printers are handled at once; by default the number of forks of the run.
      - From 100 printers per controller core on, the printers are shared out among one process per core, each with
        its share of these threads, so that no more printers than this are in flight.
    type: int
notes:
  - Runs on the controller as an action plugin; use it with C(run_once). Each printer's connection comes from its
    inventory variables (C(cloudmail_host), C(cloudmail_port), C(cloudmail_username), C(cloudmail_password),
    C(cloudmail_profile) or C(cloudmail_profile_file), C(cloudmail_validate_certs), C(cloudmail_ca_path),
    C(cloudmail_timeout), C(cloudmail_retries), C(cloudmail_task_budget), C(cloudmail_state_dir)), checked against the
    collection's schema first; a host whose variables are invalid fails its own entry and nothing is sent to its printer.
'''
