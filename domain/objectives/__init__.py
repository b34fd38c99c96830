"""Objective graphs: tenant configuration, compiler, compiled graph and walk (docs/decisions/0010)."""

from domain.objectives.business import Business, Hours, business_open
from domain.objectives.compiler import (
    CompiledConfig,
    canonical_json,
    compile_config,
    compile_document,
    content_hash,
    webhook_hosts,
)
from domain.objectives.config import Escalation, Notifications, TenantConfig
from domain.objectives.coverage import Coverage, SmokePath, covering_paths
from domain.objectives.default import DEFAULT_OBJECTIVES, default_graph
from domain.objectives.errors import CODES, ConfigError, ConfigInvalid, WalkError
from domain.objectives.graph import CaptureKind, ChoiceIs, Condition, GraphEdge, Node, ObjectiveGraph, Option
from domain.objectives.integrations import EVENTS, Event, host_verdict, webhook_host
from domain.objectives.matching import match_option
from domain.objectives.parse import parse_document
from domain.objectives.schema import SCHEMA_FILE, config_json_schema, schema_text
from domain.objectives.settings import SettingsChange, derive_document, parse_settings_change
from domain.objectives.walk import (
    Outcome,
    Terminal,
    Visit,
    WalkState,
    advance,
    fold,
    next_edge,
    required_captured,
    skipped,
    start,
)

__all__ = [
    "CODES", "DEFAULT_OBJECTIVES", "EVENTS", "SCHEMA_FILE", "Business", "CaptureKind", "ChoiceIs", "CompiledConfig",
    "Condition", "ConfigError", "ConfigInvalid", "Coverage", "Escalation", "Event", "GraphEdge", "Hours", "Node",
    "Notifications", "ObjectiveGraph", "Option", "Outcome", "SettingsChange", "SmokePath", "TenantConfig",
    "Terminal", "Visit", "WalkError", "WalkState", "advance", "business_open", "canonical_json", "compile_config",
    "compile_document", "config_json_schema", "content_hash", "covering_paths", "default_graph", "derive_document",
    "fold", "host_verdict", "match_option", "next_edge", "parse_document", "parse_settings_change",
    "required_captured", "schema_text", "skipped", "start", "webhook_host", "webhook_hosts",
]  # fmt: skip
