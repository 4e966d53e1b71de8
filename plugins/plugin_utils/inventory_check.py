# -*- coding: utf-8 -*-
# Copyright: (c) 2026, printfleet.cloudmail contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Why a run would find no printer: the inventory could not be read, or --limit matches none.

ansible-playbook only warns about an inventory source it cannot parse and then skips every play
with "no hosts matched", exiting 0: a scheduled ``status.yml || mail-the-team`` would never alert.
The playbooks' first play takes its hosts from ``printers_or_fail``, which raises with the reason
(the parse error, read again with Ansible's own inventory manager) and the validation command.
"""

from __future__ import annotations

import fnmatch
import os
import re

__metaclass__ = type

# The validation script of this copy of the collection (a checkout or an installed one).
VALIDATION_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'inventory_validation.py')


class NoPrinters(Exception):
    """No printer to run on; the message says why and what to run."""


def validation_command(sources):
    return 'python %s -i %s' % (VALIDATION_SCRIPT, ' -i '.join(str(source) for source in sources or ['INVENTORY']))


def parse_problems(sources, read=None):
    """The lines saying why the sources cannot be read (empty when they can)."""
    from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_reading import (
        InventoryReadError,
        read_inventory,
    )
    try:
        (read or read_inventory)(list(sources or ()))
    except InventoryReadError as exc:
        return [line.strip().rstrip('.') for line in str(exc).splitlines() if line.strip()]
    return []


def _pattern_hosts(pattern, groups):
    """The hosts one limit pattern names (a group, a host, a wildcard or a ~regex), None when not understood."""
    pattern = pattern.strip()
    if not pattern or pattern.startswith('@'):
        return None  # a limit file: ansible reads it; not second-guessed here
    all_hosts = set(host for hosts in groups.values() for host in hosts)
    if not pattern.startswith('~') and re.search(r'\[[-0-9:]+\]$', pattern):
        return None  # a subscript (printers[0:9]): ansible's own syntax
    if pattern.startswith('~'):
        try:
            expression = re.compile(pattern[1:])
        except re.error:
            return None
        match = expression.match
    elif any(character in pattern for character in '*?['):
        def match(name):
            return fnmatch.fnmatchcase(name, pattern)
    else:
        def match(name):
            return name == pattern
    hosts = set()
    for group, members in groups.items():
        if match(group):
            hosts.update(members)
    hosts.update(host for host in all_hosts if match(host))
    return hosts


def limited_hosts(limit, groups):
    """The hosts a --limit leaves (ansible's union, ``&`` intersection, ``!`` exclusion), None when not understood."""
    from ansible.inventory.manager import split_host_pattern

    included, intersections, excluded = None, [], set()
    for part in split_host_pattern(limit):
        kind = part[:1] if part[:1] in '&!' else ''
        hosts = _pattern_hosts(part[1:] if kind else part, groups)
        if hosts is None:
            return None
        if kind == '&':
            intersections.append(hosts)
        elif kind == '!':
            excluded |= hosts
        else:
            included = hosts if included is None else included | hosts
    if included is None:
        included = set(host for hosts in groups.values() for host in hosts)
    for hosts in intersections:
        included &= hosts
    return included - excluded


def printers_or_fail(group, groups, limit, sources, playbook, read=None):
    """``group`` when it has printers the run may target; else NoPrinters saying why and what to run."""
    printers = list((groups or {}).get(group) or ())
    command = validation_command(sources)
    if not printers:
        problems = parse_problems(sources, read)
        if problems:
            cause = 'the inventory could not be read: %s' % '; '.join(problems)
        else:
            cause = 'the inventory %s has no host in the group %s' % (', '.join(sources or ()) or '(none given)', group)
        raise NoPrinters('No printer to run on: %s. Fix the inventory, check it with: %s, then run %s again.' % (
            cause, command, playbook))
    if limit:
        left = limited_hosts(limit, groups)
        if left is not None and not left & set(printers):
            raise NoPrinters('No printer to run on: --limit %s matches no host of the group %s (it has %d: %s). '
                             'Give --limit a printer or group of the inventory (check it with: %s), then run %s '
                             'again.' % (limit, group, len(printers), ', '.join(printers[:5]) +
                                         (', ...' if len(printers) > 5 else ''), command, playbook))
    return group
