"""Loaded through ``PYTHONPATH`` by ``./run tests-clock`` only: every Python process of the run
(pytest and the servers, tools and apps it starts) sees the wall clock shifted by
``GRIDWALL_CLOCK_OFFSET_S`` seconds, so that the suite runs at a chosen Beijing hour.

The shift is done inside Python by time-machine (``time.time``, ``time.localtime``,
``datetime.now`` ...), computed from the real clock at each process's start, so all processes
agree and the clock keeps running. The monotonic clock, timers and lock waits stay real.

Debian's libfaketime (LD_PRELOAD) was used before and was measured here to hang the suite: it
wraps ``pthread_cond_timedwait``, which CPython's GIL waits on, and threads then stalled for good
(a thread start never woken; ``Event.wait(t)`` never returning; ``time.sleep`` failing with
EINVAL once the monotonic clock was left alone). GridWall reads the time of day only through
Python (the map page formats the epochs it is given), so faking Python's clock covers it.
"""

import os
import time

_offset = os.environ.get("GRIDWALL_CLOCK_OFFSET_S")
if _offset:
    import time_machine

    _travel = time_machine.travel(time.time() + float(_offset), tick=True)
    _travel.start()
