"""Cost ports: Twilio usage and GCP billing, each with a cloud adapter and a local one (same-shaped rows).

The cloud adapter is chosen when its REVOS_TWILIO_* / REVOS_GCP_* settings are present; otherwise the
local adapter reads `twilio_usage_records` / `gcp_billing_export` from Postgres. Both aggregate at the
source (Twilio's daily records, a BigQuery GROUP BY, a Postgres GROUP BY) so a day is one small answer,
and every amount comes with its currency (Twilio's `price_unit`, the export's `currency`): converting
is the rollup's business (domain.capital.costs), never the port's. A day is the tenant's day: Twilio
reports whole dates, so its date is the tenant's date; the billing export is cut at the tenant's
midnights.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capital.costs import DayWindow, SourceCost
from infra.db.capital_facts import driver
from infra.settings import Settings


class DailyCostPort(Protocol):
    """A provider's spend for one tenant day, per external key (Twilio account sid, GCP project id) and currency.

    Polled through the day for the day so far (live spend) and once after it for the whole day.
    """

    async def daily_costs(self, window: DayWindow, keys: Sequence[str]) -> list[SourceCost]: ...


class TwilioUsageRecords:
    """Twilio Usage Records API (`totalprice` category, daily), one call per (sub)account."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token)

    def _fetch(self, window: DayWindow, keys: Sequence[str]) -> list[SourceCost]:
        out: list[SourceCost] = []
        for sid in keys:
            records: list[Any] = self._client.api.v2010.accounts(sid).usage.records.daily.list(
                category="totalprice", start_date=window.day, end_date=window.day)
            by_unit: dict[str, Decimal] = {}
            for r in records:
                unit = str(getattr(r, "price_unit", None) or "usd")
                by_unit[unit] = by_unit.get(unit, Decimal(0)) + Decimal(str(r.price or 0))
            out.extend(SourceCost(sid, amount, unit) for unit, amount in sorted(by_unit.items()))
        return out

    async def daily_costs(self, window: DayWindow, keys: Sequence[str]) -> list[SourceCost]:
        return await asyncio.to_thread(self._fetch, window, keys)


class BigQueryBilling:
    """The Cloud Billing export in BigQuery: cost plus credits per project and currency for one tenant day."""

    def __init__(self, project: str, table: str) -> None:
        from google.cloud import bigquery

        self._bq = bigquery
        self._client = bigquery.Client(project=project)
        self._table = table

    def _fetch(self, window: DayWindow, keys: Sequence[str]) -> list[SourceCost]:
        sql = (f"SELECT project.id AS key, currency, SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM "
               f"UNNEST(credits) c), 0)) AS cost FROM `{self._table}` WHERE usage_start_time >= @start AND "
               "usage_start_time < @end AND project.id IN UNNEST(@keys) GROUP BY key, currency")
        config = self._bq.QueryJobConfig(query_parameters=[
            self._bq.ScalarQueryParameter("start", "TIMESTAMP", window.start),
            self._bq.ScalarQueryParameter("end", "TIMESTAMP", window.end),
            self._bq.ArrayQueryParameter("keys", "STRING", list(keys)),
        ])
        return [SourceCost(row["key"], Decimal(str(row["cost"])), str(row["currency"]))
                for row in self._client.query(sql, job_config=config).result()]

    async def daily_costs(self, window: DayWindow, keys: Sequence[str]) -> list[SourceCost]:
        return await asyncio.to_thread(self._fetch, window, keys)


class LocalTwilioUsage:
    """Rows shaped like Twilio usage records, in Postgres."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def daily_costs(self, window: DayWindow, keys: Sequence[str]) -> list[SourceCost]:
        async with self._engine.connect() as conn:
            rows = await (await driver(conn)).fetch(
                "SELECT account_sid, price_unit, SUM(price) AS cost FROM twilio_usage_records WHERE start_date = $1 "
                "AND category = 'totalprice' AND account_sid = ANY($2::text[]) GROUP BY account_sid, price_unit "
                "ORDER BY 1, 2", window.day, list(keys))
        return [SourceCost(r["account_sid"], Decimal(r["cost"]), r["price_unit"]) for r in rows]


class LocalGcpBilling:
    """Rows shaped like the BigQuery billing export, in Postgres."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def daily_costs(self, window: DayWindow, keys: Sequence[str]) -> list[SourceCost]:
        async with self._engine.connect() as conn:
            rows = await (await driver(conn)).fetch(
                "SELECT project_id, currency, SUM(cost + credits_amount) AS cost FROM gcp_billing_export "
                "WHERE usage_start_time >= $1 AND usage_start_time < $2 AND project_id = ANY($3::text[]) "
                "GROUP BY project_id, currency ORDER BY 1, 2", window.start, window.end, list(keys))
        return [SourceCost(r["project_id"], Decimal(r["cost"]), r["currency"]) for r in rows]


def twilio_port(settings: Settings, engine: AsyncEngine) -> DailyCostPort:
    if settings.twilio_account_sid and settings.twilio_auth_token:
        return TwilioUsageRecords(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    return LocalTwilioUsage(engine)


def gcp_port(settings: Settings, engine: AsyncEngine) -> DailyCostPort:
    if settings.gcp_project and settings.gcp_billing_table:
        return BigQueryBilling(settings.gcp_project, settings.gcp_billing_table)
    return LocalGcpBilling(engine)
