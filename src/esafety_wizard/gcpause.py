"""Pause the cyclic garbage collector while building large structures that all stay alive.

Loading a flowchart or listing its paths makes many small objects and frees none of them; the collector
would rescan them again and again, which makes the work grow faster than the file. Reference counting still
frees everything as usual.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
