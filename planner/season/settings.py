"""The season's settings, defined once: :class:`SeasonConfig`, :class:`Booking`, the errors.

:class:`SeasonConfig` is a pydantic (v2) dataclass. Each field's default and bounds are written
once, in its declaration; everything else reads them from there:

* the constructor validates every field against them (so ``dataclasses.replace`` does too) and
  raises a :class:`ConfigError` naming the setting as a config-file key with the value found;
* the TOML parser (:mod:`planner.season.config`) takes its defaults from
  :meth:`SeasonConfig.defaults` and its limits from :meth:`SeasonConfig.bounds`;
* the scenario store serialises with :meth:`SeasonConfig.to_dict` / :meth:`SeasonConfig.from_dict`;
* the app's forms start from :meth:`SeasonConfig.defaults`.

The bounds keep the solver's integer model and the date arithmetic in range: a relocation of
1e12 days or a weight of 1e300 is a typo, not a plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, NamedTuple

import annotated_types
from pydantic import ConfigDict, Field, InstanceOf, ValidationError
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from planner.data.regions import LANDS, holiday_subdivision
from planner.errors import InputError
from planner.i18n import DEFAULT_LANGUAGE, Message, t
from planner.notation import MAX_YEAR, MIN_YEAR
from planner.season.calendar import SeasonCalendar

__all__ = [
    "DEFAULT_OBJECTIVE",
    "MAX_GAP_DAYS",
    "MAX_RELOCATION_DAYS",
    "MAX_SEASON_DAYS",
    "MAX_STAY_DAYS",
    "MAX_STOPS",
    "MAX_TIME_LIMIT",
    "MAX_TOW_MINUTES",
    "MAX_UNITS",
    "MAX_WEIGHT",
    "SPARE_TIME",
    "Booking",
    "Bounds",
    "ConfigError",
    "Event",
    "SeasonConfig",
]

#: Bounds of the season settings: wide enough for any real tour, narrow enough that the solver's
#: integer model and the date arithmetic stay in range.
MAX_STAY_DAYS = 366
MAX_RELOCATION_DAYS = 365
MAX_GAP_DAYS = 3660
MAX_UNITS = 20
MAX_STOPS = 10_000
MAX_WEIGHT = 1000.0
MAX_TOW_MINUTES = 24 * 60.0
MAX_TIME_LIMIT = 24 * 3600.0
MAX_SEASON_DAYS = 11 * 366

#: The season's objective weights when a config file or the form does not set them: one point
#: per score point (0..100 per stop), one per 1,000 people newly reached at the regional scale
#: (15 min by car, ``coverage``), two per 1,000 people newly reached at the local scale (2 km, on
#: foot or by bike: the people who drop in, so they count double), minus one per 20 minutes
#: towed. (A :class:`SeasonConfig` built directly weighs the score alone.)
DEFAULT_OBJECTIVE: dict[str, float] = {"score": 1.0, "coverage": 0.001, "local": 0.002, "tow": 0.05}
#: What spare weeks become: longer stays (default), more stops, or idle time.
SPARE_TIME = ("longer_stays", "more_stops", "idle")
MAX_SPACING_KM = 100.0

_NO_VALUE: Any = object()


class ConfigError(InputError):
    """A season setting is invalid; names the setting and its value, in German or English.

    The same errors come from config files (:mod:`planner.season.config`), the app's form and
    :class:`SeasonConfig` itself, so the CLI and the app show the same messages.

    Attributes
    ----------
    key
        The setting, as written in a config file (e.g. ``"season.stay_days"``).
    value
        The offending value (absent when the setting is missing).
    problem
        What is wrong, as a structured :class:`~planner.i18n.Message`.
    """

    def __init__(self, key: str, problem: Message, *, value: object = _NO_VALUE) -> None:
        self.key = key
        self.problem = problem
        self.value = value
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The error in ``lang``."""
        if self.value is _NO_VALUE:
            return t("config.error_key", lang, key=self.key, problem=self.problem)
        value = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        return t("config.error", lang, key=self.key, value=repr(value), problem=self.problem)


@dataclasses.dataclass(frozen=True)
class Booking:
    """A fixed booking or a locked stop: ``site_id`` from ``start`` (to ``end``).

    Parameters
    ----------
    site_id
        Site of the stop.
    start
        First open day (must be an operating day).
    end
        Last open day (default: the site's stay length in operating days).
    locked
        ``True`` when it comes from a locked stop of an earlier plan (reporting only).
    """

    site_id: str
    start: dt.date
    end: dt.date | None = None
    locked: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (see :meth:`from_dict`)."""
        return {
            "site_id": self.site_id,
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "locked": self.locked,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Booking:
        """Inverse of :meth:`to_dict` (timestamps are cut to their date)."""
        end = data.get("end")
        return cls(
            site_id=str(data["site_id"]),
            start=dt.date.fromisoformat(str(data["start"])[:10]),
            end=None if end is None else dt.date.fromisoformat(str(end)[:10]),
            locked=bool(data.get("locked", False)),
        )


@dataclasses.dataclass(frozen=True)
class Event:
    """A planner's event at a site: market day, village festival, a partner's programme.

    A stop at ``site_id`` whose stay includes every day from ``start`` to ``end`` adds
    ``weight`` to the season's value (points, like a site's score of 0..100).

    Parameters
    ----------
    site_id
        Site of the event.
    start, end
        First and last day of the event (``end`` defaults to ``start``).
    weight
        Points the stop gains when its stay includes the event.
    name
        The event's name (shown to planners; plain text).
    """

    site_id: str
    start: dt.date
    end: dt.date | None = None
    weight: float = 10.0
    name: str = ""

    @property
    def last_day(self) -> dt.date:
        """The event's last day."""
        return self.start if self.end is None else self.end

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (see :meth:`from_dict`)."""
        return {
            "site_id": self.site_id,
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "weight": self.weight,
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """Inverse of :meth:`to_dict`."""
        end = data.get("end")
        return cls(
            site_id=str(data["site_id"]),
            start=dt.date.fromisoformat(str(data["start"])[:10]),
            end=None if end is None else dt.date.fromisoformat(str(end)[:10]),
            weight=float(data.get("weight", 10.0)),
            name=str(data.get("name") or ""),
        )


# Field types with their bounds: the one place each limit is written.
_Day = Annotated[dt.date, Field(ge=dt.date(MIN_YEAR, 1, 1), le=dt.date(MAX_YEAR, 12, 31))]
_Weight = Annotated[float, Field(ge=0.0, le=MAX_WEIGHT, allow_inf_nan=False)]
_Quota = Annotated[int, Field(ge=0, le=MAX_STOPS)]
_Weekday = Annotated[int, Field(ge=0, le=6)]
_TowLimit = Annotated[float, Field(gt=0.0, le=MAX_TOW_MINUTES, allow_inf_nan=False)]


def _raise_config_errors(cls: type) -> None:
    """Make the constructor of ``cls`` raise the first problem as a :class:`ConfigError`.

    pydantic reports every problem at once as a ``ValidationError``; the planner's callers
    catch one :class:`ConfigError` naming the config-file key, so the first problem in the
    order a reader checks a season (dates, whole numbers, shares, weights, limits, lists) is
    raised as one.
    """
    validated_init: Callable[..., None] = vars(cls)["__init__"]

    @functools.wraps(validated_init)
    def __init__(self: object, *args: Any, **kwargs: Any) -> None:
        try:
            validated_init(self, *args, **kwargs)
        except ValidationError as exc:
            raise _first_config_error(exc) from None

    setattr(cls, "__init__", __init__)  # noqa: B010 (mypy forbids assigning a method)


@dataclass(frozen=True, config=ConfigDict(strict=True))
class SeasonConfig:
    """Rules and weights of a season.

    Parameters
    ----------
    start, end
        Season dates (inclusive).
    home_site_id
        Site (row of the sites table and the matrix) where every unit starts and ends.
        It is not a stop unless booked.
    operating_weekdays
        0 = Monday … 6 = Sunday.
    blackout_dates
        Planner blackout dates → reason; with ``public_holidays`` the public holidays of the
        region's Land (``holiday_lands``) are blackout dates too.  No stay spans a blackout date.
    stay_days
        Default stay in operating days (sites may override it with a ``stay_days``
        column).
    relocation_days
        Free calendar days needed between two stops (towing and set-up).
    max_tow_minutes
        Maximum towing time of one relocation (``None``: no limit).
    district_quotas
        Exact number of stops per district (key: district name or district_ags).
    stops_total
        Total number of stops (``None``: the sum of the quotas if all stops are covered
        by quotas, else as many as are worth it).
    min_rural_share
        Minimum share (0..1) of stops at rural sites.
    municipality_gap_days
        Minimum number of days between the end of a stop and the start of the next stop
        in the same municipality.
    units
        Number of units touring at the same time.
    must_include, exclude
        Site ids.
    bookings
        Fixed bookings and locked stops.
    weight_score, weight_coverage, weight_local, weight_tow
        Objective: ``weight_score * Σ score + weight_coverage * people reached (regional
        scale: within the car threshold) + weight_local * people reached (local scale: within
        2 km) + Σ event weights - weight_tow * towing minutes``; each person counts once per
        scale in a season (:mod:`planner.coverage.reach`).
    min_same_municipality_km
        Two stops in one municipality are at least this far apart (straight line; 0: no rule).
    min_new_local_share
        Of the people within 2 km of a stop, at least this share (0..1) is within 2 km of no
        other stop of the season (so also of no earlier one); 0: no rule.
    spare_time
        What spare weeks become: ``"longer_stays"`` (stays grow up to ``longest_stay_days``),
        ``"more_stops"`` (quotas and the total become minimums; the season holds as many stops
        as fit, and the rest still lengthens stays) or ``"idle"`` (stays keep their length).
    longest_stay_days
        Most open days of a stay lengthened by spare time.
    events
        Events on dates at sites (:class:`Event`): a stay that includes one counts more.
    score_column
        Column of the sites table with the site score.
    time_limit
        Seconds for the whole planning call.
    holiday_lands
        2-digit Land keys whose public holidays close the unit (a municipality's Land is
        ``ags[:2]``): the region's Land, or the union for a region across Länder (see
        :mod:`planner.season.calendar`). Default ``("01",)``, Schleswig-Holstein; the config
        file and the form take it from the sites (:func:`planner.season.config.site_lands`).
    """

    start: _Day
    end: _Day
    home_site_id: str
    operating_weekdays: Annotated[tuple[_Weekday, ...], Field(min_length=1, strict=False)] = (
        0,
        1,
        2,
        3,
        4,
    )
    blackout_dates: Mapping[_Day, str] = Field(default_factory=dict)
    public_holidays: bool = True
    stay_days: Annotated[int, Field(ge=1, le=MAX_STAY_DAYS)] = 5
    relocation_days: Annotated[int, Field(ge=0, le=MAX_RELOCATION_DAYS)] = 1
    max_tow_minutes: _TowLimit | None = 90.0
    district_quotas: Mapping[str, _Quota] = Field(default_factory=dict)
    stops_total: Annotated[int, Field(ge=0, le=MAX_STOPS)] | None = None
    min_rural_share: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.0
    municipality_gap_days: Annotated[int, Field(ge=0, le=MAX_GAP_DAYS)] = 0
    units: Annotated[int, Field(ge=1, le=MAX_UNITS)] = 1
    must_include: Annotated[tuple[str, ...], Field(strict=False)] = ()
    exclude: Annotated[tuple[str, ...], Field(strict=False)] = ()
    bookings: Annotated[tuple[InstanceOf[Booking], ...], Field(strict=False)] = ()
    weight_score: _Weight = 1.0
    weight_coverage: _Weight = 0.0
    weight_local: _Weight = 0.0
    weight_tow: _Weight = 0.0
    min_same_municipality_km: Annotated[
        float, Field(ge=0.0, le=MAX_SPACING_KM, allow_inf_nan=False)
    ] = 3.0
    min_new_local_share: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.5
    spare_time: Literal["longer_stays", "more_stops", "idle"] = "longer_stays"
    longest_stay_days: Annotated[int, Field(ge=1, le=MAX_STAY_DAYS)] = 10
    events: Annotated[tuple[InstanceOf[Event], ...], Field(strict=False)] = ()
    score_column: str = "score"
    time_limit: Annotated[float, Field(gt=0.0, le=MAX_TIME_LIMIT, allow_inf_nan=False)] = 30.0
    holiday_lands: Annotated[tuple[str, ...], Field(min_length=1, strict=False)] = ("01",)

    def __post_init__(self) -> None:
        # What one field cannot say: the order of the dates, the season's length, bookings.
        if self.end < self.start:
            raise ConfigError(
                "season.end",
                Message("config.before_start", {"start": self.start.isoformat()}),
                value=self.end,
            )
        days = (self.end - self.start).days + 1
        if days > MAX_SEASON_DAYS:
            raise ConfigError(
                "season.end",
                Message("config.season_too_long", {"days": days, "max": MAX_SEASON_DAYS}),
                value=self.end,
            )
        for n, booking in enumerate(self.bookings):
            for part, when in (("start", booking.start), ("end", booking.end)):
                if when is not None and not MIN_YEAR <= when.year <= MAX_YEAR:
                    raise ConfigError(f"bookings[{n}].{part}", _YEARS, value=when)
        for n, event in enumerate(self.events):
            _check_event(n, event)
        unknown = [land for land in self.holiday_lands if land not in LANDS]
        if unknown:
            raise ConfigError(
                FIELD_KEYS["holiday_lands"],
                Message("config.unknown_land", {"known": ", ".join(LANDS)}),
                value=unknown[0],
            )

    def calendar(self) -> SeasonCalendar:
        """The season's :class:`~planner.season.calendar.SeasonCalendar`."""
        return SeasonCalendar(
            start=self.start,
            end=self.end,
            operating_weekdays=frozenset(self.operating_weekdays),
            blackouts=dict(self.blackout_dates),
            public_holidays=self.public_holidays,
            holiday_subdivisions=tuple(holiday_subdivision(land) for land in self.holiday_lands),
        )

    # ------------------------------------------------------------------ one source of settings
    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every setting with a default, by field name (``start``, ``end``, ``home_site_id``
        have none). Containers are fresh copies, so a form may change them."""
        out: dict[str, Any] = {}
        for name, info in _fields().items():
            if info.default_factory is not None:
                out[name] = info.default_factory()  # type: ignore[call-arg]
            elif info.is_required():
                continue
            else:
                out[name] = info.default
        return out

    @classmethod
    def bounds(cls, name: str) -> Bounds:
        """The limits of the setting ``name`` (of its values, for a table of them)."""
        info = _fields()[name]
        return _bounds_of(info.annotation, info.metadata)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict of every setting (see :meth:`from_dict`).

        Dates as ISO text, blackout dates as ``[date, reason]`` pairs in date order, bookings
        as dicts, tuples as lists.
        """
        out: dict[str, Any] = {}
        for name in _fields():
            value = getattr(self, name)
            if name == "blackout_dates":
                value = [[d.isoformat(), str(r)] for d, r in sorted(value.items())]
            elif name in ("bookings", "events"):
                value = [b.to_dict() for b in value]
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SeasonConfig:
        """Inverse of :meth:`to_dict` (unknown keys are ignored; timestamps cut to dates).

        Raises
        ------
        ConfigError
            When a value is out of its bounds.
        """
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k in _fields()}
        kwargs["start"] = dt.date.fromisoformat(str(data["start"])[:10])
        kwargs["end"] = dt.date.fromisoformat(str(data["end"])[:10])
        kwargs["blackout_dates"] = {
            dt.date.fromisoformat(d): str(r) for d, r in data.get("blackout_dates") or []
        }
        kwargs["bookings"] = tuple(Booking.from_dict(b) for b in data.get("bookings") or [])
        kwargs["events"] = tuple(Event.from_dict(e) for e in data.get("events") or [])
        for key in ("operating_weekdays", "must_include", "exclude", "holiday_lands"):
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        return cls(**kwargs)


_raise_config_errors(SeasonConfig)


def _check_event(n: int, event: Event) -> None:
    """An event's dates are in the planning range and in order, its weight a finite number."""
    for part, when in (("start", event.start), ("end", event.end)):
        if when is not None and not MIN_YEAR <= when.year <= MAX_YEAR:
            raise ConfigError(f"events[{n}].{part}", _YEARS, value=when)
    if event.end is not None and event.end < event.start:
        raise ConfigError(f"events[{n}].end", Message("config.range_reversed"), value=event.end)
    weight = event.weight
    if isinstance(weight, bool) or not (0.0 <= float(weight) <= MAX_WEIGHT):  # NaN fails too
        raise ConfigError(
            f"events[{n}].weight",
            Message("config.number_between", {"low": 0.0, "high": MAX_WEIGHT}),
            value=weight,
        )


def _fields() -> dict[str, FieldInfo]:
    """The settings' pydantic fields (declaration order): name → default, bounds."""
    fields: dict[str, FieldInfo] = getattr(SeasonConfig, "__pydantic_fields__")  # noqa: B009
    return fields


# ---------------------------------------------------------------------- bounds and errors
class Bounds(NamedTuple):
    """Limits of one setting: ``low`` (exclusive when ``open_low``) to ``high``; ``whole``
    for whole numbers."""

    low: Any
    high: Any
    open_low: bool
    whole: bool


def _bounds_of(annotation: Any, metadata: list[Any]) -> Bounds:
    """The bounds in ``metadata`` or, for ``X | None``, ``Mapping[K, X]`` and
    ``tuple[X, ...]``, in the value type's annotations."""
    low: Any = None
    high: Any = None
    open_low = False
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, open_low = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
    if low is None and high is None:
        for arg in reversed(getattr(annotation, "__args__", ())):
            inner = getattr(arg, "__metadata__", ())
            if inner:
                nested = [m for f in inner for m in getattr(f, "metadata", [f])]
                return _bounds_of(arg.__origin__, nested)
    whole = annotation is int or getattr(annotation, "__origin__", None) is int
    return Bounds(low, high, open_low, whole)


#: The config-file key of each setting (quotas and weights are tables of their own).
FIELD_KEYS: dict[str, str] = {
    "start": "season.start",
    "end": "season.end",
    "home_site_id": "season.home",
    "operating_weekdays": "season.operating_weekdays",
    "blackout_dates": "season.blackout_dates",
    "public_holidays": "season.public_holidays",
    "stay_days": "season.stay_days",
    "relocation_days": "season.relocation_days",
    "max_tow_minutes": "season.max_tow_minutes",
    "district_quotas": "quotas",
    "stops_total": "season.stops_total",
    "min_rural_share": "season.min_rural_share",
    "municipality_gap_days": "season.municipality_gap_days",
    "units": "season.units",
    "must_include": "season.must_include",
    "exclude": "season.exclude",
    "bookings": "bookings",
    "weight_score": "weights.score",
    "weight_coverage": "weights.coverage",
    "weight_local": "weights.local",
    "weight_tow": "weights.tow",
    "min_same_municipality_km": "season.min_same_municipality_km",
    "min_new_local_share": "season.min_new_local_share",
    "spare_time": "season.spare_time",
    "longest_stay_days": "season.longest_stay_days",
    "events": "events",
    "score_column": "data.score_column",
    "time_limit": "season.time_limit",
    "holiday_lands": "region.lands",
}
#: The order in which problems are reported when several settings are wrong.
_CHECK_ORDER = (
    "start",
    "end",
    "stay_days",
    "relocation_days",
    "municipality_gap_days",
    "units",
    "stops_total",
    "district_quotas",
    "min_rural_share",
    "weight_score",
    "weight_coverage",
    "weight_local",
    "weight_tow",
    "min_same_municipality_km",
    "min_new_local_share",
    "longest_stay_days",
    "time_limit",
    "max_tow_minutes",
    "operating_weekdays",
    "blackout_dates",
    "bookings",
    "events",
    "spare_time",
    "home_site_id",
    "public_holidays",
    "must_include",
    "exclude",
    "score_column",
    "holiday_lands",
)
_YEARS = Message("config.year_range", {"low": MIN_YEAR, "high": MAX_YEAR})
#: Settings whose problem is their type or shape, not a number out of range.
_SHAPE_PROBLEMS = {
    "operating_weekdays": "config.weekday_list",
    "home_site_id": "config.home",
    "public_holidays": "config.not_a_bool",
    "must_include": "config.site_list",
    "exclude": "config.site_list",
    "bookings": "config.booking",
    "events": "config.event",
    "spare_time": "config.spare_time",
    "score_column": "config.not_text",
    "holiday_lands": "config.land_list",
}


def _first_config_error(exc: ValidationError) -> ConfigError:
    """The first of pydantic's problems (in :data:`_CHECK_ORDER`) as a :class:`ConfigError`."""
    errors = exc.errors()
    for error in errors:  # raised by __post_init__: already a ConfigError
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, ConfigError):
            return cause
    error = min(errors, key=lambda e: _CHECK_ORDER.index(str(e["loc"][0])))
    return _config_error(error)


def _config_error(error: ErrorDetails) -> ConfigError:
    """One pydantic problem as a :class:`ConfigError` naming the config-file key and value."""
    name = str(error["loc"][0])
    key = FIELD_KEYS[name]
    value: object = error["input"]
    if name in ("start", "end", "blackout_dates"):
        day_type = error["type"] in ("date_type", "date_parsing")
        problem = Message("config.not_a_date") if day_type else _YEARS
        return ConfigError(key, problem, value=value)
    if name == "operating_weekdays":
        shown = list(value) if isinstance(value, tuple | list) else value
        return ConfigError(key, Message("config.weekday_list"), value=shown)
    if name in _SHAPE_PROBLEMS:
        return ConfigError(key, Message(_SHAPE_PROBLEMS[name]), value=value)
    if name == "district_quotas" and len(error["loc"]) > 1:
        key = f"quotas.{error['loc'][1]}"
    return ConfigError(key, _bound_message(SeasonConfig.bounds(name)), value=value)


def _bound_message(bounds: Bounds) -> Message:
    """What a value must be, from its bounds."""
    limits = {"low": bounds.low, "high": bounds.high}
    if bounds.whole:
        return Message("config.whole_between", limits)
    if bounds.open_low:
        return Message("config.number_above_max", limits)
    return Message("config.number_between", limits)
