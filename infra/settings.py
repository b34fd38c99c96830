"""Process settings: every knob is a REVOS_ environment variable (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    # governance
    governance_activation_delay_seconds: float = Field(default=300, ge=0)
    governance_activation_window_seconds: float = Field(default=3600, gt=0)
    governance_step_interval_seconds: float = Field(default=0, ge=0)
    governance_manual_triage_types: list[str] = Field(default_factory=lambda: ["escalation"])
    governance_founder_notify: str = "founder@localhost"
    governance_smtp_host: str | None = None  # set to e-mail the founder; absent: recorded locally only
    governance_smtp_port: int = 25
    governance_smtp_sender: str = "revos@localhost"

    # capital
    # Seconds in one "day" of an experiment's time cap (tests shrink it); UTC calendar days for cost rollups.
    capital_day_seconds: float = Field(default=86400, gt=0)
    capital_update_timeout_seconds: float = Field(default=30, gt=0)
    capital_rollup_cron: str = "15 0 * * *"
    capital_weekly_cron: str = "0 1 * * 1"
    capital_create_schedules: bool = True

    # kernel
    kernel_schedule_every_seconds: float = Field(default=24 * 3600, gt=0)
    kernel_schedule_offset_seconds: float = Field(default=6 * 3600, ge=0)
    kernel_analysis_window_days: int = Field(default=30, ge=1, le=366)
    kernel_deviation_pct: float = Field(default=25.0, gt=0)
    kernel_deviation_trailing_days: int = Field(default=14, ge=1)
    kernel_deviation_min_points: int = Field(default=3, ge=1)
    kernel_activity_timeout_seconds: float = Field(default=60.0, gt=0)
    kernel_manual_wait_seconds: float = Field(default=30.0, gt=0)

    # voice (deployment-wide Voice Core tuning: identical for every tenant)
    voice_end_of_turn_silence_ms: int = Field(default=500, ge=50)
    voice_stt_final_timeout_ms: int = Field(default=1000, ge=50)
    voice_reprompt_after_seconds: float = Field(default=7.0, gt=0)
    voice_max_reprompts: int = Field(default=2, ge=0)
    voice_barge_in_min_speech_ms: int = Field(default=300, ge=0)  # shorter speech is a backchannel
    voice_dtmf_timeout_ms: int = Field(default=2500, ge=100)
    voice_mark_every_frames: int = Field(default=5, ge=1)
    voice_pacer_lead_ms: int = Field(default=60, ge=0)
    voice_event_buffer_capacity: int = Field(default=100_000, ge=1)
    voice_event_retry_max_seconds: float = Field(default=5.0, gt=0)
    voice_transfer_adapter: str = "local"  # "local" records requests; "twilio" updates the live call
    voice_transfer_timeout_seconds: float = Field(default=10.0, gt=0)
    # The agent stops being heard at the caller's speech onset (`clear`) and plays on from there if it was
    # only a backchannel; off, it talks over the caller until the backchannel guard has passed.
    voice_pause_on_speech: bool = True
    voice_transfer_mode: Literal["cold", "warm"] = "cold"  # warm: call and brief the target, then join the caller

    # voice engines
    deepgram_url: str = "wss://api.deepgram.com"  # the SDK's websocket base; tests point it at a local server
    deepgram_model: str = "nova-3"
    deepgram_language: str = "en-AU"
    deepgram_endpointing_ms: int = Field(default=300, ge=10)
    deepgram_utterance_end_ms: int = Field(default=1000, ge=1000)
    deepgram_keepalive_seconds: float = Field(default=4.0, gt=0)
    deepgram_max_reconnects: int = Field(default=3, ge=0)
    elevenlabs_url: str = "https://api.elevenlabs.io"
    elevenlabs_voice_id: str = "21m00Tcm4TlvDq8ikWAM"
    elevenlabs_model: str = "eleven_flash_v2_5"
    elevenlabs_max_retries: int = Field(default=2, ge=0)
    piper_workers: int = Field(default=1, ge=1)
    piper_intra_op_threads: int = Field(default=1, ge=1)
    pocketsphinx_workers: int = Field(default=2, ge=1)
    pocketsphinx_endpoint_window_seconds: float = Field(default=0.3, gt=0)
    vad_min_rms: float = Field(default=300.0, ge=0)
    vad_start_ms: int = Field(default=60, ge=0)
    vad_hangover_ms: int = Field(default=400, ge=0)

    def queue(self, base: str) -> str:
        """The task queue to use for `base` (a name from infra.temporal.queues)."""
        return base + self.task_queue_suffix

    def resolved_data_dir(self) -> Path:
        return self.data_dir.resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
