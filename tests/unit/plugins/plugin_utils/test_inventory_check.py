# -*- coding: utf-8 -*-
"""Why a run would find no printer: which hosts a --limit leaves, and the message that says so."""

from __future__ import annotations

import pytest

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_check import (
    NoPrinters,
    limited_hosts,
    printers_or_fail,
)

GROUPS = {'all': ['mfp-1', 'mfp-2', 'jump'], 'ungrouped': ['jump'], 'printers': ['mfp-1', 'mfp-2'],
          'google': ['mfp-2'], 'microsoft': ['mfp-1']}


@pytest.mark.parametrize('limit, hosts', [
    ('mfp-1', {'mfp-1'}), ('google', {'mfp-2'}), ('mfp-*', {'mfp-1', 'mfp-2'}), ('printers:!google', {'mfp-1'}),
    ('printers:&microsoft', {'mfp-1'}), ('jump', {'jump'}), ('~mfp-[2]', {'mfp-2'}), ('nothing', set()),
    ('mfp-1,jump', {'mfp-1', 'jump'})])
def test_limited_hosts(limit, hosts):
    assert limited_hosts(limit, GROUPS) == hosts


def test_a_limit_file_or_range_is_left_to_ansible():
    assert limited_hosts('@retry.txt', GROUPS) is None
    assert limited_hosts('printers[0:1]', GROUPS) is None
    assert printers_or_fail('printers', GROUPS, '@retry.txt', ['inv'], 'status.yml') == 'printers'


def test_no_printer_says_why_and_what_to_run():
    with pytest.raises(NoPrinters, match=r'--limit jump matches no host of the group printers .*then run status.yml'):
        printers_or_fail('printers', GROUPS, 'jump', ['inv.yml'], 'status.yml')

    def unreadable(sources):
        from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.inventory_reading import InventoryReadError
        raise InventoryReadError('inv.yml:3:1: YAML parsing failed: Tabs are usually invalid in YAML.')
    with pytest.raises(NoPrinters) as raised:
        printers_or_fail('printers', {'all': [], 'ungrouped': []}, None, ['inv.yml'], 'rollout.yml', read=unreadable)
    message = str(raised.value)
    assert 'inv.yml:3:1: YAML parsing failed: Tabs are usually invalid in YAML;' not in message
    assert 'could not be read: inv.yml:3:1: YAML parsing failed: Tabs are usually invalid in YAML. Fix' in message
    assert 'inventory_validation.py -i inv.yml' in message and 'then run rollout.yml again' in message
