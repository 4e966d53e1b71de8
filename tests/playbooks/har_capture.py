"""Record a HAR capture of a real headless Chromium driven through a simulated printer's Remote UI.

Chromium (Debian's /usr/bin/chromium) is driven over the DevTools protocol with aiohttp's websocket
client: pages are opened, fields typed and buttons clicked in the page as a person does, and the
Network domain's events are written out as HAR 1.2 with request and response bodies, the way the
browser's developer tools save a capture.
"""

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync',
                  '--ignore-certificate-errors', '--remote-debugging-port=0', '--remote-allow-origins=*']


def _header_list(headers):
    pairs = []
    for name, value in (headers or {}).items():
        # DevTools joins repeated headers (Set-Cookie) with newlines
        pairs += [{'name': name, 'value': line} for line in str(value).split('\n')]
    return pairs


class _Hop:
    """One request/response of a redirect chain, as one HAR entry."""

    def __init__(self, request, wall_time):
        self.request = request
        self.started = datetime.fromtimestamp(wall_time, timezone.utc).isoformat()
        self.request_headers = None     # the headers as sent (with Cookie), from ExtraInfo
        self.response = None
        self.response_headers = None    # the headers as received (with Set-Cookie), from ExtraInfo
        self.body = ''

    def entry(self):
        request, response = self.request, self.response or {}
        status = response.get('status', 0)
        headers = self.response_headers or response.get('headers') or {}
        location = next((value for name, value in headers.items() if name.lower() == 'location'), '')
        har_request = {'method': request['method'], 'url': request['url'], 'httpVersion': 'HTTP/1.1',
                       'headers': _header_list(self.request_headers or request.get('headers')),
                       'queryString': [], 'cookies': [], 'headersSize': -1, 'bodySize': -1}
        if request.get('postData') is not None:
            content_type = next((value for name, value in (request.get('headers') or {}).items()
                                 if name.lower() == 'content-type'), 'application/x-www-form-urlencoded')
            har_request['postData'] = {'mimeType': content_type, 'text': request['postData']}
        return {'startedDateTime': self.started, 'time': 0, 'request': har_request,
                'response': {'status': status, 'statusText': response.get('statusText', ''), 'httpVersion': 'HTTP/1.1',
                             'headers': _header_list(headers), 'cookies': [], 'redirectURL': location,
                             'content': {'size': len(self.body), 'mimeType': response.get('mimeType', ''),
                                         'text': self.body},
                             'headersSize': -1, 'bodySize': -1},
                'cache': {}, 'timings': {'send': 0, 'wait': 0, 'receive': 0}}


class Browser:
    """One headless Chromium with a fresh profile, one page, the network recorded."""

    def __init__(self):
        self.profile_dir = tempfile.mkdtemp(prefix='chromium-profile-')
        self.process = None
        self.session = self.socket = self.reader = None
        self.next_id = 0
        self.pending = {}
        self.hops = {}          # requestId -> [_Hop] (redirects reuse the requestId)
        self.order = []         # every hop in the order the browser sent them
        self.extra_requests, self.extra_responses = {}, {}
        self.body_tasks = []
        self.loaded = asyncio.Event()

    async def __aenter__(self):
        self.process = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f'--user-data-dir={self.profile_dir}', 'about:blank'],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile_dir) / 'DevToolsActivePort'
        deadline = time.monotonic() + 60
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError('Chromium did not open its DevTools port')
            await asyncio.sleep(0.1)
        port = port_file.read_text().splitlines()[0]
        self.session = aiohttp.ClientSession()
        async with self.session.get(f'http://127.0.0.1:{port}/json/list') as answer:
            targets = await answer.json()
        page = next(target for target in targets if target['type'] == 'page')
        self.socket = await self.session.ws_connect(page['webSocketDebuggerUrl'], max_msg_size=0)
        self.reader = asyncio.ensure_future(self._read())
        await self.send('Network.enable')
        await self.send('Page.enable')
        return self

    async def __aexit__(self, *exc):
        if self.reader:
            self.reader.cancel()
        if self.socket:
            await self.socket.close()
        if self.session:
            await self.session.close()
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile_dir, ignore_errors=True)

    async def send(self, method, **params):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.socket.send_str(json.dumps({'id': self.next_id, 'method': method, 'params': params}))
        answer = await asyncio.wait_for(future, 60)
        if 'error' in answer:
            raise RuntimeError(f'{method}: {answer["error"]}')
        return answer.get('result', {})

    async def _read(self):
        async for message in self.socket:
            data = json.loads(message.data)
            if 'id' in data:
                future = self.pending.pop(data['id'], None)
                if future and not future.done():
                    future.set_result(data)
            else:
                self._event(data['method'], data.get('params', {}))

    def _event(self, method, params):
        request_id = params.get('requestId')
        if method == 'Network.requestWillBeSent':
            hops = self.hops.setdefault(request_id, [])
            if params.get('redirectResponse') and hops:
                hops[-1].response = params['redirectResponse']
            hop = _Hop(params['request'], params.get('wallTime') or time.time())
            hops.append(hop)
            self.order.append(hop)
        elif method == 'Network.requestWillBeSentExtraInfo':
            self.extra_requests.setdefault(request_id, []).append(params.get('headers'))
        elif method == 'Network.responseReceivedExtraInfo':
            self.extra_responses.setdefault(request_id, []).append(params.get('headers'))
        elif method == 'Network.responseReceived' and self.hops.get(request_id):
            self.hops[request_id][-1].response = params['response']
        elif method == 'Network.loadingFinished' and self.hops.get(request_id):
            self.body_tasks.append(asyncio.ensure_future(self._fetch_body(request_id, self.hops[request_id][-1])))
        elif method == 'Page.loadEventFired':
            self.loaded.set()

    async def _fetch_body(self, request_id, hop):
        try:
            result = await self.send('Network.getResponseBody', requestId=request_id)
        except RuntimeError:
            return
        if not result.get('base64Encoded'):
            hop.body = result.get('body', '')

    async def _settle(self, action):
        self.loaded.clear()
        await action
        await asyncio.wait_for(self.loaded.wait(), 60)
        await asyncio.sleep(0.3)    # late subresources (favicon)
        await asyncio.gather(*self.body_tasks)

    async def open(self, url):
        """Type a URL in the address bar."""
        await self._settle(self.send('Page.navigate', url=url))

    async def evaluate(self, expression):
        result = await self.send('Runtime.evaluate', expression=expression, returnByValue=True)
        return result.get('result', {}).get('value')

    async def type_into(self, name, text):
        """Type into the (visible) field called ``name``."""
        found = await self.evaluate(
            f'(function () {{ var field = Array.from(document.getElementsByName({json.dumps(name)}))'
            f'.filter(function (f) {{ return f.type !== "hidden"; }})[0];'
            f' if (!field) {{ return false; }} field.value = {json.dumps(text)}; return true; }})()')
        assert found, f'no field {name} on {await self.evaluate("location.href")}'

    async def tick(self, name, checked=True):
        found = await self.evaluate(
            f'(function () {{ var box = Array.from(document.getElementsByName({json.dumps(name)}))'
            f'.filter(function (f) {{ return f.type === "checkbox"; }})[0];'
            f' if (!box) {{ return false; }} if (box.checked !== {json.dumps(checked)}) {{ box.click(); }}'
            f' return true; }})()')
        assert found, f'no checkbox {name} on {await self.evaluate("location.href")}'

    async def click_link(self, text):
        """Click the link whose text is ``text``."""
        await self._click(f'Array.from(document.links).filter(function (a) {{'
                          f' return a.textContent.trim() === {json.dumps(text)}; }})[0]', text)

    async def click_submit(self, value=None):
        """Click a form's submit button (its caption, or the first one)."""
        test = f'b.value === {json.dumps(value)}' if value else 'true'
        await self._click(f'Array.from(document.querySelectorAll("input[type=submit], button")).filter(function (b) {{'
                          f' return {test}; }})[0]', value or 'submit')

    async def click_button(self, caption):
        """Click a button by its caption: an <input type=button> (often an onclick that navigates) or a <button>."""
        await self._click(f'Array.from(document.querySelectorAll("input[type=button], button")).filter(function (b) {{'
                          f' return (b.value || b.textContent).trim() === {json.dumps(caption)}; }})[0]', caption)

    async def wait_for(self, expression, seconds=30):
        """Wait until ``expression`` holds in the page (a meta refresh or a script has moved on)."""
        deadline = time.monotonic() + seconds
        while not await self.evaluate(f'(function () {{ try {{ return !!({expression}); }} catch (e) {{ return false; }} }})()'):
            if time.monotonic() > deadline:
                raise AssertionError(f'{expression} never held on {await self.evaluate("location.href")}')
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
        await asyncio.gather(*self.body_tasks)

    async def _click(self, locate, what):
        async def click():
            found = await self.evaluate(f'(function () {{ var e = {locate}; if (!e) {{ return false; }}'
                                        f' setTimeout(function () {{ e.click(); }}, 0); return true; }})()')
            assert found, f'nothing to click called {what!r} on {await self.evaluate("location.href")}'
        await self._settle(click())

    def text(self):
        return self.evaluate('document.body ? document.body.innerText : ""')

    def har(self):
        for request_id, hops in self.hops.items():
            for hop, headers in zip(hops, self.extra_requests.get(request_id, [])):
                hop.request_headers = headers
            for hop, headers in zip(hops, self.extra_responses.get(request_id, [])):
                hop.response_headers = headers
        return {'log': {'version': '1.2', 'creator': {'name': 'Chromium DevTools', 'version': ''},
                        'pages': [], 'entries': [hop.entry() for hop in self.order
                                                 if hop.request['url'].startswith('http')]}}


def record(script, path):
    """Run ``script(browser)`` (a coroutine function) and save what the browser did as HAR at ``path``."""
    async def main():
        async with Browser() as browser:
            await script(browser)
            await asyncio.sleep(0.3)
            await asyncio.gather(*browser.body_tasks)
            return browser.har()
    har = asyncio.run(main())
    Path(path).write_text(json.dumps(har, indent=1), encoding='utf-8')
    os.chmod(path, 0o600)
    return har
