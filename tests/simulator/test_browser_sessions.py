"""The session variants, used by a real headless Chromium: log in, follow the menu, edit, save, log out.

A variant a browser cannot use is not a variant: a person clicks through the device's own links
(which carry the session id in the session_in_url variant), and the device must have stored the
settings and ended the session with the logout link.
"""

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'playbooks'))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from har_capture import Browser as Chromium  # noqa: E402
from simulator.printer import LANGUAGES, TEXT, profiles  # noqa: E402
from test_browser_forms import ENDPOINT, press_ok, set_boolean  # noqa: E402

ADVANCE, MF = 'imagerunner_advance', 'isensys_mf'
SETTINGS = {
    'printer-0001': dict(family=MF, language='fr', provider='microsoft', variants='session_in_url'),
    # reached as localhost: the session cookie says Domain=localhost, Secure, SameSite=Strict, Max-Age
    'printer-0002': dict(family=ADVANCE, language='en', provider='microsoft', variants='cookie_domain',
                         address='127.0.0.1'),
    'printer-0003': dict(family=MF, language='en', provider='microsoft',
                         variants='session_cookie_renamed+unknown_login_answer'),
}

pytestmark = pytest.mark.skipif(not (shutil.which('chromium') or Path('/usr/bin/chromium').exists()),
                                reason='needs Chromium')


def test_chromium_uses_every_session_carrier(simulated_fleet):
    fleet = simulated_fleet(printers=len(SETTINGS), printer_settings=SETTINGS, settle_seconds=0.5)

    async def person(browser, name, own):
        profile, lang = profiles.PROFILES[own['family']], LANGUAGES.index(own['language'])
        base = fleet.url(name, '')
        if own.get('address') == '127.0.0.1':
            base = 'https://localhost:%d' % fleet.printers[name]['port']
        login, fields = profile['login'], profile['providers']['microsoft']['fields']
        await browser.open(base + '/')
        if 'unknown_login_answer' in own['variants']:
            # A mistyped password first: the device's own text, and the form again.
            await browser.type_into(login['username_field'], fleet.username)
            await browser.type_into(login['password_field'], 'mistyped')
            await browser.click_submit()
            assert 'Benutzer-ID oder Passwort falsch' in await browser.evaluate('document.body.innerText')
        await browser.type_into(login['username_field'], fleet.username)
        await browser.type_into(login['password_field'], fleet.password)
        await browser.click_submit()
        await browser.click_link(TEXT['microsoft'][lang])
        await browser.click_link(TEXT['edit'][lang])
        await set_boolean(browser, fields['enabled'], True)
        await browser.type_into(fields['authority_url'], ENDPOINT)
        await press_ok(browser, own['language'])
        assert 'SID=' in await browser.evaluate('location.href') or 'session_in_url' not in own['variants']
        await browser.click_link(TEXT['log_out'][lang])

    async def drive():
        async with Chromium() as browser:
            for name, own in SETTINGS.items():
                await person(browser, name, own)
    asyncio.run(drive())

    for name, own in SETTINGS.items():
        state = fleet.control.printer(name)
        assert state['settings']['microsoft']['enabled'] is True, (own, state['settings'])
        assert state['settings']['microsoft']['authority_url'] == ENDPOINT, (own, state['settings'])
        assert state['counters']['writes'] == 1, (own, state['counters'])
        assert state['login']['open_sessions'] == 0 and state['counters']['logouts'] == 1, (own, state['login'])
