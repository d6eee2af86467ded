"""Python's cyclic garbage collector, tuned for the length of a batch run from the command line.

A batch allocates a great many short-lived containers per request (headers, parsed feed items,
candidates, records), and CPython's collector looks at the youngest of them every 700 net
allocations and at everything alive (imported modules, the plugins, the suffix list, the bounded
URL caches) whenever enough has survived. Both passes find almost nothing to free: what a batch
drops is freed by reference counting as soon as it is dropped.

:func:`tuned_for_batch` does two things for as long as it is entered:

* everything alive when it is entered is frozen (``gc.freeze``): the collector no longer walks the
  objects start-up made, which live until the process ends anyway;
* the youngest generation is looked at every :data:`YOUNG_THRESHOLD` allocations instead of 700,
  so most short-lived objects are gone before a pass would have walked them.

On exit the previous thresholds are set again and the frozen objects are handed back to the
collector (when something else had frozen objects already, nothing is frozen or handed back).
The collector is the process's, so this is for the program that owns the process (the CLI's
``auditor audit``), not for a library call inside someone else's.

Measured with 300 generated brands through the fixture proxy (``benchmarks/throughput.py``'s
phases, the collector's time read with ``gc.callbacks``): 116-141 µs of collection per request
before, 57-60 µs with it; the bare httpx loop over the same URLs, 71-84 µs before, 38-43 µs with it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000


@contextmanager
def tuned_for_batch() -> Iterator[None]:
    """Freeze what is alive now and collect the youngest generation less often, until exit (see above)."""
    before = gc.get_threshold()
    freezing = gc.get_freeze_count() == 0  # a program that froze objects itself keeps them as it set them
    if freezing:
        gc.freeze()  # a constant-time move (no collection first: what start-up left in cycles is small)
    gc.set_threshold(max(YOUNG_THRESHOLD, before[0]) if before[0] else 0, *before[1:])  # 0: left off
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if freezing:
            gc.unfreeze()
