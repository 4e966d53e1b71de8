"""The form variants of other firmware, used by a real headless Chromium: log in, edit, save.

A variant a browser cannot use is not a variant: for each one a person (driven over the DevTools
protocol, tests/playbooks/har_capture.py) ticks the box, picks the option or the radio button,
types the endpoint and presses OK, and the device must have stored the settings. The page script
does what it does for a person (enables the inputs, fills the hidden flag).
"""

import asyncio
import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'playbooks'))

from har_capture import Browser as Chromium  # noqa: E402
from simulator.printer import LANGUAGES, TEXT, profiles  # noqa: E402

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'
# (variant, family, language): each form variant, on a family whose profile it applies to
FORM_VARIANTS = [
    ('select_boolean', ADVANCE, 'en'), ('radio_boolean', MF, 'fr'), ('disabled_until_enabled', ADVANCE, 'fr'),
    ('form_attribute', MF, 'en'), ('test_form_first', ADVANCE, 'en'), ('script_flag', ADVANCE, 'fr'),
    ('button_formaction', MF, 'fr'), ('multipart', MF, 'en'), ('nested_fieldsets', ADVANCE, 'en'),
    ('label_for', MF, 'fr'), ('disabled_until_enabled+form_attribute+multipart', MF, 'en'),
]
ENDPOINT = 'https://login.microsoftonline.com/organizations/oauth2/v2.0'

pytestmark = pytest.mark.skipif(not (shutil.which('chromium') or Path('/usr/bin/chromium').exists()),
                                reason='needs Chromium')


async def set_boolean(browser, name, on):
    """Tick or untick, pick On/Off, or click the On/Off radio button, as the page shows the setting."""
    found = await browser.evaluate(
        '(function () { var name = %s, on = %s, words = on ? ["on", "activé"] : ["off", "désactivé"];'
        ' var controls = Array.from(document.getElementsByName(name)).filter(function (c) { return c.type !== "hidden"; });'
        ' var control = controls[0]; if (!control) { return false; }'
        ' if (control.type === "checkbox") { if (control.checked !== on) { control.click(); } return true; }'
        ' if (control.type === "radio") { var radio = controls.filter(function (r) {'
        '   return words.indexOf(r.parentNode.textContent.trim().toLowerCase()) >= 0; })[0];'
        '   radio.click(); return radio.checked; }'
        ' var option = Array.from(control.options).filter(function (o) {'
        '   return words.indexOf(o.textContent.trim().toLowerCase()) >= 0; })[0];'
        ' control.value = option.value; control.dispatchEvent(new Event("change", {bubbles: true})); return true; })()'
        % (json.dumps(name), json.dumps(on)))
    assert found, f'no control {name}'


async def press_ok(browser, language):
    ok = TEXT['ok'][LANGUAGES.index(language)]
    locate = ('Array.from(document.querySelectorAll("input[type=submit], button")).filter(function (b) {'
              f' return (b.tagName === "BUTTON" ? b.textContent : b.value).trim() === {json.dumps(ok)}; }})[0]')
    await browser._click(locate, ok)


async def edit_and_save(browser, fleet, name, profile, language):
    base = fleet.url(name, '')
    login = profile['login']
    fields = profile['providers']['microsoft']['fields']
    await browser.open(base + '/')
    await browser.type_into(login['username_field'], fleet.username)
    await browser.type_into(login['password_field'], fleet.password)
    await browser.click_submit()
    await browser.open(base + profile['providers']['microsoft']['edit_path'])
    await set_boolean(browser, fields['enabled'], True)
    await set_boolean(browser, fields['verify_server_certificate'], True)
    await set_boolean(browser, fields['add_cn_to_verification'], True)
    await browser.type_into(fields['authority_url'], ENDPOINT)
    await press_ok(browser, language)
    await browser.open(base + profile['logout']['path'])


def test_chromium_saves_the_settings_on_every_form_variant(simulated_fleet):
    settings = {f'printer-{index:04d}': dict(family=family, language=language, provider='microsoft', variants=variant)
                for index, (variant, family, language) in enumerate(FORM_VARIANTS, start=1)}
    fleet = simulated_fleet(printers=len(FORM_VARIANTS), printer_settings=settings, settle_seconds=0.5)

    async def drive():
        async with Chromium() as browser:
            for name, own in settings.items():
                await edit_and_save(browser, fleet, name, profiles.PROFILES[own['family']], own['language'])
    asyncio.run(drive())

    for name, own in settings.items():
        state = fleet.control.printer(name)
        assert state['settings']['microsoft'] == {
            'enabled': True, 'verify_server_certificate': True, 'add_cn_to_verification': True,
            'authority_url': ENDPOINT}, (own, state['settings'])
        assert state['counters']['writes'] == 1 and state['counters']['open_sessions'] == 0, (own, state['counters'])
