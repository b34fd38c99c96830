"""Recordings in an S3-compatible bucket (a local server speaking the S3 API): put, get, refusals."""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from infra.recordings.store import S3RecordingStore, build_store, recording_key
from infra.settings import Settings
from tests.helpers.s3 import BUCKET, s3_server, s3_settings

pytestmark = [pytest.mark.integration]


def test_a_recording_goes_to_the_bucket_and_comes_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with s3_server() as endpoint:
        settings = s3_settings(Settings(data_dir=tmp_path), endpoint)
        store = build_store(settings)
        assert isinstance(store, S3RecordingStore)
        location = store.put(recording_key("tenant-1", "CA123"), b"RIFF....WAVE")
        assert location == f"s3://{BUCKET}/recordings/tenant-1/CA123.wav"
        assert build_store(settings).get(location) == b"RIFF....WAVE"
        with pytest.raises(NotFound):
            store.get(f"s3://{BUCKET}/recordings/tenant-1/CA404.wav")
        with pytest.raises(NotFound):
            store.get("s3://someone-elses-bucket/recordings/tenant-1/CA123.wav")
        assert not list(tmp_path.iterdir())  # nothing went to the data directory


def test_without_a_bucket_recordings_are_files_under_the_data_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = build_store(Settings(data_dir=tmp_path))
    location = store.put(recording_key(None, "CA1"), b"wav")
    assert location == (tmp_path / "recordings" / "no-tenant" / "CA1.wav").resolve().as_uri()
    assert store.get(location) == b"wav"
    with pytest.raises(NotFound):
        store.get((tmp_path / "elsewhere.wav").resolve().as_uri())
