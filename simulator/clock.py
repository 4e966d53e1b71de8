"""One virtual clock for the whole simulator, so tests can move time forward.

Printers, the fake Entra ID and the fake Google all read ``now()`` from the same
instance; ``advance()`` moves everyone at once (token lifetimes, code expiry).
"""

import time


class Clock:
    def __init__(self):
        self.offset = 0.0

    def now(self):
        return time.time() + self.offset

    def advance(self, seconds):
        self.offset += float(seconds)
        return self.now()
