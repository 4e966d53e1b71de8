"""A headless Chromium to look at the pages the collection writes (fleet report, sign-in sheet) as a person does.

Built on har_capture.Browser (DevTools over aiohttp): a window of a given size, screenshots, clicks
and typing as input events (so that the page sees a user gesture, as a copy to the clipboard needs),
and measurements of the laid-out page from its DOM.
"""

import asyncio
import base64
import json
from pathlib import Path

from har_capture import Browser


class PageBrowser(Browser):
    async def window(self, width, height):
        await self.send('Emulation.setDeviceMetricsOverride', width=width, height=height, deviceScaleFactor=1,
                        mobile=False, screenWidth=width, screenHeight=height)

    async def screenshot(self, path, full_page=False):
        params = {'format': 'png'}
        if full_page:
            size = await self.evaluate('[document.documentElement.scrollWidth, document.documentElement.scrollHeight]')
            params.update(captureBeyondViewport=True,
                          clip={'x': 0, 'y': 0, 'width': size[0], 'height': size[1], 'scale': 1})
        shot = await self.send('Page.captureScreenshot', **params)
        Path(path).write_bytes(base64.b64decode(shot['data']))
        return path

    async def center(self, selector):
        box = await self.evaluate(
            f'(function () {{ var e = document.querySelector({json.dumps(selector)}); if (!e) {{ return null; }}'
            f' e.scrollIntoView({{block: "center", inline: "center"}}); var r = e.getBoundingClientRect();'
            f' return [r.left + r.width / 2, r.top + r.height / 2]; }})()')
        assert box, f'nothing matches {selector!r}'
        return box

    async def click(self, selector):
        """A real mouse click (pressed and released) in the middle of the element."""
        x, y = await self.center(selector)
        for kind in ('mousePressed', 'mouseReleased'):
            await self.send('Input.dispatchMouseEvent', type=kind, x=x, y=y, button='left', clickCount=1)
        await asyncio.sleep(0.2)

    async def type_text(self, selector, text):
        """Focus a field and type into it (input events, as from a keyboard)."""
        await self.click(selector)
        await self.send('Input.insertText', text=text)
        await asyncio.sleep(0.2)

    async def reload_count(self, seconds):
        """How many times the page loads itself again within ``seconds`` (meta refresh)."""
        count = 0
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            self.loaded.clear()
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return count
            try:
                await asyncio.wait_for(self.loaded.wait(), left)
                count += 1
            except asyncio.TimeoutError:
                return count


def run(script):
    """Run ``script(browser)`` (a coroutine function) in a fresh headless Chromium; return its result."""
    async def main():
        async with PageBrowser() as browser:
            return await script(browser)
    return asyncio.run(main())
