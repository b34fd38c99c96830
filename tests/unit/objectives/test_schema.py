"""The published JSON Schema: the committed file is what the models generate, and it describes real documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from domain.objectives import SCHEMA_FILE, config_json_schema, parse_document, schema_text
from tests.unit.objectives.documents import INTEGRATIONS_YAML, ISSUE_YAML, plumber
from workers.cli import build_parser

EXAMPLES = sorted((Path(__file__).parents[3] / "examples" / "tenants").glob("*.*"))
VALIDATOR = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_the_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run `revos config schema --write`"


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(config_json_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_the_examples_satisfy_the_schema(path: Path) -> None:
    assert list(VALIDATOR.iter_errors(parse_document(path.read_text(encoding="utf-8")))) == []


def test_the_issue_document_satisfies_the_schema() -> None:
    assert list(VALIDATOR.iter_errors(parse_document(ISSUE_YAML + INTEGRATIONS_YAML))) == []


def test_the_schema_refuses_an_unknown_key_and_an_unknown_type() -> None:
    document = plumber()
    document["objectives"][0]["colour"] = "blue"
    document["objectives"][1]["type"] = "capture_fax"
    assert len(list(VALIDATOR.iter_errors(document))) >= 2


def test_revos_config_schema_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["config", "schema"])
    assert args.func(args) == 0
    assert capsys.readouterr().out == schema_text()
