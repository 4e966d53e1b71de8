"""A person doing the manual's procedure in a browser on one simulated printer, with the usual noise.

Used to record the captures the profile learner is tested with: a mistyped password first, the
portal and an unrelated page, then Microsoft and Google settings, the authorization and the logout.
The person finds fields and buttons by what the page shows; the field names come from the profile
the printer serves only to locate them, as a person's eyes would.
"""

import json

from simulator.printer import TEXT, LANGUAGES


def caption(key, language):
    return TEXT[key][LANGUAGES.index(language)]


async def fill_settings(browser, provider, spec, values):
    """Tick OAuth on, the certificate check on, CN off; type the endpoint, or the client ID and a new secret."""
    fields = spec['fields']
    await browser.tick(fields['enabled'])
    await browser.tick(fields['verify_server_certificate'], True)
    await browser.tick(fields['add_cn_to_verification'], False)
    if provider == 'microsoft':
        await browser.type_into(fields['authority_url'], values['authority_url'])
    else:
        await browser.type_into(fields['client_id'], values['client_id'])
        await browser.type_into(fields['client_secret'], values['client_secret'])
        if spec.get('secret_change_flag'):
            await browser.tick(spec['secret_change_flag']['field'])


async def do_the_procedure(browser, fleet, name, profile, language, values, providers=('microsoft', 'google'),
                           google_consent=None):
    """Everything a person does; ``values`` holds what they type (authority URL, client ID, secret)."""
    base = fleet.url(name, '')
    login = profile['login']
    await browser.open(base + '/help/index.html')      # an unrelated page (404)
    await browser.open(base + '/')
    # a mistyped password first
    await browser.type_into(login['username_field'], fleet.username)
    await browser.type_into(login['password_field'], 'not-the-password')
    await browser.click_submit()
    await browser.type_into(login['username_field'], fleet.username)
    await browser.type_into(login['password_field'], fleet.password)
    await browser.click_submit()                      # 302 to the portal
    for provider in providers:
        spec = profile['providers'][provider]
        fields = spec['fields']
        await browser.click_link(caption(provider, language))
        await browser.click_link(caption('edit', language))
        await fill_settings(browser, provider, spec, values)
        await browser.click_submit(caption('ok', language))     # the status page, or the form again
        await browser.click_link(caption(provider, language))   # the status page from the menu, to see the result
        if provider == 'microsoft' and spec.get('authorization_flow') != 'code_after_save':
            await browser.click_link(caption('authorize', language))
        if provider == 'google':
            await browser.click_link(caption('register', language))
            url = await browser.evaluate('Array.from(document.links).map(function (a) { return a.href; })'
                                         '.filter(function (h) { return h.indexOf("client_id=") > 0; })[0]')
            code = google_consent(url) if google_consent else 'typed-code'
            await browser.type_into(fields['authorization_code'], code)
            await browser.click_submit(caption('ok', language))
    await browser.click_link(caption('log_out', language))


async def do_the_procedure_x(browser, fleet, name, language, values, providers=('microsoft', 'google'),
                             google_consent=None, microsoft_approve=None):
    """The manual's procedure on the firmware generation of simulator/generation_x.py, by what its pages show.

    ``microsoft_approve(user_code)`` plays the person signing in at Microsoft; the status page is then read
    again (token valid), as a person checks the result.
    """
    from simulator import generation_x
    text = generation_x.TEXT
    index = generation_x.LANGUAGES.index(language)

    def t(key, provider=None):
        value = text[key][provider] if provider else text[key]
        return value[index]
    spec = generation_x.PROFILE
    base = fleet.url(name, '')
    await browser.open(base + '/')                    # a redirect, then a meta refresh to the sign-in page
    await browser.wait_for('document.querySelector("input[type=password]")')
    login = spec['login']
    await browser.type_into(login['username_field'], fleet.username)
    await browser.type_into(login['password_field'], 'not-the-password')     # mistyped first
    await browser.click_submit()
    await browser.type_into(login['username_field'], fleet.username)
    await browser.type_into(login['password_field'], fleet.password)
    await browser.click_submit()
    for provider in providers:
        fields = spec['providers'][provider]['fields']
        await browser.click_link(t('settings'))
        await browser.click_link(t('send'))
        await browser.click_link(t(provider))
        await browser.click_button(t('edit'))
        await fill_settings(browser, provider, spec['providers'][provider], values)
        await browser.click_button(t('ok'))          # the page script fills the time and adds the commit field
        if provider == 'microsoft':
            await browser.click_link(t('authorize'))    # the link next to the endpoint
            user_code = await browser.evaluate(
                'Array.from(document.querySelectorAll("th")).filter(function (h) { return h.textContent.trim() === %s; })'
                '[0].nextElementSibling.textContent.trim()' % json.dumps(generation_x.PROFILE['labels']['user_code'][index]))
            await microsoft_approve(user_code)
            await browser.click_link(t('settings'))
            await browser.click_link(t('send'))
            await browser.click_link(t(provider))
        else:
            await browser.click_button(t('register'))
            url = await browser.evaluate('Array.from(document.links).map(function (a) { return a.href; })'
                                         '.filter(function (h) { return h.indexOf("client_id=") > 0; })[0]')
            await browser.type_into(fields['authorization_code'], google_consent(url))
            await browser.click_button(t('ok'))
    await browser.click_link(t('log_out'))
