# -*- coding: utf-8 -*-
"""Fixtures of the Remote UI client tests: a scripted device in place of the HTTP transport."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.printfleet.cloudmail.tests.unit.plugins.module_utils.scripted_device import ScriptedDevice


@pytest.fixture
def device(monkeypatch):
    scripted = ScriptedDevice()

    def request(http, method, url, **kwargs):
        # A plain function, so that it binds to the Session as the real method does.
        return scripted(http, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, 'request', request)
    return scripted


@pytest.fixture
def sleeps():
    return []
