"""A person doing the manual's procedure in a browser on one simulated printer, with the usual noise.

Used to record the captures the profile learner is tested with: a mistyped password first, the
portal and an unrelated page, then Microsoft and Google settings, the authorization and the logout.
The person finds fields and buttons by what the page shows; the field names come from the profile
the printer serves only to locate them, as a person's eyes would.
"""

from simulator.printer import TEXT, LANGUAGES


def caption(key, language):
    return TEXT[key][LANGUAGES.index(language)]


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
