"""Every text key the code uses exists in German and English, and the two catalogues agree.

The code is read as syntax trees (``planner/``, ``app_pages/``, ``app.py``), not run:

* literal keys passed to a function that takes a key (:data:`KEY_FUNCTIONS`, and the small
  helpers that hand one of their parameters on as a key, found in the code);
* keys built with f-strings (``f"ui.export.{fmt}"``) or ``+``: their values are read from the
  code where they are written next to the key (a loop over a literal tuple, the options of a
  widget, ``a if … else b``), otherwise taken from their source of truth in :data:`SOURCES`.
  A new f-string key that neither covers fails :func:`test_every_built_key_has_a_source`.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from planner.i18n.catalogue import LANGUAGES, LOCALES_DIR, load_catalogue

ROOT = Path(__file__).resolve().parents[1]
KEY_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")

#: Functions and classes that take a text key (any key-shaped literal argument is checked).
KEY_FUNCTIONS = frozenset(
    {"t", "tr", "Message", "RowError", "_Problem", "_file_error", "feature_error", "progress"}
)

#: Texts that are empty on purpose: a detail appended to a sentence when there is none.
INTENTIONALLY_EMPTY = frozenset({"season.detail.none"})

#: Keys whose German and English texts take different parameters on purpose (the caller passes
#: both): an English ordinal ("2nd") where German writes "Platz 2", a holiday's name per language.
LANGUAGE_SPECIFIC_PARAMETERS = {
    "explain.rank": ({"rank"}, {"ordinal"}),
    "explain.behind": ({"rank"}, {"ordinal"}),
    "explain.ahead": ({"rank"}, {"ordinal"}),
    "calendar.holiday": ({"name_de"}, {"name_en"}),
}

#: f-strings in a catalogue namespace that are not text keys (field paths in error messages).
NOT_TEXT_KEYS = frozenset({"season.{}", "season.blackout_dates[{}]", "selection.{}"})


def _kinds() -> Iterable[str]:
    from planner.sites import KINDS

    return KINDS


def _facts() -> Iterable[str]:
    from planner.sites import POWER_VALUES, VISIBILITY_VALUES

    return (*POWER_VALUES, *VISIBILITY_VALUES)


def _criteria() -> Iterable[str]:
    from planner.scoring import CRITERIA

    return CRITERIA


def _selection_stops() -> Iterable[str]:
    from planner.selection import STOP_REASONS

    return STOP_REASONS


def _season_reasons() -> Iterable[str]:
    from planner.season import REASON_CODES

    return REASON_CODES


def _export_formats() -> Iterable[str]:
    from planner.export import EXPORT_FORMATS

    return EXPORT_FORMATS


def _site_fields() -> Iterable[str]:
    from planner.sites import EDITABLE_FACTS, FIELDS

    return (*FIELDS, *EDITABLE_FACTS)


#: Where the values of a built key come from, when the code does not list them next to the key.
#: Literal tuples mark values that have no public constant yet (named in the comment).
SOURCES: dict[str, Callable[[], Iterable[str]]] = {
    "kind.{}": _kinds,
    # planner.export.columns: the headers of every exported table
    "export.col.{}": lambda: __import__("planner.export.columns", fromlist=["x"]).HEADER_COLUMNS,
    "fact.{}": _facts,
    "field.{}": _site_fields,
    "ui.crit.{}": _criteria,
    "selection.stop.{}": _selection_stops,
    "season.reason.{}": _season_reasons,
    "ui.export.{}": _export_formats,
    "weekday.{}": lambda: (str(day) for day in range(7)),  # date.weekday(): Monday = 0
    # the area classes of the region pack's cells and sites (planner.data)
    "area.{}": lambda: ("urban", "rural"),
    # SeasonPlan.status and SelectionResult.status
    "ui.status.{}": lambda: ("optimal", "feasible", "infeasible", "time_limit", "no_solution"),
    # SeasonPlan.stop_text: totals["stop_reason"] and the statuses it maps
    "season.stop.{}": lambda: (
        *("optimal", "search_done", "time_limit", "stopped"),
        *("feasible", "infeasible", "no_plan"),
    ),
    # PlanComparison.stops["change"] (planner.season compare_plans)
    "season.change.{}": lambda: ("same_dates", "moved", "only_a", "only_b"),
    # PlanComparison.totals index families (planner.season compare_plans)
    "season.total.{}": lambda: (
        *__import__("planner.season.compare", fromlist=["x"]).COMPARED_TOTALS,
        *("population_covered", "stops_per_district"),
    ),
    # rule identifiers of SeasonConfig's rules (planner.season diagnosis and relaxations)
    "season.rule.{}": lambda: (
        *("district_quota", "stops_total", "min_rural_share", "municipality_gap", "max_tow"),
        *("booking", "must_include", "blackout_dates", "relocation_days", "season_length"),
        *("time_limit", "stay_days", "combination", "min_spacing", "min_new_local_share"),
    ),
    # rule identifiers of SelectionRules (planner.selection)
    "selection.rule.{}": lambda: (
        *("sites_total", "district_quota", "district_quotas", "urban_rural_mix", "min_urban"),
        *("min_rural", "must", "must_not", "min_spacing", "rules"),
    ),
}


# ----------------------------------------------------------------------------- the catalogues


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    return load_catalogue(LOCALES_DIR)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_catalogues_are_the_files_in_the_package() -> None:
    assert {path.stem for path in LOCALES_DIR.glob("*.po")} == set(LANGUAGES)


def test_every_key_is_in_both_languages() -> None:
    only_in = {
        lang: sorted(k for k, texts in _catalogue().items() if set(texts) == {lang})
        for lang in LANGUAGES
    }
    assert only_in == {lang: [] for lang in LANGUAGES}


def test_no_text_is_empty() -> None:
    empty = sorted(
        (key, lang)
        for key, texts in _catalogue().items()
        for lang, text in texts.items()
        if not text.strip() and key not in INTENTIONALLY_EMPTY
    )
    assert empty == []


def test_placeholders_are_the_same_in_both_languages() -> None:
    differ = {}
    for key, texts in _catalogue().items():
        german, english = _fields(texts["de"]), _fields(texts["en"])
        expected = LANGUAGE_SPECIFIC_PARAMETERS.get(key, (set(), set()))
        if (german - english, english - german) != expected:
            differ[key] = (german, english)
    assert differ == {}


# ----------------------------------------------------------------------------- reading the code


@dataclass(frozen=True)
class BuiltKey:
    """A key built from a pattern (``"ui.export.{}"``) at one place in the code."""

    pattern: str
    where: str
    values: tuple[str, ...] | None  # read from the code; None: from SOURCES
    by_helper: bool = False  # a helper's parameter: its callers' literals are checked


def _files() -> list[Path]:
    planner = [p for p in (ROOT / "planner").rglob("*.py") if "i18n" not in p.parts]
    return sorted([*planner, *(ROOT / "app_pages").rglob("*.py"), ROOT / "app.py"])


@cache
def _trees() -> dict[str, ast.Module]:
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8")) for p in _files()}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _pattern(node: ast.expr) -> tuple[str, list[ast.expr]] | None:
    """``f"a.{x}.b"`` or ``"a." + x`` as ``("a.{}.b", [x])``."""
    if isinstance(node, ast.JoinedStr):
        parts, holes = [], []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{}")
                holes.append(value.value)
        return "".join(parts), holes
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        return node.left.value + "{}", [node.right]
    return None


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _strings(node: ast.expr | None) -> tuple[str, ...] | None:
    """The strings of a literal (a constant, a tuple/list/set of them, ``a if … else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = [_strings(e) for e in node.elts]
        if items and all(i is not None and len(i) == 1 for i in items):
            return tuple(i[0] for i in items if i is not None)
    return None


def _choices(node: ast.expr) -> tuple[str, ...]:
    """The literal strings an argument can be: ``"a"``, ``"a" if … else "b"``, ``key or "a"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,) if node.value else ()
    if isinstance(node, ast.IfExp):
        return _choices(node.body) + _choices(node.orelse)
    if isinstance(node, ast.BoolOp):
        return sum((_choices(v) for v in node.values), ())
    return ()


def _assigned(scope: ast.AST, name: str) -> list[ast.expr] | None:
    """Every value assigned to ``name`` in ``scope``; None when it is also bound otherwise."""
    values: list[ast.expr] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values.append(node.value)
        elif (isinstance(node, ast.AnnAssign | ast.AugAssign) and _name(node.target) == name) or (
            isinstance(node, ast.arg) and node.arg == name
        ):
            return None  # a parameter or an annotated binding: not only the constants seen
    return values


def _collection(node: ast.expr, scopes: Sequence[ast.AST]) -> tuple[str, ...] | None:
    """A literal collection, or a name assigned one literal collection in an enclosing scope."""
    found = _strings(node)
    if found is not None or not isinstance(node, ast.Name):
        return found
    for scope in scopes:
        values = _assigned(scope, node.id)
        if values:
            return _strings(values[0]) if len(values) == 1 else None
    return None


def _values(hole: ast.expr, chain: list[ast.AST]) -> tuple[str, ...] | None:
    """The values a key's placeholder takes, when the code lists them (else None)."""
    if not isinstance(hole, ast.Name):
        return None
    scopes = [n for n in chain if isinstance(n, ast.FunctionDef | ast.Module)]
    for depth, node in enumerate(chain):  # innermost first
        if isinstance(node, ast.Lambda) and hole.id in {a.arg for a in node.args.args}:
            # a widget's format_func: the values are the widget's options
            call = next((c for c in chain[depth:] if isinstance(c, ast.Call)), None)
            options = call.args[1] if call is not None and len(call.args) > 1 else None
            return None if options is None else _collection(options, scopes)
        targets: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.For):
            targets = [(node.target, node.iter)]
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            targets = [(g.target, g.iter) for g in node.generators]
        for target, source in targets:
            if isinstance(target, ast.Name) and target.id == hole.id:
                return _collection(source, scopes)
        if isinstance(node, ast.FunctionDef):  # only constants assigned in the function
            values = _assigned(node, hole.id)
            found = [_strings(v) for v in values or ()]
            if not found or any(f is None for f in found):
                return None
            return tuple(value for f in found for value in f or ())
    return None


def _parameters(func: ast.FunctionDef) -> list[str]:
    """The positional parameters as callers pass them (without ``self`` or ``cls``)."""
    names = [a.arg for a in func.args.posonlyargs + func.args.args]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _named(
    arg: ast.expr | None, call: ast.Call, parents: dict[ast.AST, ast.AST]
) -> tuple[str, ...]:
    """The constants a name passed as a key was assigned (``key = "a" if … else "b"``)."""
    if not isinstance(arg, ast.Name):
        return ()
    chain: list[ast.AST] = []
    up: ast.AST | None = call
    while up is not None:
        chain.append(up)
        up = parents.get(up)
    return _values(arg, chain) or ()


def _helpers(tree: ast.Module) -> dict[str, tuple[int, str]]:
    """Functions that build a key from one of their parameters: name → (position, prefix)."""
    helpers: dict[str, tuple[int, str]] = {}
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        params = _parameters(func)
        for node in ast.walk(func):
            if not (isinstance(node, ast.Call) and _name(node.func) in KEY_FUNCTIONS and node.args):
                continue
            first = node.args[0] if _name(node.func) != "tr" else node.args[-1]
            built = _pattern(first)
            if built and len(built[1]) == 1 and built[0].endswith("{}"):
                hole = built[1][0]
                if isinstance(hole, ast.Name) and hole.id in params:
                    helpers[func.name] = (params.index(hole.id), built[0][:-2])
    return helpers


@cache
def _helper_table() -> dict[str, tuple[int, str]]:
    table: dict[str, tuple[int, str]] = {}
    for tree in _trees().values():
        table.update(_helpers(tree))
    return table


def _literal_keys() -> Iterator[tuple[str, str]]:
    """``(key, where)`` for every literal key passed to a key function or helper."""
    helpers = _helper_table()
    for path, tree in _trees().items():
        parents = _parents(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, where = _name(node.func), f"{path}:{node.lineno}"
            if name in KEY_FUNCTIONS:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    yield from ((c, where) for c in _choices(arg) if KEY_SHAPE.match(c))
                key = node.args[-1 if name == "tr" else 0] if node.args else None
                for value in _named(key, node, parents):
                    if KEY_SHAPE.match(value):
                        yield value, where
            elif name in helpers:
                position, prefix = helpers[name]
                if prefix and len(node.args) > position:
                    arg = node.args[position]
                    for value in _choices(arg) + _named(arg, node, parents):
                        yield prefix + value, where


def _built_keys() -> Iterator[BuiltKey]:
    """Every key built with an f-string or ``+`` in a catalogue namespace."""
    namespaces = {key.split(".")[0] for key in _catalogue()}
    for path, tree in _trees().items():
        parents = _parents(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr | ast.BinOp):
                continue
            built = _pattern(node)
            if not built or "." not in built[0] or built[0].split(".")[0] not in namespaces:
                continue
            pattern, holes = built
            chain: list[ast.AST] = []
            up: ast.AST | None = node
            while up is not None:
                chain.append(up)
                up = parents.get(up)
            func = next((n for n in chain if isinstance(n, ast.FunctionDef)), None)
            params = [] if func is None else _parameters(func)
            by_helper = (
                func is not None
                and func.name in _helper_table()
                and len(holes) == 1
                and isinstance(holes[0], ast.Name)
                and holes[0].id in params
            )
            values = _values(holes[0], chain) if len(holes) == 1 else None
            yield BuiltKey(pattern, f"{path}:{node.lineno}", values, by_helper)


@cache
def _all_built() -> tuple[BuiltKey, ...]:
    return tuple(_built_keys())


def _missing(keys: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    catalogue = _catalogue()
    return sorted(
        (key, lang, where)
        for key, where in keys
        for lang in LANGUAGES
        if lang not in catalogue.get(key, {})
    )


# ----------------------------------------------------------------------------- the checks


def test_the_scan_finds_the_code() -> None:
    """A guard: a scan that finds nothing would pass every check below."""
    assert len(list(_literal_keys())) > 400
    assert len(_all_built()) > 30
    assert len([prefix for _, prefix in _helper_table().values() if prefix]) >= 2


def test_every_literal_key_exists_in_both_languages() -> None:
    assert _missing(_literal_keys()) == []


def test_every_built_key_has_a_source() -> None:
    unsourced = sorted(
        (b.pattern, b.where)
        for b in _all_built()
        if b.values is None
        and not b.by_helper
        and b.pattern not in SOURCES
        and b.pattern not in NOT_TEXT_KEYS
    )
    assert unsourced == [], "add the values' source to SOURCES (or the pattern to NOT_TEXT_KEYS)"


def test_every_source_is_still_used() -> None:
    patterns = {b.pattern for b in _all_built()}
    assert sorted((set(SOURCES) | NOT_TEXT_KEYS) - patterns) == []


@pytest.mark.parametrize("pattern", sorted(SOURCES))
def test_every_built_key_exists_in_both_languages(pattern: str) -> None:
    keys = [(pattern.replace("{}", str(value)), "SOURCES") for value in SOURCES[pattern]()]
    assert keys
    assert _missing(keys) == []


def test_every_built_key_read_from_the_code_exists_in_both_languages() -> None:
    keys = [
        (b.pattern.replace("{}", value), b.where)
        for b in _all_built()
        if b.values is not None and b.pattern not in NOT_TEXT_KEYS
        for value in b.values
    ]
    assert len(keys) > 20
    assert _missing(keys) == []
