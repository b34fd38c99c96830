"""Text -> document: JSON, or YAML read as plain data (no tags, no anchors, no implicit dates or yes/no booleans).

YAML 1.1 would read `on:` as `true:` and `2026-12-25` as a date, so the loader resolves only what JSON has
(null, true/false, numbers) and leaves everything else a string: the same document gives the same data in both
formats. Duplicate keys and aliases are refused (an alias can grow a small text into a huge document).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import yaml

from domain.objectives.errors import ConfigError, ConfigInvalid, error

MAX_BYTES = 1_000_000
Format = Literal["yaml", "json"]
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlainLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers: dict[str, Any] = {}


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", list("-+0123456789")),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$", list("-+.0123456789")),
):
    _PlainLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
_PlainLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(node.value))
_PlainLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: float(node.value))
_PLAIN_TAGS = {"tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "str", "seq", "map")}


def sniff(text: str) -> Format:
    """JSON when the text starts with `{`, YAML otherwise."""
    return "json" if text.lstrip().startswith("{") else "yaml"


def parse_document(text: str | bytes, fmt: Format | None = None) -> dict[str, Any]:
    """The document as plain data; raises ConfigInvalid (`parse_error`, `duplicate_key`, ...) with every problem."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ConfigInvalid([error([], "too_large", f"the document is over {MAX_BYTES} bytes")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigInvalid([error([], "parse_error", f"not UTF-8 text: {exc.reason}")]) from None
    if len(text) > MAX_BYTES:
        raise ConfigInvalid([error([], "too_large", f"the document is over {MAX_BYTES} characters")])
    data, problems = _parse_json(text) if (fmt or sniff(text)) == "json" else _parse_yaml(text)
    if not problems and not isinstance(data, dict):
        problems = [error([], "wrong_type", "the document must be a mapping (business:, numbers:, objectives: ...)")]
    if problems:
        raise ConfigInvalid(problems)
    return data  # type: ignore[no-any-return]


class _Pairs(dict[str, Any]):
    duplicates: list[str]


def _pairs(items: list[tuple[str, Any]]) -> _Pairs:
    out = _Pairs(items)
    seen: set[str] = set()
    out.duplicates = []
    for key, _ in items:
        if key in seen:
            out.duplicates.append(key)
        seen.add(key)
    return out


def _parse_json(text: str) -> tuple[Any, list[ConfigError]]:
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
    except (json.JSONDecodeError, RecursionError) as exc:
        message = f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}" if isinstance(
            exc, json.JSONDecodeError) else "not JSON: nested too deeply"
        return None, [error([], "parse_error", message)]
    problems: list[ConfigError] = []
    _json_duplicates(data, [], problems)
    return data, problems


def _json_duplicates(value: Any, loc: list[Any], out: list[ConfigError]) -> None:
    if isinstance(value, _Pairs):
        out.extend(error([*loc, k], "duplicate_key", f"{k!r} appears twice") for k in value.duplicates)
        for key, item in value.items():
            _json_duplicates(item, [*loc, key], out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _json_duplicates(item, [*loc, i], out)


def _parse_yaml(text: str) -> tuple[Any, list[ConfigError]]:
    loader = _PlainLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        problems: list[ConfigError] = []
        _yaml_check(node, [], set(), problems)
        return (None if problems else loader.construct_document(node)), problems
    except yaml.YAMLError as exc:
        return None, [error([], "parse_error", f"not YAML: {_yaml_message(exc)}")]
    except RecursionError:
        return None, [error([], "parse_error", "not YAML: nested too deeply")]
    finally:
        loader.dispose()


def _yaml_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} at line {mark.line + 1} column {mark.column + 1}" if mark is not None else str(problem)


def _yaml_check(node: yaml.Node, loc: list[Any], seen: set[int], out: list[ConfigError]) -> None:
    """Refuse aliases (a node met twice), custom tags, non-string keys and duplicate keys, each at its path."""
    where = f"line {node.start_mark.line + 1}"
    if id(node) in seen:
        out.append(error(loc, "parse_error", f"YAML anchors and aliases are not allowed ({where})"))
        return
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        out.append(error(loc, "parse_error", f"YAML tag {node.tag} is not allowed ({where})"))
        return
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _yaml_check(item, [*loc, i], seen, out)
    elif isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                out.append(error(loc, "wrong_type", f"keys must be plain text (line {key_node.start_mark.line + 1})"))
                continue
            key = key_node.value
            if key in keys:
                out.append(error([*loc, key], "duplicate_key", f"{key!r} appears twice (line "
                                 f"{key_node.start_mark.line + 1})"))
            keys.add(key)
            _yaml_check(value_node, [*loc, key], seen, out)


__all__ = ["Format", "parse_document", "sniff"]
