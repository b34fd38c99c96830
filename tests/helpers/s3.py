"""A local S3-compatible server (moto's server mode) for the recordings tests, and settings that point at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import SecretStr

from infra.settings import Settings

BUCKET = "revos-recordings"


@contextmanager
def s3_server() -> Iterator[str]:
    """Start the server on a free port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_settings(settings: Settings, endpoint: str) -> Settings:
    """`settings` storing recordings in BUCKET on the local server (which it creates)."""
    configured = settings.model_copy(update={
        "recordings_s3_bucket": BUCKET, "recordings_s3_endpoint_url": endpoint, "recordings_s3_region": "us-east-1",
        "recordings_s3_access_key_id": "local", "recordings_s3_secret_access_key": SecretStr("local-secret")})
    from infra.recordings.store import s3_client

    client = s3_client(configured)
    if BUCKET not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
        client.create_bucket(Bucket=BUCKET)
    return configured
