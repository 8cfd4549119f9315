"""Where a person is, for the public holidays they have off: a country from a profile value, an office, or the
time zone, and that country's public holidays from the `holidays` package (kept current upstream, 200+
countries), so no one is messaged on a day their country takes off.

The time zone fallback reads the IANA `zone.tab` shipped with `tzdata` (each zone's country, e.g. Asia/Tokyo →
JP); country names come from its `iso3166.tab`.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Mapping
from datetime import date

import holidays


@functools.lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    text = importlib.resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                found[parts[2]] = parts[0]
    return found


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    text = importlib.resources.files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            code, name = line.split("\t", 1)
            names[name.strip().casefold()] = code.strip()
            names[code.strip().casefold()] = code.strip()
    return names


def country_of_zone(tz_name: str | None) -> str | None:
    """The country of an IANA zone (Asia/Tokyo → JP), None for UTC and zones of no one country."""
    return _zone_countries().get(tz_name or "")


def country_code(value: str | None) -> str | None:
    """An ISO 3166 code from a profile value: "JP", "jp" or "Japan"; None when it names no country."""
    if not value or not value.strip():
        return None
    return _country_names().get(value.strip().casefold())


def person_country(
    *,
    country_value: str | None = None,
    office_value: str | None = None,
    offices: Mapping[str, str] | None = None,
    tz_name: str | None = None,
) -> str | None:
    """The first that gives a country: the country profile value, the office's mapped country, the zone."""
    found = country_code(country_value)
    if found:
        return found
    if office_value and offices:
        by_office = {name.strip().casefold(): code for name, code in offices.items()}
        mapped = by_office.get(office_value.strip().casefold())
        if mapped:
            return mapped.upper()
    return country_of_zone(tz_name)


@functools.lru_cache(maxsize=512)
def _holidays_of(country: str, year: int) -> Mapping[date, str]:
    try:
        return dict(holidays.country_holidays(country, years=year).items())
    except NotImplementedError:  # a country the package has no calendar for: no public holidays known
        return {}


def public_holiday(country: str | None, day: date) -> str | None:
    """The name of `day`'s public holiday in `country` (local date), or None."""
    if not country:
        return None
    return _holidays_of(country.upper(), day.year).get(day)
