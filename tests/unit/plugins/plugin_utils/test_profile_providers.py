# -*- coding: utf-8 -*-
"""A profile carries only the providers its firmware has; a host whose provider it lacks is refused at validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip('jsonschema')

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import (  # noqa: E402
    PROFILE_DIR,
    ProfileError,
    missing_provider,
    profile_problems,
    resolve_profile,
)
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.validation_rules import InventoryValidator  # noqa: E402

PROFILES = Path(__file__).resolve().parents[4] / 'profiles'
MICROSOFT = {
    'cloudmail_host': 'mfp-01.example.com', 'cloudmail_provider': 'microsoft', 'cloudmail_username': 'admin',
    'cloudmail_password': 'S3cret-pw!', 'cloudmail_microsoft_tenant': 'contoso.onmicrosoft.com',
}


def profile_without(tmp_path, provider):
    """The imageRUNNER ADVANCE profile of a firmware that lacks ``provider``, as a file of its own."""
    profile = yaml.safe_load((PROFILES / 'imagerunner_advance.yml').read_text(encoding='utf-8'))
    del profile['providers'][provider]
    path = tmp_path / ('without-%s.yml' % provider)
    path.write_text(yaml.safe_dump(profile), encoding='utf-8')
    return path


def test_the_built_in_profiles_have_both_providers():
    for name in ('imagerunner_advance', 'isensys_mf'):
        profile = resolve_profile(name)
        assert missing_provider(profile, 'microsoft') is None and missing_provider(profile, 'google') is None


def test_a_profile_with_one_provider_is_valid_but_not_one_with_none(tmp_path):
    path = profile_without(tmp_path, 'microsoft')
    profile = resolve_profile(profile_file=str(path))
    assert sorted(profile['providers']) == ['google']
    empty = dict(profile, providers={})
    assert any(problem.startswith('providers: ') for problem in profile_problems(empty))


def test_a_profile_without_the_provider_names_itself_its_file_what_it_has_and_what_to_run(tmp_path):
    path = profile_without(tmp_path, 'microsoft')
    profile = resolve_profile(profile_file=str(path))
    message = missing_provider(profile, 'microsoft', str(path))
    assert message.startswith('the profile %s (file %s) has no microsoft pages (no providers.microsoft): ' % (path, path))
    assert 'offers google only' in message and 'Set cloudmail_provider to google' in message
    assert message.endswith('then run playbooks/rollout.yml')
    assert missing_provider(profile, 'google', str(path)) is None
    # A built-in profile is named with its file in the collection.
    built_in = dict(resolve_profile('isensys_mf'), providers={'google': {}})
    assert '(file %s)' % Path(PROFILE_DIR, 'isensys_mf.yml') in missing_provider(built_in, 'microsoft')


def test_validation_refuses_the_host_naming_cloudmail_provider(tmp_path):
    path = profile_without(tmp_path, 'microsoft')
    variables = dict(MICROSOFT, cloudmail_profile_file=str(path))
    problems = [str(problem) for problem in InventoryValidator().validate('mfp-01', variables)]
    assert len(problems) == 1, problems
    assert problems[0].startswith('mfp-01: cloudmail_provider: the profile %s (file %s) has no microsoft pages' % (path, path))
    # The same profile serves a Google printer.
    google = dict(variables, cloudmail_provider='google', cloudmail_google_client_id='1234-abc.apps.googleusercontent.com',
                  cloudmail_google_client_secret='GOCSPX-very-secret')
    del google['cloudmail_microsoft_tenant']
    assert [str(problem) for problem in InventoryValidator().validate('mfp-01', google)] == []


def test_an_unknown_provider_is_the_schemas_problem_only(tmp_path):
    variables = dict(MICROSOFT, cloudmail_profile_file=str(profile_without(tmp_path, 'microsoft')),
                     cloudmail_provider='yahoo')
    problems = [str(problem) for problem in InventoryValidator().validate('mfp-01', variables)]
    assert not any('has no yahoo pages' in problem for problem in problems), problems


def test_the_device_modules_refuse_it_before_any_session(tmp_path):
    from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_action import DeviceAction
    path = profile_without(tmp_path, 'google')
    with pytest.raises(ProfileError) as failure:
        DeviceAction.resolve(None, {'profile': None, 'profile_file': str(path), 'provider': 'google'})
    assert failure.value.variable == 'cloudmail_provider' and 'has no google pages' in str(failure.value)
    # oauth_info's 'all' reads the providers the profile has.
    assert DeviceAction.resolve(None, {'profile': None, 'profile_file': str(path), 'provider': 'all'})['name'] == str(path)


def test_a_profile_learnt_from_a_capture_holds_only_the_providers_it_showed(tmp_path):
    # The capture of a firmware no built-in family matches shows the Microsoft procedure only.
    from ansible_collections.printfleet.cloudmail.tests.unit.plugins.plugin_utils.test_learn_profile import (
        AUTHORITY,
        unknown_firmware_capture,
    )
    from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.learnt_profile import write_outputs
    output = tmp_path / 'learnt.yml'
    _report, missing = write_outputs(str(unknown_firmware_capture(tmp_path)), str(output), None, {'authority_url': AUTHORITY})
    learnt = yaml.safe_load(output.read_text(encoding='utf-8'))
    assert learnt['extends'] == '_base' and sorted(learnt['providers']) == ['microsoft']
    assert sorted(resolve_profile(profile_file=str(output))['providers']) == ['microsoft']
    assert any('google' in str(step) for step in missing)
