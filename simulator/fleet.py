"""The whole simulated world in one asyncio process: printers, fake clouds, control interface.

Every printer listens on its own loopback address (127.1.x.y) and an ephemeral port; one aiohttp
request handler serves them all and picks the printer by the local address of the connection,
so an idle printer costs a listening socket and a few objects, nothing more.
"""

import asyncio
import hashlib
import json
import os
import secrets
import signal
from pathlib import Path

import yaml
from aiohttp import web

from .clock import Clock
from .cloud_proxy import CloudProxy
from .clouds import FakeClouds
from .clouds import DEFAULT_GOOGLE_USER, DEFAULT_MICROSOFT_USER, FakeClouds
from .control import control_app
from .device_oauth import CloudClient
from .generation_x import GENERATIONS
from .printer import LANGUAGES, Printer, parse_variants
from .profile_data import profiles
from .smtp_server import FakeSubmissionServers
from .tls import TestPKI

ADMIN_USERNAME = '7654321'    # Canon's factory default System Manager ID
FAMILIES = tuple(profiles.PROFILES)
PROVIDERS = ('microsoft', 'google')
MICROSOFT_TENANT = 'organizations'


def printer_address(index):
    """1-based index -> 127.1.x.y, 250 printers per x."""
    return f'127.1.{(index - 1) // 250}.{(index - 1) % 250 + 1}'


def choices(value, every):
    return tuple(every) if value == 'both' else (value,)


def variant_layout(spec):
    """'a+b,c,none' -> [('a', 'b'), ('c',), ()]: printers take these variant sets in turn."""
    if not spec:
        return [()]
    sets = spec.split(',') if isinstance(spec, str) else list(spec)
    return [parse_variants(item) for item in sets]


PRINTER_SETTINGS = ('family', 'language', 'provider', 'variants', 'profile_file', 'rate_limit_ms',
                    # sessions and accounts: a loopback address of its own (127.0.0.1 is the address that
                    # "localhost" resolves to), its session limit, failed logins until the lockout
                    'address', 'session_limit', 'lockout_failures')


def read_printer_settings(value):
    """Per-printer settings: a mapping name -> {family, language, provider, variants, profile_file,
    rate_limit_ms, address, session_limit, lockout_failures}, given as a mapping, inline JSON, or a YAML/JSON file."""
    if not value:
        return {}
    if isinstance(value, str):
        text = value if value.lstrip().startswith('{') else Path(value).read_text(encoding='utf-8')
        value = yaml.safe_load(text)
    if not isinstance(value, dict):
        raise ValueError('printer settings: expected a mapping of printer name to settings')
    for name, settings in value.items():
        unknown = set(settings or {}) - set(PRINTER_SETTINGS)
        if unknown:
            raise ValueError(f'printer settings of {name}: unknown {", ".join(sorted(unknown))}; '
                             f'known: {", ".join(PRINTER_SETTINGS)}')
    return value


class Fleet:
    def __init__(self, directory, printers, *, families='both', languages='both', providers='both',
                 settle_seconds=2.0, poll_interval=5.0, auto_approve_seconds=None, device_code_lifetime=900,
                 idle_timeout=300.0, session_limit=2, foreign_cert_printers=0, untrusted_cloud_certificate=False,
                 seed=None, variants=None, profile_file=None, printer_settings=None, rate_limit_ms=None):
        self.directory = Path(directory).resolve()
        self.count = printers
        self.families, self.languages = choices(families, FAMILIES), choices(languages, LANGUAGES)
        self.providers = choices(providers, PROVIDERS)
        self.settle_seconds, self.idle_timeout, self.session_limit = settle_seconds, idle_timeout, session_limit
        self.foreign_cert_printers = foreign_cert_printers
        self.untrusted_cloud_certificate = untrusted_cloud_certificate
        self.variant_sets = variant_layout(variants)
        self.profile_file = profile_file
        self.printer_settings = read_printer_settings(printer_settings)
        self.rate_limit_ms = rate_limit_ms
        # A seed makes the admin password reproducible (demos); otherwise it is random.
        self.password = (f'sim-{secrets.token_hex(6)}' if seed is None
                         else 'sim-' + hashlib.sha256(f'printfleet-{seed}'.encode()).hexdigest()[:12])
        self.clock = Clock()
        self.clouds = FakeClouds(
            self.clock, poll_interval=poll_interval, device_code_lifetime=device_code_lifetime,
            auto_approve_seconds=auto_approve_seconds)
        self.printers = {}
        self._by_address = {}
        self._runners = []

    def _layout(self, index):
        """Deterministic mix: families alternate fastest, then languages, then providers."""
        i = index - 1
        return (self.families[i % len(self.families)],
                self.languages[(i // len(self.families)) % len(self.languages)],
                self.providers[(i // (len(self.families) * len(self.languages))) % len(self.providers)])

    async def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        addresses = [(self.printer_settings.get(f'printer-{i:04d}') or {}).get('address') or printer_address(i)
                     for i in range(1, self.count + 1)]
        if len(set(addresses)) != len(addresses):
            raise ValueError('two printers cannot share an address: each printer is told apart by its address')
        foreign = [address for address in addresses if not address.startswith('127.')]
        if foreign:
            raise ValueError(f'printer addresses must be loopback addresses (127.0.0.0/8), not {", ".join(foreign)}')
        pki = TestPKI(addresses, self.directory)
        self.ca_path = pki.ca_path
        # An untrusted cloud certificate: the devices connect only with verification off.
        self.cloud_port = await self._serve(self.clouds.app(), '127.0.0.1',
                                            pki.server_context(foreign=self.untrusted_cloud_certificate))
        self.cloud_client = CloudClient(('127.0.0.1', self.cloud_port), pki.ca_path)
        self.cloud_proxy = CloudProxy(('127.0.0.1', self.cloud_port))
        await self.cloud_proxy.start()
        self.submission = FakeSubmissionServers(self.clouds, self._holds_token, pki)
        await self.submission.start()

        first_foreign = self.count - self.foreign_cert_printers + 1
        for index, address in enumerate(addresses, start=1):
            name = f'printer-{index:04d}'
            family, language, provider = self._layout(index)
            own = {'family': family, 'language': language, 'provider': provider,
                   'variants': self.variant_sets[(index - 1) % len(self.variant_sets)],
                   'profile_file': self.profile_file, 'rate_limit_ms': self.rate_limit_ms,
                   **(self.printer_settings.get(name) or {})}
            generation = GENERATIONS.get(own['family'], Printer)    # a firmware generation of its own, or a family
            printer = generation(name, address, own['family'], own['language'], own['provider'],
                                 username=ADMIN_USERNAME, password=self.password, clock=self.clock,
                                 cloud=self.cloud_client, settle_seconds=self.settle_seconds,
                                 idle_timeout=self.idle_timeout,
                                 session_limit=int(own.get('session_limit') or self.session_limit),
                                 lockout_failures=own.get('lockout_failures'),
                                 foreign_cert=index >= first_foreign, variants=own['variants'],
                                 profile_file=own['profile_file'], rate_limit_ms=own['rate_limit_ms'],
                                 submission=self.submission)
            self.printers[printer.name] = self._by_address[address] = printer

        # Printers keep idle connections briefly: each open TLS connection holds buffers.
        server = web.Server(self._dispatch, access_log=None, keepalive_timeout=15)
        runner = web.ServerRunner(server, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        contexts = {False: pki.server_context(), True: pki.server_context(foreign=True)}
        for printer in self.printers.values():
            await printer.listen(runner.server, contexts[printer.foreign_cert])

        self.control_port = await self._serve(control_app(self), '127.0.0.1')
        self.write_files()

    async def _serve(self, app, host, ssl_context=None):
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        site = web.TCPSite(runner, host, 0, ssl_context=ssl_context)
        await site.start()
        return site._server.sockets[0].getsockname()[1]

    async def _dispatch(self, request):
        printer = self._by_address[request.transport.get_extra_info('sockname')[0]]
        return await printer.handle(request)

    def _holds_token(self, address, provider, token):
        """Whether the printer at ``address`` holds ``token`` for ``provider`` (the SMTP servers ask)."""
        printer = self._by_address.get(address)
        held = printer and printer.oauth.get(provider) and printer.oauth[provider].token
        return bool(held) and held['access_token'] == token

    async def stop(self):
        for printer in self.printers.values():
            printer.close()
        if hasattr(self, 'submission'):
            self.submission.close()
        if hasattr(self, 'cloud_client'):
            await self.cloud_client.close()
        if hasattr(self, 'cloud_proxy'):
            await self.cloud_proxy.stop()
        for runner in reversed(self._runners):
            await runner.cleanup()

    # ----- files for the user
    @property
    def state_path(self):
        return self.directory / 'state.json'

    def write_files(self):
        inventory_path = self.directory / 'inventory.yml'
        inventory_path.write_text(yaml.safe_dump(self.inventory(), sort_keys=False))
        state = {'pid': os.getpid(), 'control_url': f'http://127.0.0.1:{self.control_port}',
                 'ca_path': self.ca_path, 'inventory_path': str(inventory_path),
                 'cloud': {'host': '127.0.0.1', 'port': self.cloud_port},
                 'cloud_proxy': f'http://127.0.0.1:{self.cloud_proxy.port}',
                 'username': ADMIN_USERNAME,
                 'printers': [printer.describe() for printer in self.printers.values()]}
        temporary = self.state_path.with_suffix('.tmp')
        temporary.write_text(json.dumps(state, indent=1))
        temporary.replace(self.state_path)   # appears complete or not at all

    def inventory(self):
        production = next(client_id for client_id, client in self.clouds.google_clients.items()
                          if not client['testing'])
        groups = {provider: {'hosts': {}} for provider in PROVIDERS}
        for printer in self.printers.values():
            host = groups[printer.provider]['hosts'][printer.name] = {
                'cloudmail_host': printer.address, 'cloudmail_port': printer.port,
                'cloudmail_provider': printer.provider}
            if printer.family in FAMILIES:      # a generation of its own has no built-in profile
                host['cloudmail_profile'] = printer.family
            # What the device serves, for tests that pick printers (not read by the collection).
            if printer.variants:
                host['simulator_variants'] = sorted(printer.variants)
            if printer.profile_file:
                host['simulator_profile_file'] = printer.profile_file
        # The sender is the mailbox the simulated person signs in with.
        groups['microsoft']['vars'] = {'cloudmail_microsoft_tenant': MICROSOFT_TENANT,
                                       'cloudmail_smtp_sender': DEFAULT_MICROSOFT_USER}
        groups['google']['vars'] = {
            'cloudmail_smtp_sender': DEFAULT_GOOGLE_USER,
            'cloudmail_google_client_id': production,
            'cloudmail_google_client_secret': self.clouds.google_clients[production]['client_secret']}
        return {'all': {
            'vars': {
                'ansible_connection': 'local',
                'ansible_python_interpreter': '{{ ansible_playbook_python }}',
                'cloudmail_username': ADMIN_USERNAME,
                'cloudmail_password': self.password,
                'cloudmail_validate_certs': True,
                'cloudmail_ca_path': self.ca_path,
                'cloudmail_verify_server_certificate': True,
                'cloudmail_add_cn_to_verification': False,
                'cloudmail_simulator_control_url': f'http://127.0.0.1:{self.control_port}',
                # The controller's pre-flight reaches the fake clouds through the simulator's proxy.
                'cloudmail_cloud_proxy': f'http://127.0.0.1:{self.cloud_proxy.port}',
                'cloudmail_cloud_ca_path': self.ca_path,
            },
            'children': {'printers': {'children': groups}},
        }}


def serve(directory, printers, **options):
    """Run the fleet in the foreground until SIGTERM or SIGINT."""
    async def main():
        fleet = Fleet(directory, printers, **options)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        try:
            await fleet.start()
            await stopping.wait()
        finally:
            await fleet.stop()
            if fleet.state_path.exists() and json.loads(fleet.state_path.read_text()).get('pid') == os.getpid():
                fleet.state_path.unlink()
    asyncio.run(main())
