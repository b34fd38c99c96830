"""The compiler accepts the issue's document as written, in YAML or JSON, and hashes meaning, not spelling."""

from __future__ import annotations

import json

import pytest
import yaml

from domain.objectives import ConfigInvalid, compile_config, compile_document, parse_document
from tests.unit.objectives.documents import INTEGRATIONS_YAML, ISSUE_YAML, plumber


def test_the_issue_document_compiles_as_written() -> None:
    compiled = compile_config(ISSUE_YAML)
    graph = compiled.graph
    assert graph.entry == "name"
    assert [n.id for n in graph.nodes] == ["name", "service", "phone", "email", "visit", "wrap_up", "transfer"]
    assert graph.node("transfer").transfer_to == "+61290000002"
    assert graph.node("email").required is False
    assert graph.node("visit").skip_when_closed is True
    assert compiled.config.recording == "record" and compiled.config.optional_objectives == "on"
    assert len(compiled.hash) == 64 and graph.config_hash == compiled.hash


def test_with_issue_12s_integrations_as_written() -> None:
    compiled = compile_config(ISSUE_YAML + INTEGRATIONS_YAML)
    hooks = compiled.config.integrations
    assert [(i.id, i.type, i.on) for i in hooks] == [
        ("crm", "webhook", ["lead.captured", "call.ended"]), ("owner_sms", "sms", ["lead.captured"]),
        ("office_email", "email", ["call.ended"]), ("bookings", "calendar", ["appointment.requested"])]


def test_json_and_yaml_of_one_document_give_one_hash() -> None:
    as_json = json.dumps(plumber())
    assert compile_config(as_json).hash == compile_config(ISSUE_YAML + INTEGRATIONS_YAML).hash


def test_key_order_does_not_change_the_hash() -> None:
    def reversed_keys(value: object) -> object:
        if isinstance(value, dict):
            return {k: reversed_keys(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reversed_keys(v) for v in value]
        return value

    shuffled = yaml.safe_dump(reversed_keys(plumber()), sort_keys=False)
    assert shuffled.index("integrations") < shuffled.index("business")
    compiled, original = compile_config(shuffled), compile_document(plumber())
    assert compiled.hash == original.hash and compiled.graph == original.graph


def test_writing_a_default_out_does_not_change_the_hash() -> None:
    explicit = plumber()
    explicit["objectives"][0]["required"] = True
    explicit["recording"] = "record"
    explicit["escalation"]["after_hours"] = "call_back"
    assert compile_document(explicit).hash == compile_document(plumber()).hash


def test_a_different_document_has_a_different_hash() -> None:
    changed = plumber()
    changed["business"]["holidays"].append("2027-01-01")
    assert compile_document(changed).hash != compile_document(plumber()).hash


def test_the_canonical_form_compiles_to_itself() -> None:
    compiled = compile_document(plumber())
    again = compile_config(compiled.canonical, "json")
    assert again.canonical == compiled.canonical and again.hash == compiled.hash
    assert again.graph == compiled.graph


def test_the_graph_round_trips_through_json() -> None:
    graph = compile_document(plumber()).graph
    restored = type(graph).model_validate_json(graph.model_dump_json())
    assert restored == graph and restored.node("service").options[0].name == "emergency"


def test_yaml_is_read_as_plain_data() -> None:
    text = ISSUE_YAML.replace('holidays: ["2026-12-25", "2026-12-26"]', "holidays: [2026-12-25, 2026-12-26]")
    text += "optional_objectives: off\nrecording: off\n"
    compiled = compile_config(text)
    assert compiled.config.business.holidays == ["2026-12-25", "2026-12-26"]  # not dates
    assert compiled.config.optional_objectives == "off" and compiled.config.recording == "off"  # not False


def test_yaml_on_is_a_key_not_true() -> None:
    assert parse_document("on: [call.ended]\n") == {"on": ["call.ended"]}


def test_an_unquoted_phone_number_is_refused_with_a_hint() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        compile_config(ISSUE_YAML.replace('numbers: ["+61290000001"]', "numbers: [+61290000001]"))
    [problem] = caught.value.errors
    assert (problem.path, problem.code) == ("$.numbers[0]", "wrong_type") and "quote" in problem.message


def test_a_local_number_is_refused_with_its_e164_form() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        compile_config(ISSUE_YAML.replace('"+61290000002"', '"+61 2 9000 0002"'))
    assert "write +61290000002" in caught.value.errors[0].message


def test_bytes_are_read_as_utf8_and_bad_bytes_refused() -> None:
    assert compile_config(ISSUE_YAML.encode()).hash == compile_config(ISSUE_YAML).hash
    with pytest.raises(ConfigInvalid) as caught:
        compile_config(b"business: \xff\n")
    assert caught.value.errors[0].code == "parse_error"


def test_the_format_can_be_forced() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        compile_config(ISSUE_YAML, "json")
    assert caught.value.errors[0].code == "parse_error"


def test_multiple_yaml_documents_are_refused() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        compile_config(ISSUE_YAML + "---\n" + ISSUE_YAML)
    assert caught.value.errors[0].code == "parse_error"


def test_an_empty_text_is_refused() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        compile_config("")
    assert [(e.path, e.code) for e in caught.value.errors] == [("$", "wrong_type")]


def test_a_thousand_objectives_compile() -> None:
    objectives = [{"id": f"detail_{i}", "type": "message", "required": False} for i in range(999)]
    document = plumber()
    document["objectives"] = [*objectives, {"id": "done", "type": "end"}]
    assert len(compile_document(document).graph.nodes) == 1000
