"""Control interface of the simulator (plain HTTP JSON on 127.0.0.1), for tests and the demo.

The collection never uses it. See docs/device-contract.md, "Simulator control interface".
"""

import json

from aiohttp import web

from .printer import VARIANTS

COUNTED = ('writes', 'logins', 'failed_logins', 'requests', 'logouts', 'lockouts')


def _refuse(http_error, message):
    return http_error(text=json.dumps({'error': message}), content_type='application/json')


def control_app(fleet):
    routes = web.RouteTableDef()

    def printer_of(request):
        try:
            return fleet.printers[request.match_info['name']]
        except KeyError:
            raise _refuse(web.HTTPNotFound, f'no printer named {request.match_info["name"]}')

    async def body_of(request):
        try:
            body = await request.json() if request.can_read_body else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _refuse(web.HTTPBadRequest, 'expected a JSON object')
        return body

    @routes.get('/fleet')
    async def fleet_listing(request):
        return web.json_response([printer.describe() for printer in fleet.printers.values()])

    @routes.get('/printers/{name}')
    async def printer_state(request):
        printer = printer_of(request)
        await printer.refresh_tokens()
        return web.json_response(printer.state())

    @routes.post('/printers/{name}/faults')
    async def faults(request):
        printer = printer_of(request)
        try:
            printer.set_faults(await body_of(request))
        except ValueError as error:
            raise _refuse(web.HTTPBadRequest, str(error))
        return web.json_response(printer.faults)

    @routes.get('/variants')
    async def variants(request):
        return web.json_response(VARIANTS)

    @routes.post('/printers/{name}/variants')
    async def printer_variants(request):
        printer = printer_of(request)
        try:
            printer.set_variants((await body_of(request)).get('variants', ()))
        except ValueError as error:
            raise _refuse(web.HTTPBadRequest, str(error))
        fleet.write_files()     # state.json and the inventory record what each printer serves
        return web.json_response(printer.describe())

    @routes.post('/printers/{name}/reset')
    async def reset(request):
        printer = printer_of(request)
        printer.reset()
        return web.json_response(printer.state())

    @routes.post('/printers/{name}/clock')
    async def device_clock(request):
        printer = printer_of(request)
        printer.change_device_clock((await body_of(request)).get('seconds', 0))
        return web.json_response({'clock_offset': printer.clock_offset})

    @routes.post('/clock/advance')
    async def advance(request):
        now = fleet.clock.advance((await body_of(request)).get('seconds', 0))
        return web.json_response({'now': now})

    @routes.get('/counters')
    async def counters(request):
        totals = dict.fromkeys((*COUNTED, 'open_sessions'), 0)
        for printer in fleet.printers.values():
            for key in COUNTED:
                totals[key] += printer.counters[key]
            totals['open_sessions'] += printer.open_sessions()
        return web.json_response(totals)

    @routes.get('/entra/pending')
    async def entra_pending(request):
        return web.json_response(fleet.clouds.pending_user_codes())

    @routes.post('/entra/approve')
    async def entra_approve(request):
        body = await body_of(request)
        try:
            fleet.clouds.approve(body['user_code'], decline=bool(body.get('decline', False)))
        except (KeyError, ValueError) as error:
            raise _refuse(web.HTTPNotFound, f'unknown user code: {error}')
        return web.json_response({'user_code': body['user_code'], 'declined': bool(body.get('decline', False))})

    @routes.get('/google/clients')
    async def google_clients(request):
        return web.json_response({client_id: {'client_secret': client['client_secret'], 'testing': client['testing']}
                                  for client_id, client in fleet.clouds.google_clients.items()})

    @routes.post('/google/consent')
    async def google_consent(request):
        body = await body_of(request)
        try:
            return web.json_response(fleet.clouds.consent(body['authorization_url']))
        except (KeyError, ValueError) as error:
            raise _refuse(web.HTTPBadRequest, f'consent refused: {error}')

    @routes.post('/printers/{name}/mail')
    async def mail_settings(request):
        printer = printer_of(request)
        printer.mail.configure(await body_of(request))
        return web.json_response(printer.mail.state())

    @routes.get('/mail')
    async def mailbox(request):
        return web.json_response(fleet.submission.mailbox.summary())

    @routes.post('/clouds/revoke')
    async def revoke(request):
        body = await body_of(request)
        count = fleet.clouds.revoke_all(provider=body.get('provider'), user=body.get('user'))
        return web.json_response({'revoked': count})

    app = web.Application()
    app.add_routes(routes)
    return app
