"""The cost ports: cloud adapters are chosen by settings and map provider answers to (key, Decimal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from activities.capital_costs import (
    BigQueryBilling,
    LocalGcpBilling,
    LocalTwilioUsage,
    TwilioUsageRecords,
    gcp_port,
    twilio_port,
)
from domain.capital.costs import SourceCost, day_window
from infra.settings import Settings

DAY = date(2026, 11, 4)
WINDOW = day_window(DAY, "Australia/Sydney")


def test_adapter_choice_follows_settings() -> None:
    engine: Any = object()
    assert isinstance(twilio_port(Settings(), engine), LocalTwilioUsage)
    assert isinstance(gcp_port(Settings(), engine), LocalGcpBilling)
    real = twilio_port(Settings(twilio_account_sid="ACx", twilio_auth_token="t"), engine)  # type: ignore[arg-type]
    assert isinstance(real, TwilioUsageRecords)


class FakeDaily:
    def __init__(self, calls: list[dict[str, Any]], prices: list[tuple[str | None, str]]) -> None:
        self.calls, self.prices = calls, prices

    def list(self, **kwargs: Any) -> list[Any]:
        self.calls.append(kwargs)
        return [SimpleNamespace(price=p, price_unit=u) for p, u in self.prices]


def test_twilio_usage_records_sum_totalprice_per_account() -> None:
    calls: list[dict[str, Any]] = []
    adapter = TwilioUsageRecords.__new__(TwilioUsageRecords)
    daily = FakeDaily(calls, [("1.25", "usd"), (None, "usd"), ("0.005", "usd"), ("2", "aud")])
    account = SimpleNamespace(usage=SimpleNamespace(records=SimpleNamespace(daily=daily)))
    adapter._client = SimpleNamespace(api=SimpleNamespace(v2010=SimpleNamespace(accounts=lambda sid: account)))
    assert adapter._fetch(WINDOW, ["AC1"]) == [SourceCost("AC1", Decimal("2"), "aud"),
                                               SourceCost("AC1", Decimal("1.255"), "usd")]
    assert calls == [{"category": "totalprice", "start_date": DAY, "end_date": DAY}]


def test_bigquery_billing_query_is_parameterized() -> None:
    seen: dict[str, Any] = {}

    class Job:
        def result(self) -> list[dict[str, Any]]:
            return [{"key": "proj-a", "cost": 12.5, "currency": "EUR"}]

    class Client:
        def query(self, sql: str, job_config: Any) -> Job:
            seen["sql"], seen["config"] = sql, job_config
            return Job()

    from google.cloud import bigquery

    adapter = BigQueryBilling.__new__(BigQueryBilling)
    adapter._bq, adapter._table = bigquery, "billing.gcp_billing_export_v1"
    adapter._client = Client()  # type: ignore[assignment]
    assert adapter._fetch(WINDOW, ["proj-a"]) == [SourceCost("proj-a", Decimal("12.5"), "EUR")]
    assert "@start" in seen["sql"] and "UNNEST(@keys)" in seen["sql"] and "credits" in seen["sql"]
    assert "currency" in seen["sql"]
    assert [p.name for p in seen["config"].query_parameters] == ["start", "end", "keys"]
    assert seen["config"].query_parameters[0].value == WINDOW.start  # the tenant's midnight, not UTC's
