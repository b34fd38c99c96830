"""Reading recordings in tests: where the audio is (voiced runs of a leg) and a tenant's customer key."""

from __future__ import annotations

import io
import wave
from uuid import UUID

import numpy as np
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth import Role
from infra.db.principals import create_principal


def mono_samples(wav_bytes: bytes) -> tuple[np.ndarray, int]:
    """The samples and rate of a mono PCM16 WAV."""
    with wave.open(io.BytesIO(wav_bytes), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()


def voiced_runs(samples: np.ndarray, rate: int, *, gap_ms: int = 400, floor: float = 300.0) -> list[tuple[int, int]]:
    """(start ms, end ms) of each stretch with sound, short pauses inside speech bridged."""
    frame = rate // 50
    rms = [float(np.sqrt(np.mean(samples[i:i + frame].astype(np.float64) ** 2)))
           for i in range(0, len(samples) - frame + 1, frame)]
    runs: list[list[int]] = []
    for i, level in enumerate(rms):
        if level < floor:
            continue
        if runs and i * 20 - runs[-1][1] <= gap_ms:
            runs[-1][1] = i * 20 + 20
        else:
            runs.append([i * 20, i * 20 + 20])
    return [(a, b) for a, b in runs]


async def customer_key(engine: AsyncEngine, tenant_id: UUID) -> str:
    """A new customer key for a tenant."""
    async with engine.begin() as conn:
        _, key = await create_principal(conn, name=f"customer of {tenant_id}", role=Role.CUSTOMER,
                                        tenant_id=tenant_id)
    return key
