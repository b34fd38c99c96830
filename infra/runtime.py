"""Process-level tuning applied by every long-running entry point (API, worker, voice)."""

from __future__ import annotations

import gc

# CPython's default gen-0 threshold (700 allocations) makes parsing a large request (the kernel's
# 20,000-item inputs) spend about half its time in the collector. Long-lived objects created at start-up
# are frozen out of collection, and young collections run far less often.
GC_THRESHOLDS = (100_000, 50, 100)


def tune_gc() -> None:
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
