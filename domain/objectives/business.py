"""The business section (name, timezone, opening hours, holidays) and whether the business is open at an instant."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from domain.objectives.values import IsoDate, Phrase, TimeRange, Timezone, parse_range

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def _no_overlap(ranges: list[str]) -> list[str]:
    spans = sorted(parse_range(r) for r in ranges)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise PydanticCustomError("hours_overlap", "opening ranges on one day overlap: {ranges}",
                                      {"ranges": ", ".join(ranges)})
    return ranges


DayHours = Annotated[list[TimeRange], AfterValidator(_no_overlap), Field(max_length=12)]


class Hours(BaseModel):
    """Opening ranges per weekday in the business's timezone; a day that is absent is closed."""

    model_config = STRICT

    mon: DayHours | None = None
    tue: DayHours | None = None
    wed: DayHours | None = None
    thu: DayHours | None = None
    fri: DayHours | None = None
    sat: DayHours | None = None
    sun: DayHours | None = None

    def ranges(self, weekday: int) -> list[tuple[int, int]]:
        """Opening ranges (minutes since midnight) for a weekday (0 = Monday)."""
        return [parse_range(r) for r in getattr(self, DAYS[weekday]) or []]


class Business(BaseModel):
    """Who answers and when: the name in the greeting, the timezone dates and hours are read in."""

    model_config = STRICT

    name: str = Field(min_length=1, max_length=120)
    timezone: Timezone
    hours: Hours
    holidays: list[IsoDate] = Field(default_factory=list, max_length=400)
    service_area: list[Phrase] = Field(default_factory=list, max_length=200)

    @field_validator("name")
    @classmethod
    def _printable(cls, value: str) -> str:
        if not value.strip() or any(not ch.isprintable() for ch in value):
            raise PydanticCustomError("invalid_name", "the business name is one line of printable text")
        return value


def business_open(business: Business, at: datetime) -> bool:
    """Whether the business is open at `at` (timezone-aware): a holiday is closed all day, else its day's hours."""
    if at.tzinfo is None:
        raise ValueError("business_open needs a timezone-aware datetime")
    local = at.astimezone(ZoneInfo(business.timezone))
    if local.date().isoformat() in business.holidays:
        return False
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in business.hours.ranges(local.weekday()))
