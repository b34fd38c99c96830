"""Process settings: every knob is a REVOS_ environment variable (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment configuration. Secrets are optional: absent means the local adapter."""

    model_config = SettingsConfigDict(env_prefix="REVOS_", env_file=".env", extra="ignore")

    data_dir: Path = Path(".revos")
    database_url: str | None = None
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    temporal_ui_port: int = 8233
    temporal_port: int = 7233
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    voice_host: str = "127.0.0.1"
    voice_port: int = 8765
    public_base_url: str | None = None
    log_level: str = "INFO"
    # Appended to every task queue name; tests set a unique one so their workers are isolated.
    task_queue_suffix: str = ""

    # Providers: set a key to use the cloud adapter instead of the local one.
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    deepgram_api_key: SecretStr | None = None
    elevenlabs_api_key: SecretStr | None = None
    gcp_project: str | None = None
    gcp_billing_table: str | None = None

    # Governed change
    contract_draft_ttl_seconds: float = Field(default=7 * 24 * 3600, gt=0)
    eligibility_confidence_threshold: float = Field(default=0.7, ge=0, le=1)

    # kernel
    kernel_schedule_every_seconds: float = Field(default=24 * 3600, gt=0)
    kernel_schedule_offset_seconds: float = Field(default=6 * 3600, ge=0)
    kernel_analysis_window_days: int = Field(default=30, ge=1, le=366)
    kernel_deviation_pct: float = Field(default=25.0, gt=0)
    kernel_deviation_trailing_days: int = Field(default=14, ge=1)
    kernel_deviation_min_points: int = Field(default=3, ge=1)
    kernel_activity_timeout_seconds: float = Field(default=60.0, gt=0)
    kernel_manual_wait_seconds: float = Field(default=30.0, gt=0)

    def queue(self, base: str) -> str:
        """The task queue to use for `base` (a name from infra.temporal.queues)."""
        return base + self.task_queue_suffix

    def resolved_data_dir(self) -> Path:
        return self.data_dir.resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
