"""An HTTPS proxy (CONNECT only) on loopback that leads the clouds' real host names to the fake clouds.

The controller's cloud checks (the collection's pre-flight) honour a proxy setting as any corporate
network would need; pointed at this proxy they reach the fake Entra ID and Google, which present
certificates for the real names from the simulator's test CA. Every other host is refused, so nothing
leaves the machine.
"""

import asyncio

from .tls import CLOUD_HOSTNAMES


class CloudProxy:
    def __init__(self, cloud_address):
        self.cloud_host, self.cloud_port = cloud_address
        self._server = None
        self.port = None

    async def start(self):
        self._server = await asyncio.start_server(self._handle, '127.0.0.1', 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self):
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader, writer):
        try:
            request = await asyncio.wait_for(reader.readuntil(b'\r\n\r\n'), 10)
            method, target = request.split(b'\r\n', 1)[0].decode('latin-1').split(' ')[:2]
            host, port = target.rpartition(':')[::2]
            if method != 'CONNECT' or host.lower() not in CLOUD_HOSTNAMES or port != '443':
                writer.write(b'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n')
                await writer.drain()
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(self.cloud_host, self.cloud_port)
            writer.write(b'HTTP/1.1 200 Connection established\r\n\r\n')
            await writer.drain()
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError):
            pass
        finally:
            writer.close()


async def _pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()
