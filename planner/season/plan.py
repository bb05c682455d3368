"""What a season plan is: :class:`SeasonPlan`, :class:`RuleDiagnosis`, :class:`PlanComparison`.

A plan's texts (status, explanation, reasons, comparison tables) are written out in the reader's
language from structured codes and parameters, so a stored plan reads in either language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.i18n import CATALOGUE, DEFAULT_LANGUAGE, Message, t
from planner.season.settings import SeasonConfig

__all__ = [
    "REASON_CODES",
    "SCHEDULE_COLUMNS",
    "UNPLANNED_COLUMNS",
    "IdleGap",
    "PlanComparison",
    "RuleDiagnosis",
    "SeasonPlan",
    "rule_label",
    "site_xy",
    "unplanned_text",
]

#: Why a candidate is not in the plan (column ``reason`` of :attr:`SeasonPlan.unplanned`); the
#: text is the catalogue entry ``season.reason.<code>`` filled with ``reason_params``.
REASON_CODES = (
    "excluded",
    "availability",
    "too_far",
    "no_quota",
    "covered",
    "quota_full",
    "quota_full_fit",
    "low_score",
)

_NO_VALUE: Any = object()


#: Columns of a plan's schedule (x, y: the stop in EPSG:25832; group, last_visit: the stop's Amt
#: or city area and its last visit before the season, see
#: :func:`planner.season.outcome.plan_with_groups`).
SCHEDULE_COLUMNS = [
    "stop",
    "unit",
    "site_id",
    "name",
    "municipality",
    "district",
    "area_class",
    "group",
    "last_visit",
    "start",
    "end",
    "open_days",
    "tow_minutes",
    "tow_km",
    "score",
    "population_new",
    "people_local",
    "local_new",
    "locked",
    "x",
    "y",
]

#: Columns of :attr:`SeasonPlan.unplanned`.
UNPLANNED_COLUMNS = ["site_id", "name", "district", "reason", "reason_params"]


@dataclass(frozen=True)
class IdleGap:
    """Days without a stay that the plan leaves, and why.

    Attributes
    ----------
    unit
        The unit (1, 2, …).
    before_stop
        The stop the gap comes before (``None``: the gap runs to the season's end).
    first_day, last_day
        The idle days (relocation days after the previous stop are not part of the gap).
    days, operating_days
        Calendar days and operating days of the gap.
    message
        Why the rules leave it (catalogue :class:`~planner.i18n.Message`, e.g. "13 Tage Pause
        vor Stopp 9: Kiel darf frühestens 14 Tage nach dem letzten Stopp dort wieder besucht
        werden").
    """

    unit: int
    before_stop: int | None
    first_day: dt.date
    last_day: dt.date
    days: int
    operating_days: int
    message: Message

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Why, in ``lang``."""
        return self.message.text(lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (see :meth:`from_dict`)."""
        return {
            "unit": self.unit,
            "before_stop": self.before_stop,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "days": self.days,
            "operating_days": self.operating_days,
            "message": self.message.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IdleGap:
        """Inverse of :meth:`to_dict`."""
        stop = data.get("before_stop")
        return cls(
            unit=int(data["unit"]),
            before_stop=None if stop is None else int(stop),
            first_day=dt.date.fromisoformat(str(data["first_day"])[:10]),
            last_day=dt.date.fromisoformat(str(data["last_day"])[:10]),
            days=int(data["days"]),
            operating_days=int(data["operating_days"]),
            message=Message.from_dict(data["message"]),
        )


@dataclass(frozen=True)
class RuleDiagnosis:
    """Why a season is infeasible: one rule and what relaxing it gives.

    Attributes
    ----------
    rule
        Rule identifier, e.g. ``"district_quota[Plön]"``.
    message
        The explanation, structured (translate with ``message.text(lang)``).
    relaxation
        What was relaxed to test it (``None``: nothing relaxed).
    relaxed_feasible
        Whether the season becomes feasible with this rule relaxed (``None``: not tried).
    relaxed_value, relaxed_stops
        Objective value and number of stops of the relaxed plan.
    """

    rule: str
    message: Message
    relaxation: Message | None = None
    relaxed_feasible: bool | None = None
    relaxed_value: float | None = None
    relaxed_stops: int | None = None

    def rule_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The rule's name in ``lang`` (e.g. "Quote Plön")."""
        return rule_label(self.rule, lang)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The explanation in ``lang``."""
        return self.message.text(lang)

    def relaxation_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What was relaxed, in ``lang`` (empty when nothing was)."""
        return "" if self.relaxation is None else self.relaxation.text(lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (see :meth:`from_dict`)."""
        return {
            "rule": self.rule,
            "message": self.message.to_dict(),
            "relaxation": None if self.relaxation is None else self.relaxation.to_dict(),
            "relaxed_feasible": self.relaxed_feasible,
            "relaxed_value": self.relaxed_value,
            "relaxed_stops": self.relaxed_stops,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleDiagnosis:
        """Inverse of :meth:`to_dict`."""
        relax = data.get("relaxation")
        value = data.get("relaxed_value")
        stops = data.get("relaxed_stops")
        return cls(
            rule=str(data["rule"]),
            message=Message.from_dict(data["message"]),
            relaxation=Message.from_dict(relax) if relax else None,
            relaxed_feasible=data.get("relaxed_feasible"),
            relaxed_value=None if value is None else float(value),
            relaxed_stops=None if stops is None else int(stops),
        )


def rule_label(rule: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A rule identifier (``"district_quota[Plön]"``, ``"max_tow"`` …) as a name in ``lang``."""
    parts = []
    for one in rule.split(" + "):
        family, _, rest = one.partition("[")
        key = f"season.rule.{family}"
        parts.append(t(key, lang, name=rest.rstrip("]")) if key in CATALOGUE else one)
    return " + ".join(parts)


@dataclass
class SeasonPlan:
    """A planned season (or a diagnosed infeasible one).

    Attributes
    ----------
    status
        ``"optimal"`` (proven), ``"feasible"`` (a plan, not proven optimal),
        ``"infeasible"`` (proven: the rules cannot all hold, see ``diagnosis``) or
        ``"time_limit"`` (neither a plan nor a proof within the time limit).  What ended the
        search is ``totals["stop_reason"]`` (see :meth:`status_text`).
    schedule
        One row per stop: stop, unit, site_id, name, municipality, district, area_class,
        group (the stop's Amt or city area, ``""`` until known) and last_visit (``Int64``: the
        group's last visit before the season, NA = none known; both from
        :func:`planner.season.outcome.plan_with_groups`), start, end, open_days, tow_minutes,
        tow_km (from the previous stop or home), score, population_new (people within the car
        threshold reached by no earlier stop), people_local (people within 2 km), local_new (of
        them, those within 2 km of no earlier stop), locked, x, y. People are counted over the
        region's population base (:func:`planner.coverage.reach.population_base`).
    totals
        Season totals: stops, stops_per_district, rural_share, people_local and
        people_regional (people reached at each scale, each person once; ``local_km`` and
        ``regional_minutes`` name the scales), population_covered (= people_regional),
        events (numbers of the events a stay includes), event_value, idle_days, km_towed,
        tow_minutes (including the way home), value, bound, gap, seconds; groups_visited and
        groups_total (Ämter and city areas the stops stand in, of all the region's, see
        :func:`planner.season.outcome.plan_with_groups`).
    unplanned
        One row per candidate not in the plan: site_id, name, district, reason (a code of
        :data:`REASON_CODES`) and reason_params (its parameters); see :meth:`unplanned_table`
        for the text.
    diagnosis
        Filled when infeasible.
    gaps
        The idle gaps the plan leaves (:class:`IdleGap`), each with why; empty when every
        week is used.
    config
        The configuration used.
    sites
        The sites table used (for exports).
    """

    status: str
    schedule: pd.DataFrame
    totals: dict[str, Any]
    unplanned: pd.DataFrame
    diagnosis: list[RuleDiagnosis]
    config: SeasonConfig
    sites: pd.DataFrame
    log: list[str] = field(default_factory=list)
    gaps: list[IdleGap] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        """Whether the plan satisfies all rules."""
        return self.status in ("optimal", "feasible")

    def status_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What ended the search, in ``lang``: proven optimal, search ended with a gap, time
        limit reached with a plan, stopped, proven infeasible, or no plan within the limit."""
        reason = str(self.totals.get("stop_reason") or "")
        if self.status in ("infeasible", "time_limit"):
            reason = "no_plan" if self.status == "time_limit" else "infeasible"
        elif reason not in ("optimal", "search_done", "time_limit", "stopped"):
            reason = "optimal" if self.status == "optimal" else "feasible"  # older plans
        limit = self.totals.get("time_limit", self.config.time_limit)
        return t(
            f"season.stop.{reason}",
            lang,
            gap=100 * float(self.totals.get("gap") or 0.0),
            seconds=float(self.totals.get("seconds") or 0.0),
            limit=float(limit if limit is not None else self.config.time_limit),
        )

    def explain(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Short text in ``lang``: the totals, or the diagnosis when infeasible."""
        if self.status == "time_limit":
            return self.status_text(lang)
        if not self.feasible:
            lines = [t("season.explain.infeasible", lang)]
            for d in self.diagnosis:
                lines.append(f"- {d.rule_text(lang)}: {d.text(lang)}")
            return "\n".join(lines)
        tot = self.totals
        return t(
            "season.explain.feasible",
            lang,
            stops=int(tot["stops"]),
            value=float(tot["value"]),
            bound=float(tot["bound"]),
            gap=100 * float(tot["gap"] or 0.0),
            rural=100 * float(tot["rural_share"]),
            km=float(tot["km_towed"]),
        )

    def unplanned_table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """The candidates not in the plan with the reason as text in ``lang``.

        Returns
        -------
        pandas.DataFrame
            site_id, name, district, reason (text).
        """
        return unplanned_text(self.unplanned, lang)


def unplanned_text(unplanned: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """:attr:`SeasonPlan.unplanned` with the structured reasons written out in ``lang``."""
    out = unplanned[["site_id", "name", "district"]].copy()
    params: Sequence[Any] = (
        unplanned["reason_params"].tolist() if "reason_params" in unplanned else [{}] * len(out)
    )
    out["reason"] = [
        Message.from_dict({"key": f"season.reason.{code}", "params": p or {}}).text(lang)
        if code in REASON_CODES
        else str(code)  # plain text stored by an earlier version
        for code, p in zip(unplanned["reason"], params, strict=True)
    ]
    return out


@dataclass(frozen=True)
class PlanComparison:
    """Two plans side by side.

    Attributes
    ----------
    totals
        One row per total (index: the total's key, ``stops_per_district[<district>]`` for the
        stops per district), one column per plan and a ``difference`` column.
    stops
        One row per site in either plan: stop number and dates in each plan, and ``change``
        (``same_dates``, ``moved``, ``only_a``, ``only_b``).
    labels
        The two plans' labels.
    """

    totals: pd.DataFrame
    stops: pd.DataFrame
    labels: tuple[str, str] = ("A", "B")

    def totals_table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """:attr:`totals` with translated row names and a translated difference column."""
        names = []
        for key in self.totals.index:
            family, _, district = str(key).partition("[")
            names.append(t(f"season.total.{family}", lang, district=district.rstrip("]")))
        out = self.totals.copy()
        out.index = pd.Index(names)
        return out.rename(columns={"difference": t("season.total.difference", lang)})

    def stops_table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """:attr:`stops` with translated change codes and column names."""
        la, lb = self.labels
        out = self.stops.copy()
        out["change"] = [
            t(f"season.change.{c}", lang, label=la if c == "only_a" else lb) for c in out["change"]
        ]
        cols = {"change": t("season.col.change", lang)}
        for label in (la, lb):
            for part in ("stop", "start", "end"):
                cols[f"{part} {label}"] = t(f"season.col.{part}", lang, label=label)
        return out.rename(columns=cols)


def site_xy(sites: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The sites' positions (EPSG:25832): the ``x``/``y`` columns, else the point geometry,
    else NaN."""
    n = len(sites)
    if "x" in sites.columns and "y" in sites.columns:
        return sites["x"].to_numpy(dtype=float), sites["y"].to_numpy(dtype=float)
    geom = sites.get("geometry")
    if geom is not None:
        try:
            return (
                np.array([g.x for g in geom], dtype=float),
                np.array([g.y for g in geom], dtype=float),
            )
        except AttributeError:
            pass
    return np.full(n, np.nan), np.full(n, np.nan)
