# -*- coding: utf-8 -*-
"""Every built-in device profile matches schemas/device_profile.schema.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip('jsonschema')

from ansible_collections.printfleet.cloudmail.plugins.module_utils.profiles import PROFILES  # noqa: E402

SCHEMA_PATH = Path(__file__).resolve().parents[4] / 'schemas' / 'device_profile.schema.json'


@pytest.fixture(scope='module')
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding='utf-8'))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize('name', sorted(PROFILES))
def test_built_in_profiles_are_valid(validator, name):
    errors = ['%s: %s' % ('/'.join(str(p) for p in error.path), error.message)
              for error in validator.iter_errors(PROFILES[name])]
    assert errors == []


def test_the_schema_catches_a_broken_profile(validator):
    broken = copy.deepcopy(PROFILES['isensys_mf'])
    del broken['providers']['google']['fields']['client_secret']
    broken['markup'] = 'divs'
    broken['login']['path'] = 'checkLogin.cgi'
    messages = [error.message for error in validator.iter_errors(broken)]
    assert len(messages) == 3
