"""Shared benchmark helpers: a throwaway migrated embedded Postgres and percentile printing."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from infra.db import embedded
from infra.db.admin import ensure_database
from infra.db.migrate import upgrade


@contextmanager
def migrated_database() -> Iterator[str]:
    """A fresh embedded Postgres in a temp dir with every migration applied; yields its URL."""
    with tempfile.TemporaryDirectory(prefix="revos-bench-") as tmp:
        server = embedded.start(Path(tmp) / "pg")
        try:
            asyncio.run(ensure_database(server.url, "bench"))
            url = server.database_url("bench")
            upgrade(url)
            yield url
        finally:
            server.stop()


def percentile(samples: Sequence[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def describe_ms(name: str, seconds: Sequence[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name}: n={len(ms)} p50={percentile(ms, 50):.2f} ms p95={percentile(ms, 95):.2f} ms "
            f"p99={percentile(ms, 99):.2f} ms mean={statistics.fmean(ms):.2f} ms")
