"""The season's rules for choosing sites, the checks of every setting, and the rule errors.

* :class:`SelectionRules` — district quotas, urban/rural mix, must/must-not sites, spacing;
  every field checked and normalised when the rules are made.
* :class:`SelectionRequestError` — a setting out of range, naming the field and the value.
* :class:`RuleProblem` and :class:`InfeasibleRulesError` — a rule that cannot be met, named.

Rule identifiers (``"district_quota[Plön]"``, ``"must_not"``, ``"min_spacing"``) are the
language-neutral names used in problems and diagnoses; :func:`rule_label` gives their text.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner.errors import InputError, RulesError
from planner.i18n import DEFAULT_LANGUAGE, Message

__all__ = [
    "InfeasibleRulesError",
    "RuleProblem",
    "SelectionRequestError",
    "SelectionRules",
    "checked_number",
    "checked_whole",
    "expected",
    "rule_label",
    "rule_name",
]


class SelectionRequestError(InputError):
    """A selection setting out of range: names the field, the value found and what is expected.

    ``str(error)`` is English (``selection.p = 0: expected a whole number ≥ 1``);
    :meth:`message` gives the text in another language.

    Attributes
    ----------
    field
        The field's name (``"p"``, ``"rules.min_spacing_m"``, ``"rules.district_quotas[Plön]"``).
    value
        The value found.
    expected
        What the field takes, as a structured message.
    """

    def __init__(self, field: str, value: object, expected: Message) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The error in ``lang``."""
        shown = repr(self.value)
        if len(shown) > 80:  # a megabyte of text is not a message
            shown = shown[:77] + "..."
        return Message(
            "selection.request.invalid",
            {"field": f"selection.{self.field}", "value": shown, "expected": self.expected},
        ).text(lang)


def expected(key: str, **params: Any) -> Message:
    """What a field takes (catalogue key ``selection.expect.<key>``), for an error message."""
    return Message(f"selection.expect.{key}", params)


def checked_whole(field: str, value: object, *, minimum: int, maximum: int) -> int:
    """``value`` as an ``int`` in ``[minimum, maximum]``, else :class:`SelectionRequestError`.

    Booleans and floats are not whole numbers here (``True`` is not one site; ``2.5`` sites is
    a mistake, not a rounding).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise SelectionRequestError(field, value, expected("whole", lo=minimum, hi=maximum))
    number = int(value)
    if not minimum <= number <= maximum:
        raise SelectionRequestError(field, value, expected("whole", lo=minimum, hi=maximum))
    return number


def checked_number(
    field: str, value: object, *, minimum: float, maximum: float, above: bool = False
) -> float:
    """``value`` as a finite ``float`` with ``minimum ≤ value ≤ maximum`` (``minimum < value``
    when ``above``), else :class:`SelectionRequestError`; NaN and infinity are never numbers."""
    key = "number_above" if above else "number"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise SelectionRequestError(field, value, expected(key, lo=minimum, hi=maximum))
    try:
        number = float(value)
    except (OverflowError, ValueError):  # an int too large for a float
        raise SelectionRequestError(field, value, expected(key, lo=minimum, hi=maximum)) from None
    low_ok = number > minimum if above else number >= minimum
    if not (math.isfinite(number) and low_ok and number <= maximum):
        raise SelectionRequestError(field, value, expected(key, lo=minimum, hi=maximum))
    return number


def _site_id_list(field: str, value: object) -> tuple[str, ...]:
    # a bare string is one id, not its characters
    if isinstance(value, str | bytes) or not isinstance(value, Collection):
        raise SelectionRequestError(field, value, expected("ids"))
    ids = tuple(value)
    if not all(isinstance(v, str) for v in ids):
        raise SelectionRequestError(field, value, expected("ids"))
    return ids


@dataclass(frozen=True)
class SelectionRules:
    """The season's rules for choosing sites.

    Parameters
    ----------
    district_quotas
        District name → exact number of sites, or ``(minimum, maximum)``.
    min_urban, min_rural
        Minimum number of chosen sites with area class ``"urban"`` / ``"rural"``.
    must, must_not
        Site ids that must / must not be chosen.
    min_spacing_m
        Minimum straight-line distance in metres between any two chosen sites.

    Raises
    ------
    SelectionRequestError
        For a value out of range; names the field and the value.
    """

    district_quotas: Mapping[str, int | tuple[int, int]] = field(default_factory=dict)
    min_urban: int = 0
    min_rural: int = 0
    must: Collection[str] = ()
    must_not: Collection[str] = ()
    min_spacing_m: float | None = None

    #: Largest count a quota or mix minimum may name (far above any candidate list).
    MAX_COUNT = 100_000
    #: Largest spacing (metres): the region is about 100 km across.
    MAX_SPACING_M = 1_000_000.0

    def __post_init__(self) -> None:
        """Check and normalise every field (whole numbers, finite spacing, ids as tuples)."""
        object.__setattr__(self, "district_quotas", self._checked_quotas(self.district_quotas))
        for name in ("min_urban", "min_rural"):
            number = checked_whole(
                f"rules.{name}", getattr(self, name), minimum=0, maximum=self.MAX_COUNT
            )
            object.__setattr__(self, name, number)
        object.__setattr__(self, "must", _site_id_list("rules.must", self.must))
        object.__setattr__(self, "must_not", _site_id_list("rules.must_not", self.must_not))
        if self.min_spacing_m is not None:
            spacing = checked_number(
                "rules.min_spacing_m", self.min_spacing_m, minimum=0.0, maximum=self.MAX_SPACING_M
            )
            object.__setattr__(self, "min_spacing_m", spacing or None)  # 0 m: no spacing rule

    @classmethod
    def _checked_quotas(cls, quotas: object) -> dict[str, int | tuple[int, int]]:
        """District → whole number or ``(min, max)`` pair of whole numbers."""
        if not isinstance(quotas, Mapping):
            raise SelectionRequestError("rules.district_quotas", quotas, expected("quotas"))
        clean: dict[str, int | tuple[int, int]] = {}
        for district, quota in quotas.items():
            name = f"rules.district_quotas[{district}]"
            if not isinstance(district, str) or not district.strip():
                raise SelectionRequestError("rules.district_quotas", district, expected("district"))
            if isinstance(quota, tuple | list) and len(quota) == 2:
                lo = checked_whole(name, quota[0], minimum=0, maximum=cls.MAX_COUNT)
                hi = checked_whole(name, quota[1], minimum=0, maximum=cls.MAX_COUNT)
                clean[district] = (lo, hi)  # min > max is a rule that cannot hold: named later
            elif isinstance(quota, tuple | list):
                raise SelectionRequestError(name, quota, expected("quota"))
            else:
                clean[district] = checked_whole(name, quota, minimum=0, maximum=cls.MAX_COUNT)
        return clean

    def quota_range(self, district: str) -> tuple[int, int]:
        """``(min, max)`` of the quota of ``district``."""
        quota = self.district_quotas[district]
        if isinstance(quota, tuple):
            return int(quota[0]), int(quota[1])
        return int(quota), int(quota)

    @property
    def has_structure_rules(self) -> bool:
        """True when quotas, a mix or a spacing rule constrain which sites combine."""
        return bool(self.district_quotas or self.min_urban or self.min_rural or self.min_spacing_m)

    def groups(self) -> list[str]:
        """The rule groups a diagnosis relaxes one or two at a time, as rule identifiers."""
        groups = ["sites_total"]
        groups += [f"district_quota[{d}]" for d in self.district_quotas]
        if self.min_urban or self.min_rural:
            groups.append("urban_rural_mix")
        if self.must:
            groups.append("must")
        if self.must_not:
            groups.append("must_not")
        if self.min_spacing_m:
            groups.append("min_spacing")
        return groups


def rule_name(rule: str) -> Message:
    """One rule identifier (``"district_quota[Plön]"``, ``"must_not"``) as a message."""
    family, _, rest = rule.partition("[")
    return Message(f"selection.rule.{family}", {"name": rest.rstrip("]")})


def rule_label(rule: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A rule identifier, or several joined by ``" + "``, as a name in ``lang``."""
    return " + ".join(rule_name(one).text(lang) for one in rule.split(" + "))


@dataclass(frozen=True)
class RuleProblem:
    """One rule that cannot be met.

    Attributes
    ----------
    rule
        Rule identifier: ``"sites_total"``, ``"district_quota[Plön]"``, ``"district_quotas"``,
        ``"urban_rural_mix"``, ``"min_urban"``, ``"min_rural"``, ``"must"``, ``"must_not"``,
        ``"min_spacing"``, ``"rules"``, or two of them joined by ``" + "``.
    message
        The explanation, structured (translate with :meth:`text`).
    """

    rule: str
    message: Message

    @classmethod
    def of(cls, rule: str, key: str, /, **params: Any) -> RuleProblem:
        """The problem with rule ``rule`` explained by catalogue key ``selection.problem.<key>``."""
        return cls(rule, Message(f"selection.problem.{key}", params))

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The explanation in ``lang``."""
        return self.message.text(lang)

    def rule_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The rule's name in ``lang`` (e.g. "Quote Plön")."""
        return rule_label(self.rule, lang)


class InfeasibleRulesError(RulesError):
    """The rule set admits no selection. ``problems`` names the rules involved.

    ``str(error)`` is English; :meth:`message` gives the text in another language.
    """

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        self.problems = list(problems)
        self.rules = [p.rule for p in self.problems]
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """All problems in ``lang``."""
        return "; ".join(p.text(lang) for p in self.problems)
