# -*- coding: utf-8 -*-
"""The fleet-wide rollout's bookkeeping: cloud checks asked once per tenant, outcomes kept per printer."""

from __future__ import annotations

import threading

from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_outcomes import host_facts, merged_outcomes, outcome_facts, recorded_outcomes
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.device_profiles import resolve_profile
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_printers import FleetPrinter, connection_params
from ansible_collections.printfleet.cloudmail.plugins.plugin_utils.fleet_rollout import CloudChecks, printer_to_roll_out


def test_the_cloud_is_asked_once_per_tenant_even_from_many_threads():
    asked = []

    def ask(variables):
        asked.append(variables['cloudmail_microsoft_tenant'])
        return [{'name': 'microsoft_tenant', 'ok': True, 'message': 'known'}]

    clouds = CloudChecks(ask)
    printers = [{'cloudmail_provider': 'microsoft', 'cloudmail_microsoft_tenant': 'contoso.example'}] * 40 + \
        [{'cloudmail_provider': 'microsoft', 'cloudmail_microsoft_tenant': 'fabrikam.example'}] * 40
    threads = [threading.Thread(target=clouds.checks, args=(variables,)) for variables in printers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(asked) == ['contoso.example', 'fabrikam.example']
    # Each printer gets its own copy: marking one printer's check cannot change another's.
    first = clouds.checks(printers[0])
    first[0]['ok'] = False
    assert clouds.checks(printers[0])[0]['ok'] is True


def test_a_google_client_and_a_proxy_make_separate_questions():
    asked = []
    clouds = CloudChecks(lambda variables: asked.append(dict(variables)) or [])
    base = {'cloudmail_provider': 'google', 'cloudmail_google_client_id': '1-a.apps.googleusercontent.com'}
    clouds.checks(base)
    clouds.checks(dict(base, cloudmail_cloud_proxy='http://127.0.0.1:3128'))
    clouds.checks(dict(base, cloudmail_google_client_id='2-b.apps.googleusercontent.com'))
    clouds.checks(base)
    assert len(asked) == 3


def test_outcome_facts_of_a_failure_name_the_failed_step_and_stop_the_wait():
    facts = outcome_facts({'failed': True, 'msg': 'p1 (127.0.0.1): login refused', 'step': 'settings',
                           'reason': 'wrong_password', 'pending': True,
                           'checks': [{'name': 'login_form', 'ok': True, 'message': 'ok'}]})
    assert facts == {'printer_error': 'p1 (127.0.0.1): login refused', 'printer_error_step': 'settings',
                     'printer_error_reason': 'wrong_password', 'printer_pending': False,
                     'printer_preflight': [{'name': 'login_form', 'ok': True, 'message': 'ok'}]}


def test_outcome_facts_of_a_started_sign_in():
    facts = outcome_facts({'failed': False, 'pending': True, 'code_submitted': False,
                           'authorization': {'user_code': 'ABCD-EFGH', 'verification_url': 'https://x'}})
    assert facts == {'printer_pending': True,
                     'printer_authorization': {'authorization': {'user_code': 'ABCD-EFGH',
                                                                 'verification_url': 'https://x'},
                                               'code_submitted': False}}


def test_a_later_step_replaces_a_printers_error_and_keeps_the_others():
    outcomes = {'a': {'printer_error': 'code expired', 'printer_error_step': 'authorize', 'printer_error_reason':
                      'code_expired', 'printer_pending': False, 'printer_preflight': ['kept']},
                'b': {'printer_pending': True}}
    merged = merged_outcomes(outcomes, {'a': {'printer_pending': False}})
    assert merged == {'a': {'printer_pending': False, 'printer_preflight': ['kept']}, 'b': {'printer_pending': True}}
    assert outcomes['a']['printer_error'] == 'code expired'  # the earlier fact is not changed in place


class HostVars(dict):
    def raw_get(self, host):
        return self[host]


def test_a_hosts_own_fact_wins_over_its_fleet_outcome():
    outcomes = {'a': {'printer_error': 'from the fleet step', 'printer_pending': True}, 'b': {'printer_pending': True}}
    hostvars = HostVars(localhost={'fleet_outcomes': outcomes}, a={'printer_pending': False}, b={})
    recorded = recorded_outcomes(hostvars)
    assert recorded == outcomes
    assert host_facts(hostvars['a'], 'a', ('printer_error', 'printer_pending'), recorded) == {
        'printer_error': 'from the fleet step', 'printer_pending': False}
    assert host_facts(hostvars['b'], 'b', ('printer_error', 'printer_pending'), recorded) == {'printer_pending': True}
    assert host_facts(None, 'c', ('printer_error',), recorded) == {}
    assert recorded_outcomes(HostVars(a={})) == {}


def test_the_smtp_options_come_from_the_registry_with_the_tenant_and_leave_the_connection_alone():
    variables = {'cloudmail_host': '127.0.0.1', 'cloudmail_port': 8443, 'cloudmail_username': 'admin',
                 'cloudmail_password': 'S3cret', 'cloudmail_profile': 'isensys_mf', 'cloudmail_provider': 'microsoft',
                 'cloudmail_microsoft_tenant': 'contoso.com', 'cloudmail_smtp_sender': 'scanner@fabrikam.com',
                 'cloudmail_smtp_port': 587}
    params, problem = connection_params('mfp', variables)
    assert problem is None and params['port'] == 8443 and params['timeout'] == 10
    printer, problem = printer_to_roll_out(FleetPrinter('mfp', params, resolve_profile('isensys_mf'), 'microsoft'),
                                           variables)
    assert problem is None
    smtp = printer.smtp_params
    assert (smtp['provider'], smtp['tenant'], smtp['sender'], smtp['smtp_port']) == \
        ('microsoft', 'contoso.com', 'scanner@fabrikam.com', 587)
    assert (smtp['host'], smtp['port'], smtp['password']) == ('127.0.0.1', 8443, 'S3cret')
    assert printer.push.params['tenant'] == 'contoso.com'
