"""Cost ports: Twilio usage and GCP billing, each with a cloud adapter and a local one (same-shaped rows).

The cloud adapter is chosen when its REVOS_TWILIO_* / REVOS_GCP_* settings are present; otherwise the
local adapter reads `twilio_usage_records` / `gcp_billing_export` from Postgres. Both aggregate at the
source (Twilio's daily records, a BigQuery GROUP BY, a Postgres GROUP BY) so a day is one small answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db.capital_facts import driver
from infra.settings import Settings

DailyCosts = list[tuple[str, Decimal]]


class DailyCostPort(Protocol):
    """A provider's spend for one UTC day, per external key (Twilio account sid, GCP project id)."""

    async def daily_costs(self, day: date, keys: Sequence[str]) -> DailyCosts: ...


class TwilioUsageRecords:
    """Twilio Usage Records API (`totalprice` category, daily), one call per (sub)account."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token)

    def _fetch(self, day: date, keys: Sequence[str]) -> DailyCosts:
        out: DailyCosts = []
        for sid in keys:
            records: list[Any] = self._client.api.v2010.accounts(sid).usage.records.daily.list(
                category="totalprice", start_date=day, end_date=day)
            out.append((sid, sum((Decimal(str(r.price or 0)) for r in records), Decimal(0))))
        return out

    async def daily_costs(self, day: date, keys: Sequence[str]) -> DailyCosts:
        return await asyncio.to_thread(self._fetch, day, keys)


class BigQueryBilling:
    """The Cloud Billing export in BigQuery: cost plus credits per project for one day."""

    def __init__(self, project: str, table: str) -> None:
        from google.cloud import bigquery

        self._bq = bigquery
        self._client = bigquery.Client(project=project)
        self._table = table

    def _fetch(self, day: date, keys: Sequence[str]) -> DailyCosts:
        sql = (f"SELECT project.id AS key, SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) c), 0)) "
               f"AS cost FROM `{self._table}` WHERE DATE(usage_start_time) = @day AND project.id IN UNNEST(@keys) "
               "GROUP BY key")
        config = self._bq.QueryJobConfig(query_parameters=[
            self._bq.ScalarQueryParameter("day", "DATE", day),
            self._bq.ArrayQueryParameter("keys", "STRING", list(keys)),
        ])
        return [(row["key"], Decimal(str(row["cost"]))) for row in self._client.query(sql, job_config=config).result()]

    async def daily_costs(self, day: date, keys: Sequence[str]) -> DailyCosts:
        return await asyncio.to_thread(self._fetch, day, keys)


class LocalTwilioUsage:
    """Rows shaped like Twilio usage records, in Postgres."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def daily_costs(self, day: date, keys: Sequence[str]) -> DailyCosts:
        async with self._engine.connect() as conn:
            rows = await (await driver(conn)).fetch(
                "SELECT account_sid, SUM(price) AS cost FROM twilio_usage_records WHERE start_date = $1 "
                "AND category = 'totalprice' AND account_sid = ANY($2::text[]) GROUP BY account_sid", day, list(keys))
        return [(r["account_sid"], Decimal(r["cost"])) for r in rows]


class LocalGcpBilling:
    """Rows shaped like the BigQuery billing export, in Postgres."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def daily_costs(self, day: date, keys: Sequence[str]) -> DailyCosts:
        start = datetime.combine(day, time(), UTC)
        async with self._engine.connect() as conn:
            rows = await (await driver(conn)).fetch(
                "SELECT project_id, SUM(cost + credits_amount) AS cost FROM gcp_billing_export "
                "WHERE usage_start_time >= $1 AND usage_start_time < $2 AND project_id = ANY($3::text[]) "
                "GROUP BY project_id", start, start + timedelta(days=1), list(keys))
        return [(r["project_id"], Decimal(r["cost"])) for r in rows]


def twilio_port(settings: Settings, engine: AsyncEngine) -> DailyCostPort:
    if settings.twilio_account_sid and settings.twilio_auth_token:
        return TwilioUsageRecords(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    return LocalTwilioUsage(engine)


def gcp_port(settings: Settings, engine: AsyncEngine) -> DailyCostPort:
    if settings.gcp_project and settings.gcp_billing_table:
        return BigQueryBilling(settings.gcp_project, settings.gcp_billing_table)
    return LocalGcpBilling(engine)
