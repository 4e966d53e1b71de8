"""Forms and pages as a browser handles them: rollout.yml, status.yml and probe.yml against printers
serving the markup variants of other firmware (simulator/printer.py VARIANTS, the block after
login_fields_*): on/off settings as selects and radio groups, inputs disabled until the enable box is
ticked, inputs joined to their form by form="...", a user code in a read-only input, a test form
before the settings form, Microsoft and Google sections on one page, a hidden flag the page script
fills, an mm:ss expiry, a <button formaction>, multipart forms, nested and disabled fieldsets,
<label for> captions and <output> values. One fleet, each variant on several printers of both
families and both UI languages; the device's own record is the reference.
"""

from conftest import load_report, mixed_fleet
from test_robustness import operator_inventory, rollout_with_consent, secrets_of

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'
NEW_VARIANTS = ('select_boolean', 'radio_boolean', 'disabled_until_enabled', 'form_attribute', 'readonly_code',
                'test_form_first', 'both_sections', 'script_flag', 'duration_colon', 'button_formaction', 'multipart',
                'nested_fieldsets', 'label_for', 'output_element')
PRINTERS = [
    (ADVANCE, 'en', 'microsoft', 'select_boolean+form_attribute+readonly_code+duration_colon+output_element', None),
    (MF, 'fr', 'microsoft', 'radio_boolean+test_form_first+both_sections+multipart+readonly_code', None),
    (ADVANCE, 'fr', 'google', 'disabled_until_enabled+script_flag+nested_fieldsets+label_for+both_sections', None),
    (MF, 'en', 'google', 'button_formaction+multipart+label_for+select_boolean+output_element', None),
    (MF, 'en', 'microsoft', 'disabled_until_enabled+form_attribute+nested_fieldsets+duration_colon+both_sections', None),
    (ADVANCE, 'fr', 'microsoft', 'radio_boolean+button_formaction+test_form_first+script_flag+label_for', None),
    (ADVANCE, 'fr', 'microsoft', 'select_boolean+multipart+nested_fieldsets+test_form_first+output_element+duration_colon',
     None),
    (MF, 'fr', 'google', 'radio_boolean+form_attribute+button_formaction+disabled_until_enabled', None),
]


def own_family(fleet, name):
    return fleet.printers[name]['family']


def test_every_variant_is_served_by_several_printers_of_both_families_and_languages():
    for variant in NEW_VARIANTS:
        serving = [printer for printer in PRINTERS if variant in printer[3].split('+')]
        assert len(serving) >= 2, variant
        if variant not in ('script_flag',):     # the MF profile has no write fields for the script to fill
            assert len(set(printer[0] for printer in serving)) == 2, variant
    assert set(printer[1] for printer in PRINTERS) == {'en', 'fr'}


def test_rollout_status_and_probe_on_browser_variants(simulated_fleet, run_playbook, tmp_path):
    fleet = mixed_fleet(simulated_fleet, PRINTERS, auto_approve_seconds=1, poll_interval=1)
    inventory = operator_inventory(fleet, tmp_path / 'inventory.yml')
    names = sorted(fleet.printers)
    google = [name for name in names if fleet.printers[name]['provider'] == 'google']
    settings = {'cloudmail_report_dir': str(tmp_path / 'reports'), 'cloudmail_authorization_timeout': 60}

    microsoft = [name for name in names if name not in google]
    first, second, codes = rollout_with_consent(fleet, run_playbook, inventory, settings, tmp_path, microsoft, google)
    assert not any(counts['failed'] for counts in second.recap().values()), second.output

    status = run_playbook('status.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'status')})
    assert status.returncode == 0, status.output
    assert not any(counts['failed'] for counts in status.recap().values()), status.output
    rows = {row['host']: row for row in load_report(tmp_path / 'status')['printers']}

    writes = dict((name, fleet.control.printer(name)['counters']['writes']) for name in names)
    probe = run_playbook('probe.yml', inventory, extra_vars={'cloudmail_report_dir': str(tmp_path / 'probe')})
    assert probe.returncode == 0, probe.output
    probes = {row['host']: row for row in load_report(tmp_path / 'probe', 'probe')['printers']}
    assert dict((name, fleet.control.printer(name)['counters']['writes']) for name in names) == writes
    assert not any(counts['failed'] for counts in probe.recap().values()), probe.output

    tenant = fleet.inventory['all']['children']['printers']['children']['microsoft']['vars']['cloudmail_microsoft_tenant']
    client_id = fleet.inventory['all']['children']['printers']['children']['google']['vars']['cloudmail_google_client_id']
    for name in names:
        state = fleet.control.printer(name)
        provider = state['provider']
        stored = state['settings'][provider]
        assert state['token'][provider]['status'] == 'active', (name, state)
        assert stored['enabled'] and stored['verify_server_certificate'], (name, stored)
        assert not stored['add_cn_to_verification'], (name, stored)
        if provider == 'microsoft':
            assert stored['authority_url'] == f'https://login.microsoftonline.com/{tenant}/oauth2/v2.0', (name, stored)
        else:
            assert stored['client_id'] == client_id and stored['client_secret_sha256'], (name, stored)
        assert state['counters']['open_sessions'] == 0, (name, state['counters'])
        assert state['counters']['failed_logins'] == 0, (name, state['counters'])
        # status.yml read each printer's own provider section, with the settings it holds
        assert (rows[name]['state'], rows[name]['connection_status'], rows[name]['token_status']) == \
            ('ok', 'connected', 'active'), rows[name]
        # the read-only probe read the printer through its built-in profile, and wrote nothing
        assert probes[name]['profile_match'] == own_family(fleet, name), probes[name]
    for secret in [*secrets_of(fleet), *codes.values()]:
        for run in (first, second, status, probe):
            assert secret not in run.output
