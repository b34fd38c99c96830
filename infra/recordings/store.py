"""The recordings storage port: files under the data directory by default, an S3-compatible bucket when configured.

A stored recording is named by its location (`file:///...` or `s3://bucket/key`), which the
`call.recording_stored` event carries. The methods block (disk, HTTP), so callers run them in a thread.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

from domain.errors import NotFound
from infra.settings import Settings

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


def recording_key(tenant_id: str | None, call_sid: str) -> str:
    """Where a call's recording goes inside a store: by tenant, then call (unsafe characters replaced)."""
    return f"{_SAFE.sub('_', tenant_id or 'no-tenant')}/{_SAFE.sub('_', call_sid)}.wav"


class RecordingStore(Protocol):
    """Puts and gets recordings by location (blocking: run in a thread)."""

    def put(self, key: str, data: bytes) -> str:
        """Store `data` under `key`; returns its location."""
        ...

    def get(self, location: str) -> bytes:
        """The bytes stored at a location this store gave (NotFound when they are gone)."""
        ...


class FileRecordingStore:
    """Recordings as files under a root directory (REVOS_DATA_DIR/recordings by default)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def put(self, key: str, data: bytes) -> str:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_bytes(data)
        partial.replace(path)  # a reader never sees half a file
        return path.as_uri()

    def get(self, location: str) -> bytes:
        parsed = urlparse(location)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or not path.is_relative_to(self.root):
            raise NotFound(f"{location} is not in this store ({self.root})", code="recording_not_found")
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"the recording file {path} is gone", code="recording_not_found") from exc


class S3RecordingStore:
    """Recordings as objects in an S3-compatible bucket (boto3; any endpoint speaking the S3 API)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._client = client
        self.bucket = bucket
        self.prefix = prefix

    def put(self, key: str, data: bytes) -> str:
        name = self.prefix + key
        self._client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType="audio/wav")
        return f"s3://{self.bucket}/{name}"

    def get(self, location: str) -> bytes:
        parsed = urlparse(location)
        if parsed.scheme != "s3" or parsed.netloc != self.bucket:
            raise NotFound(f"{location} is not in the bucket {self.bucket}", code="recording_not_found")
        try:
            body: bytes = self._client.get_object(Bucket=self.bucket, Key=parsed.path.lstrip("/"))["Body"].read()
        except self._client.exceptions.NoSuchKey as exc:
            raise NotFound(f"the recording {location} is gone", code="recording_not_found") from exc
        return body


def s3_client(settings: Settings) -> Any:
    """A boto3 S3 client from the REVOS_RECORDINGS_S3_* settings (else boto3's own credential chain)."""
    import boto3

    secret = settings.recordings_s3_secret_access_key
    return boto3.client("s3", endpoint_url=settings.recordings_s3_endpoint_url,
                        region_name=settings.recordings_s3_region,
                        aws_access_key_id=settings.recordings_s3_access_key_id,
                        aws_secret_access_key=secret.get_secret_value() if secret else None)


def build_store(settings: Settings) -> RecordingStore:
    """The deployment's store: the bucket when REVOS_RECORDINGS_S3_BUCKET is set, else the data directory."""
    if settings.recordings_s3_bucket:
        return S3RecordingStore(s3_client(settings), settings.recordings_s3_bucket, settings.recordings_s3_prefix)
    return FileRecordingStore(settings.resolved_data_dir() / "recordings")
