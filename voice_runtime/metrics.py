"""Voice latency metrics: Prometheus histograms for /metrics, plus raw samples for benchmarks."""

from __future__ import annotations

from collections import deque

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0)
FRAME_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05)
SAMPLES = 200_000
SAMPLED = ("voice_to_voice", "stt_final_delay", "tts_ttfb", "barge_in_reaction", "turn_end_delay", "reply_request")


class VoiceMetrics:
    """Everything the voice worker measures; one instance per process (its own registry)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.voice_to_voice = Histogram("revos_voice_voice_to_voice_seconds",
                                        "caller's last voiced frame -> first agent audio frame sent",
                                        buckets=LATENCY_BUCKETS, registry=r)
        self.stt_final_delay = Histogram("revos_voice_stt_final_delay_seconds",
                                         "end of caller speech -> STT final", buckets=LATENCY_BUCKETS, registry=r)
        self.tts_ttfb = Histogram("revos_voice_tts_ttfb_seconds", "TTS request -> first audio bytes",
                                  buckets=LATENCY_BUCKETS, registry=r)
        self.barge_in_reaction = Histogram("revos_voice_barge_in_reaction_seconds",
                                           "caller speech onset -> Twilio clear sent",
                                           buckets=LATENCY_BUCKETS, registry=r)
        # voice-to-voice in parts: the end of the turn decided, then the reply asked of TTS (the dialogue's decision)
        self.turn_end_delay = Histogram("revos_voice_turn_end_delay_seconds",
                                        "end of caller speech -> end of the caller's turn decided",
                                        buckets=LATENCY_BUCKETS, registry=r)
        self.reply_request = Histogram("revos_voice_reply_request_seconds",
                                       "end of caller speech -> the reply requested from TTS",
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.frame_processing = Histogram("revos_voice_frame_processing_seconds",
                                          "processing time of one inbound 20 ms media frame",
                                          buckets=FRAME_BUCKETS, registry=r)
        self.frames_out = Counter("revos_voice_frames_sent_total", "outgoing 20 ms frames", registry=r)
        self.late_frames = Counter("revos_voice_late_frames_total",
                                   "outgoing frames sent after their playout deadline", registry=r)
        self.active_calls = Gauge("revos_voice_active_calls", "calls in progress", registry=r)
        self.calls = Counter("revos_voice_calls_total", "calls handled", ["outcome"], registry=r)
        self.events_dropped = Counter("revos_voice_events_dropped_total",
                                      "events refused because a delivery buffer was full", ["sink"], registry=r)
        self.events_pending = Gauge("revos_voice_events_pending", "events waiting for delivery", ["sink"],
                                    registry=r)
        self.stream_refusals = Counter("revos_voice_stream_refusals_total",
                                       "media streams refused (no valid token for the call)", ["reason"], registry=r)
        self.frame_samples: deque[float] = deque(maxlen=SAMPLES)
        self.tick_lateness: deque[float] = deque(maxlen=SAMPLES)
        self.samples: dict[str, deque[float]] = {name: deque(maxlen=SAMPLES) for name in SAMPLED}

    def observe(self, name: str, seconds: float) -> None:
        """One latency of a per-turn metric (histogram and raw sample)."""
        getattr(self, name).observe(seconds)
        self.samples[name].append(seconds)

    def observe_frame(self, seconds: float) -> None:
        """One inbound frame's processing time."""
        self.frame_processing.observe(seconds)
        self.frame_samples.append(seconds)
