"""Call recordings: the WAV layout and the storage port (files under the data directory, or an S3 bucket)."""
