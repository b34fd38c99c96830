"""The compiler: text -> document -> validated model -> graph -> canonical JSON -> sha256 content hash.

Every refusal is collected and raised at once as ConfigInvalid. Cross-section checks (the graph, transfers,
numbers, integrations) still run when another section is refused, on each section that is itself valid.
Nothing here does I/O: the numbers bound to other tenants, the verdicts on webhook hosts and the names of the
tenant's stored secrets come in as arguments, from the edge that looked them up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Set
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from domain.objectives.build import build_graph
from domain.objectives.config import MAX_OBJECTIVES, Escalation, TenantConfig
from domain.objectives.errors import ConfigError, ConfigInvalid, error
from domain.objectives.graph import ObjectiveGraph
from domain.objectives.integrations import Integration, Webhook, webhook_host
from domain.objectives.objective_types import Objective
from domain.objectives.parse import Format, parse_document
from domain.objectives.structure import structural_errors
from domain.objectives.values import check_e164

OBJECTIVE_LIST: TypeAdapter[list[Objective]] = TypeAdapter(
    Annotated[list[Objective], Field(min_length=1, max_length=MAX_OBJECTIVES)])
_INTEGRATION: TypeAdapter[Integration] = TypeAdapter(Integration)
_M = TypeVar("_M", bound=BaseModel)


class CompiledConfig(BaseModel):
    """A compiled version: the validated document, its graph, its canonical JSON and the sha256 of that JSON."""

    model_config = ConfigDict(frozen=True)

    config: TenantConfig
    graph: ObjectiveGraph
    canonical: str
    hash: str


def canonical_json(document: BaseModel) -> str:
    """Sorted keys, no insignificant whitespace, defaults written out: one text per meaning of the document."""
    return json.dumps(document.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(canonical: str) -> str:
    """The sha256 hex digest of the canonical JSON."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compile_config(text: str | bytes, fmt: Format | None = None, *, numbers_bound_elsewhere: Set[str] = frozenset(),
                   host_verdicts: Mapping[str, str | None] | None = None,
                   secret_names: Set[str] | None = None) -> CompiledConfig:
    """Parse YAML or JSON text (`fmt` None: sniffed) and compile it; see `compile_document`."""
    return compile_document(parse_document(text, fmt), numbers_bound_elsewhere=numbers_bound_elsewhere,
                            host_verdicts=host_verdicts, secret_names=secret_names)


def compile_document(document: Mapping[str, Any], *, numbers_bound_elsewhere: Set[str] = frozenset(),
                     host_verdicts: Mapping[str, str | None] | None = None,
                     secret_names: Set[str] | None = None) -> CompiledConfig:
    """Compile a parsed document, or raise ConfigInvalid with every problem.

    `numbers_bound_elsewhere`: E.164 numbers bound to other tenants. `host_verdicts`: webhook host -> None (may be
    called) or the reason it may not (`host_verdict`); None skips the check (the edge allows private hosts).
    `secret_names`: the tenant's stored secret names; None skips the check.
    """
    errors: list[ConfigError] = []
    config: TenantConfig | None = None
    try:
        config = TenantConfig.model_validate(document)
    except ValidationError as exc:
        errors.extend(structural_errors(exc))
    own = _numbers(document.get("numbers"), numbers_bound_elsewhere, errors)
    escalation = config.escalation if config else _section(Escalation, document.get("escalation", {}))
    agents = own | set(numbers_bound_elsewhere)
    if escalation is not None and escalation.transfer_to in agents:
        errors.append(error(["escalation", "transfer_to"], "transfer_loop",
                            f"{escalation.transfer_to} routes to an AI agent; escalations must reach a person"))
    _integrations(document.get("integrations"), config, host_verdicts, secret_names, errors)
    objectives = config.objectives if config else _objectives(document.get("objectives"))
    nodes, graph_errors = build_graph(objectives, escalation, agents) if objectives else ((), [])
    errors.extend(graph_errors)
    if errors or config is None:
        raise ConfigInvalid(errors)
    canonical = canonical_json(config)
    digest = content_hash(canonical)
    graph = ObjectiveGraph(config_hash=digest, entry=nodes[0].id, nodes=nodes, escalation=config.escalation,
                           optional_objectives=config.optional_objectives, recording=config.recording,
                           business=config.business)
    return CompiledConfig(config=config, graph=graph, canonical=canonical, hash=digest)


def _section(model: type[_M], raw: Any) -> _M | None:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _objectives(raw: Any) -> list[Objective] | None:
    try:
        return OBJECTIVE_LIST.validate_python(raw)
    except ValidationError:
        return None  # its structural errors are already reported; a partial graph would add false ones


def _numbers(raw: Any, bound_elsewhere: Set[str], errors: list[ConfigError]) -> set[str]:
    """The tenant's valid numbers; refuses duplicates and numbers bound to another tenant."""
    own: set[str] = set()
    for i, number in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(number, str) or not _is_e164(number):
            continue  # refused structurally
        if number in own:
            errors.append(error(["numbers", i], "duplicate_number", f"{number} is listed twice"))
        elif number in bound_elsewhere:
            errors.append(error(["numbers", i], "number_taken", f"{number} is bound to another tenant"))
        own.add(number)
    return own


def _is_e164(number: str) -> bool:
    try:
        check_e164(number)
    except ValueError:
        return False
    return True


def _integrations(raw: Any, config: TenantConfig | None, verdicts: Mapping[str, str | None] | None,
                  secrets: Set[str] | None, errors: list[ConfigError]) -> None:
    items = config.integrations if config else [_section_integration(r) for r in (raw if isinstance(raw, list) else [])]
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item is None:
            continue
        if item.id in seen:
            errors.append(error(["integrations", i, "id"], "duplicate_id",
                                f"{item.id!r} is already integrations[{seen[item.id]}]"))
        seen.setdefault(item.id, i)
        if isinstance(item, Webhook):
            errors.extend(_webhook(i, item, verdicts, secrets))


def _section_integration(raw: Any) -> Integration | None:
    try:
        return _INTEGRATION.validate_python(raw)
    except ValidationError:
        return None


def _webhook(i: int, hook: Webhook, verdicts: Mapping[str, str | None] | None,
             secrets: Set[str] | None) -> list[ConfigError]:
    out = []
    host = webhook_host(hook.url)
    if verdicts is not None and host not in verdicts:
        out.append(error(["integrations", i, "url"], "host_unchecked", f"the host {host!r} was not checked"))
    elif verdicts is not None and verdicts[host] is not None:
        out.append(error(["integrations", i, "url"], "host_refused",
                         f"the host {host!r} may not be called ({verdicts[host]} address)"))
    if secrets is not None and hook.secret not in secrets:
        out.append(error(["integrations", i, "secret"], "secret_unknown",
                         f"the tenant has no stored secret named {hook.secret!r}"))
    return out


def webhook_hosts(document: Mapping[str, Any]) -> frozenset[str]:
    """The hosts of the document's webhook URLs: what the edge resolves to build `host_verdicts`."""
    raw = document.get("integrations")
    return frozenset(webhook_host(item["url"]) for item in (raw if isinstance(raw, list) else [])
                     if isinstance(item, dict) and item.get("type") == "webhook" and isinstance(item.get("url"), str))
