"""The pieces of the dashboards' edits that decide without I/O: the diff between versions, the settings form."""

from __future__ import annotations

from api.ui.pages.configs import pick_pair
from api.ui.pages.tenant_settings import change_from_form, form_values
from domain.objectives import compile_document, parse_settings_change
from domain.onboarding.diff import diff_documents
from tests.helpers.onboarding import document


def test_a_diff_names_each_changed_leaf_and_objectives_by_id() -> None:
    before = compile_document(document()).config.model_dump(mode="json")
    after_doc = document(objectives=[{"id": "name", "type": "capture_name", "required": False},
                                     {"id": "email", "type": "capture_email"},
                                     {"id": "phone", "type": "capture_phone"}, {"id": "wrap_up", "type": "end"}])
    after_doc["business"]["hours"]["sat"] = ["09:00-12:00"]
    after = compile_document(after_doc).config.model_dump(mode="json")
    lines = {d.path: d for d in diff_documents(before, after)}
    assert lines["business.hours.sat"].before == "null" and lines["business.hours.sat"].after == '["09:00-12:00"]'
    assert lines["objectives[name].required"].change == "changed"
    assert lines["objectives[email]"].change == "added" and '"capture_email"' in str(lines["objectives[email]"].after)
    assert not any(p.startswith("objectives[phone]") for p in lines)  # moved down one place, not changed
    assert diff_documents(before, before) == []


def test_the_settings_form_round_trips_through_the_api_s_settings_model() -> None:
    config = compile_document(document(notifications={"emails": ["a@acme.example", "b@acme.example"]})).config
    shown = form_values(config)
    assert shown["hours"]["mon"] == "07:00-17:00" and shown["hours"]["sat"] == ""
    form = {f"hours_{d}": v for d, v in shown["hours"].items()} | {
        "holidays": "2026-12-25\n2026-12-26", "transfer_to": "", "emails": shown["emails"]}
    form["hours_mon"] = "08:00-12:00,  13:00-16:00"
    change = parse_settings_change(change_from_form(form))
    assert change.hours is not None and change.hours.mon == ["08:00-12:00", "13:00-16:00"] and change.hours.sat is None
    assert change.holidays == ["2026-12-25", "2026-12-26"] and change.transfer_to is None
    assert change.emails == ["a@acme.example", "b@acme.example"]


def test_the_default_comparison_is_the_active_version_against_the_one_it_came_from() -> None:
    from datetime import UTC, datetime

    from domain.onboarding.versions import StoredVersion

    def version(n: int, derived: int | None) -> StoredVersion:
        return StoredVersion(tenant_id="00000000-0000-0000-0000-000000000001", version=n, hash=str(n), canonical={},
                             document={}, source_format="json", derived_from=derived,
                             created_at=datetime.now(UTC), created_by="t")

    versions = [version(1, None), version(2, None), version(3, 1)]
    assert [v.version for v in pick_pair(versions, 3, None, None) or ()] == [1, 3]
    assert [v.version for v in pick_pair(versions, None, None, None) or ()] == [1, 3]
    assert [v.version for v in pick_pair(versions, 3, 2, 1) or ()] == [2, 1]
    assert pick_pair(versions[:1], 1, None, None) is None
