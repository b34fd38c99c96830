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
    governance_smtp_host: str | None = None  # the SMTP relay when REVOS_SMTP_HOST is unset; neither: recorded locally
    governance_smtp_port: int = 25
    governance_smtp_sender: str = "revos@localhost"

    # governed change (issue 14): signed approvals, executors' health, notifications, scope locks
    # The API signs founder decisions with this secret; unset: <data_dir>/governance-approval.key (`revos up`).
    governance_approval_secret: SecretStr | None = None
    governance_approval_secret_file: Path | None = None
    governance_approval_ttl_seconds: float = Field(default=300, gt=0)
    governance_scope_recheck_seconds: float = Field(default=30, gt=0)
    # Health compares this window after a change's job with the same length before it (tests shrink it).
    governance_observation_window_seconds: float = Field(default=900, ge=0)
    # Voice health compares rates only from windows with at least this many live calls.
    governance_voice_min_calls: int = Field(default=5, ge=1)
    governance_draft_reminder_seconds: float = Field(default=24 * 3600, ge=0)  # before a draft expires
    governance_inconclusive_deadline_seconds: float = Field(default=48 * 3600, gt=0)  # then rolled back

    # capital
    # Seconds in one "day" of an experiment's time cap (tests shrink it); a real day follows the tenant's clocks.
    capital_day_seconds: float = Field(default=86400, gt=0)
    capital_update_timeout_seconds: float = Field(default=30, gt=0)
    capital_rollup_cron: str = "15 0 * * *"
    capital_weekly_cron: str = "0 1 * * 1"
    capital_create_schedules: bool = True
    # capital hardening: how often provider usage (Twilio, GCP) is polled for every tenant's day so far, and
    # who gets the interrupt alerts and the weekly summary (e-mail through REVOS_GOVERNANCE_SMTP_*, else recorded)
    capital_spend_poll_seconds: float = Field(default=300, gt=0)
    capital_admin_recipients: list[str] = Field(default_factory=lambda: ["admin@localhost"])

    # api input guard (hardening): the largest request body accepted, in bytes (a 10,000-call dialer batch
    # is about 2.5 MB)
    api_max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)

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
    # After the end-of-turn window, how long the turn waits for the STT final. Whisper's final is its decode of the
    # turn (0.3-0.8 s on a loaded 2-core machine, more with calls at once) and there is no earlier text to fall back
    # on, so the wait must outlast a slow decode: a turn that times out loses what the caller said.
    voice_stt_final_timeout_ms: int = Field(default=2500, ge=50)
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
    # Whisper tiny.en (voice_runtime.stt.whisper_stt.WhisperStt, `whisper_stt_from_settings`)
    whisper_decode_workers: int = Field(default=2, ge=1)  # concurrent decodes; the model is shared
    whisper_cpu_threads: int = Field(default=1, ge=1)  # per decode
    whisper_beam_size: int = Field(default=5, ge=1)
    whisper_window_pad_seconds: float = Field(default=12.0, ge=0, le=30)  # 30: Whisper's full 30 s window
    whisper_gate_hangover_ms: int = Field(default=250, ge=50)  # silence before the speculative decode starts
    silero_vad_threshold: float = Field(default=0.5, gt=0, lt=1)  # voice_runtime.silero_vad.SileroVad
    # The embedded speech default (issue 10): Whisper tiny.en + Silero unless a deployment picks the older engines.
    stt_engine: Literal["whisper", "pocketsphinx"] = "whisper"  # the local STT when REVOS_DEEPGRAM_API_KEY is unset
    vad_engine: Literal["silero", "energy"] = "silero"  # the call's VAD (onset, barge-in, end of turn)
    vad_warm_models: int = Field(default=4, ge=0)  # Silero 8 kHz models loaded at worker start (more load on demand)
    vad_min_rms: float = Field(default=300.0, ge=0)
    vad_start_ms: int = Field(default=60, ge=0)
    vad_hangover_ms: int = Field(default=400, ge=0)

    # dashboards (/ui): the session cookie's signing secret (`revos up` keeps one under the data dir when unset;
    # a process without one signs with a random secret of its own, so its sessions end when it stops)
    ui_session_secret: SecretStr | None = None
    ui_session_hours: float = Field(default=12, gt=0)
    temporal_ui_url: str | None = None  # where the dashboards link workflows; default the dev server's UI
    voice_health_url: str | None = None  # the voice worker's /healthz; default from voice_host and voice_port
    # integrations: tenant secrets, post-call deliveries, notification channels, the cost of every call
    secrets_key: SecretStr | None = None  # base64url of 32 bytes; `revos up` keeps one in <data_dir>/secrets.key
    delivery_initial_backoff_seconds: float = Field(default=2.0, gt=0)
    delivery_backoff_max_seconds: float = Field(default=600.0, gt=0)
    delivery_max_attempts: int = Field(default=10, ge=1)
    delivery_max_age_seconds: float = Field(default=24 * 3600.0, gt=0)
    delivery_attempt_timeout_seconds: float = Field(default=30.0, gt=0)
    webhook_allow_private_hosts: bool = False  # tests and local demos; production refuses private addresses
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    smtp_host: str | None = None  # unset: e-mails are recorded in Postgres (the local adapter)
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_sender: str = "revos@localhost"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    smtp_ca_file: str | None = None  # a CA bundle to trust for STARTTLS (a private relay); default: the system's
    twilio_api_base_url: str | None = None  # tests point the SDK at a local server speaking Twilio's REST shape
    twilio_messaging_from: str | None = None  # an E.164 sender or a Messaging Service sid (MG...)
    caldav_url: str | None = None  # unset: bookings stay in the tenant's calendar table (and the invite e-mail)
    caldav_username: str | None = None
    caldav_password: SecretStr | None = None
    calendar_slot_minutes: int = Field(default=60, ge=5)
    alert_email: str | None = None  # the operator's channel; always recorded in operator_alerts
    alert_sms: str | None = None
    alert_webhook_url: str | None = None  # a chat incoming-webhook URL ({"text": ...})
    # cost rates (USD), today's published list prices; every cost line records the rate it used
    cost_twilio_inbound_per_minute: dict[str, float] = Field(default_factory=lambda: {
        "AU:local": 0.0100, "AU:mobile": 0.0100, "AU:toll_free": 0.0400, "US:local": 0.0085, "US:toll_free": 0.0220,
        "GB:local": 0.0100, "default": 0.0100})
    cost_twilio_outbound_per_minute: dict[str, float] = Field(default_factory=lambda: {
        "AU:local": 0.0240, "AU:mobile": 0.0720, "US:local": 0.0140, "US:mobile": 0.0140, "GB:local": 0.0180,
        "GB:mobile": 0.0450, "default": 0.0400})
    cost_media_stream_per_minute: float = Field(default=0.004, ge=0)
    cost_stt_per_minute: dict[str, float] = Field(default_factory=lambda: {"deepgram": 0.0077})
    cost_tts_per_1k_characters: dict[str, float] = Field(default_factory=lambda: {"elevenlabs": 0.05})
    cost_core_hour_usd: float = Field(default=0.0475, ge=0)  # one vCPU hour of a general-purpose cloud VM
    # onboarding (tenant configuration versions, the onboarding workflow, smoke calls, the media-socket token)
    # (webhook_allow_private_hosts above also skips the host check at upload)
    # Signs the media-socket tokens and smoke grants; `revos up` generates one under the data dir when unset.
    voice_stream_secret: SecretStr | None = None
    voice_stream_token_ttl_seconds: float = Field(default=60.0, gt=0)
    onboarding_voice_url: str | None = None  # where smoke calls dial the voice worker (default voice_host:port)
    # Smoke calls at once: the plumber example's six in one round; they share the voice worker with live calls.
    onboarding_smoke_concurrency: int = Field(default=6, ge=1, le=20)
    onboarding_smoke_call_seconds: float = Field(default=150.0, gt=0)
    # The stress gate after the smoke calls (issue 13): these personas ("all", "none" or a comma-separated list),
    # this many calls each per business state it runs in, a few at a time; activation is refused if one fails.
    onboarding_stress_personas: str = "all"
    onboarding_stress_calls: int = Field(default=1, ge=1, le=20)
    onboarding_stress_concurrency: int = Field(default=4, ge=1, le=20)
    onboarding_stress_seed: int = Field(default=0, ge=0)
    # wireup (seams between governed change, onboarding, integrations and capital)
    # The founder's mobile: what waits for them is also sent by SMS (through the integrations' SMS channel).
    governance_founder_sms: str | None = None
    # A governed change's job step may run this long: a voice settings step onboards a version (smoke calls
    # included) and waits for it; the step heartbeats meanwhile, so a lost worker is noticed within a minute.
    governance_step_timeout_seconds: float = Field(default=1800, gt=0)

    # recordings and replay (issue 13): where calls' audio is stored (the tenant's graph says whether a call is
    # recorded); a bucket when REVOS_RECORDINGS_S3_BUCKET is set (any S3-compatible endpoint), else the data dir
    recordings_s3_bucket: str | None = None
    recordings_s3_prefix: str = "recordings/"
    recordings_s3_endpoint_url: str | None = None  # None: AWS itself
    recordings_s3_region: str = "us-east-1"
    recordings_s3_access_key_id: str | None = None  # None: boto3's own credential chain
    recordings_s3_secret_access_key: SecretStr | None = None
    recordings_max_seconds: float = Field(default=4 * 3600, gt=0)  # longer calls keep their first hours
    # WebRTC calls (voice_runtime/webrtc: POST /webrtc/offer on the voice worker; tokens from the API)
    # Call tokens (domain/voice/call_tokens.py) are signed with onboard's voice_stream_secret (above), kept under
    # the data dir when unset (infra/stream_secret.py), so the API and the voice worker agree without configuration.
    webrtc_token_ttl_seconds: float = Field(default=60.0, gt=0, le=600)  # between issue and the offer
    webrtc_max_call_seconds: float = Field(default=900.0, gt=0)  # a browser call is ended after this long
    # Where browsers send their offer (the voice worker as the public sees it); default voice_host:voice_port.
    webrtc_public_url: str | None = None
    # STUN/TURN URLs handed to both ends ("stun:host:port", "turn:user:pass@host:port"); none: host candidates only.
    webrtc_ice_servers: list[str] = Field(default_factory=list)
    # Networks the voice worker's ICE uses and accepts (CIDRs); empty: every interface but loopback (aioice's
    # default). Tests and local demos set ["127.0.0.0/8"]: then every packet stays on loopback.
    webrtc_ice_networks: list[str] = Field(default_factory=list)

    @property
    def temporal_target(self) -> str:
        """Where Temporal answers: REVOS_TEMPORAL_ADDRESS, else the local dev server on `temporal_port`."""
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    def queue(self, base: str) -> str:
        """The task queue to use for `base` (a name from infra.temporal.queues)."""
        return base + self.task_queue_suffix

    @property
    def temporal_ui_base(self) -> str:
        """The Temporal UI's base URL (the dashboards link every workflow they show there)."""
        return (self.temporal_ui_url or f"http://127.0.0.1:{self.temporal_ui_port}").rstrip("/")

    @property
    def webrtc_offer_base(self) -> str:
        """The voice worker's base URL as browsers reach it (POST <base>/webrtc/offer)."""
        return (self.webrtc_public_url or f"http://{self.voice_host}:{self.voice_port}").rstrip("/")

    def resolved_data_dir(self) -> Path:
        return self.data_dir.resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
