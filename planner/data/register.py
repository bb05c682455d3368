"""Reader for the Destatis municipality register (Gemeindeverzeichnis, GV-ISys).

The register is an xlsx whose header spans several rows ("Amtlicher Regionalschlüssel (ARS)" over
"Land | RB | Kreis | VB | Gem", "Bevölkerung ..." over "insgesamt | männlich | ..."). We locate
the header by its labels rather than by fixed cell positions, so that a new vintage with an extra
row or column still reads, and one that really changed fails naming the missing column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from planner.errors import DataError

#: Record type (Satzart) of a municipality row; 40 = district, 50 = Gemeindeverband (Amt).
RECORD_MUNICIPALITY = "60"
RECORD_AMT = "50"


class RegisterFormatError(DataError):
    """The register file does not have the structure we expect."""


@dataclass(frozen=True)
class _Column:
    name: str
    top: str  # text the top header cell starts with (spanning cells are forward-filled)
    sub: str | None  # text of the second header row, if any


# Our name, the top header it sits under, and its sub-header.
_COLUMNS: tuple[_Column, ...] = (
    _Column("record_type", "Satz", None),
    _Column("land", "Amtlicher Regionalschlüssel", "Land"),
    _Column("rb", "Amtlicher Regionalschlüssel", "RB"),
    _Column("kreis", "Amtlicher Regionalschlüssel", "Kreis"),
    _Column("vb", "Amtlicher Regionalschlüssel", "VB"),
    _Column("gem", "Amtlicher Regionalschlüssel", "Gem"),
    _Column("name", "Gemeindename", None),
    _Column("area_km2", "Fläche", None),
    _Column("population", "Bevölkerung", "insgesamt"),
    _Column("population_male", "Bevölkerung", "männlich"),
    _Column("population_female", "Bevölkerung", "weiblich"),
    _Column("density", "Bevölkerung", "je km"),
    _Column("postcode", "Postleit", None),
    _Column("lon", "Geografische Mittelpunkt", "Längengrad"),
    _Column("lat", "Geografische Mittelpunkt", "Breitengrad"),
    _Column("urbanisation", "Grad der Verstädterung", None),
)

_HEADER_SEARCH_ROWS = 20


def _norm(value: object) -> str:
    return " ".join(str(value).replace("-", "").split()) if value is not None else ""


def _locate_columns(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]]:
    """Find the header rows and map our column names to sheet column indices."""
    top_row = next(
        (i for i, row in enumerate(rows) if row and _norm(row[0]).startswith("Satz")), None
    )
    if top_row is None:
        raise RegisterFormatError(
            f"no header row starting with 'Satzart' in the first {_HEADER_SEARCH_ROWS} rows"
        )
    top = [_norm(v) for v in rows[top_row]]
    sub = [_norm(v) for v in rows[top_row + 1]]
    filled: list[str] = []
    for value in top:
        filled.append(value or (filled[-1] if filled else ""))
    found: dict[str, int] = {}
    for col in _COLUMNS:
        want_top = _norm(col.top)
        for j, head in enumerate(filled):
            if not head.startswith(want_top):
                continue
            if col.sub is None or (j < len(sub) and sub[j].startswith(_norm(col.sub))):
                # The urbanisation key is the first of its two columns (Schlüssel, Bezeichnung).
                found[col.name] = j
                break
        else:
            raise RegisterFormatError(
                f"register header has no column '{col.top}'"
                + (f" / '{col.sub}'" if col.sub else "")
                + f" (header row {top_row + 1})"
            )
    return top_row, found


def _decimal(value: object) -> float:
    if value is None or value == "":
        return float("nan")
    if isinstance(value, int | float):
        return float(value)
    return (
        float(str(value).replace(".", "").replace(",", "."))
        if "," in str(value)
        else float(str(value))
    )


def read_register(path: Path, *, sheet: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read municipalities (record type 60) and Ämter (record type 50) from the register.

    Parameters
    ----------
    path
        The ``AuszugGV...xlsx`` file.
    sheet
        Sheet name; default: the sheet whose name starts with ``Onlineprodukt``.

    Returns
    -------
    municipalities, amter
        ``municipalities`` has ags (8 digits), ars (12), amt_ars (9), district_ags (5), name,
        area_km2, population, population_male, population_female, density, postcode, lon, lat,
        urbanisation (1/2/3); ``amter`` has amt_ars and name.
    """
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is None:
            sheet = next((s for s in workbook.sheetnames if s.startswith("Onlineprodukt")), None)
            if sheet is None:
                raise RegisterFormatError(
                    f"{path.name}: no sheet named 'Onlineprodukt…' (sheets: {workbook.sheetnames})"
                )
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    top_row, cols = _locate_columns(rows[:_HEADER_SEARCH_ROWS])

    def cell(row: Sequence[object], name: str) -> object:
        j = cols[name]
        return row[j] if j < len(row) else None

    munis: list[dict[str, object]] = []
    amter: list[dict[str, object]] = []
    for i, row in enumerate(rows[top_row + 2 :], start=top_row + 3):
        record = _norm(cell(row, "record_type"))
        if record not in (RECORD_MUNICIPALITY, RECORD_AMT):
            continue
        key = [str(cell(row, k) or "") for k in ("land", "rb", "kreis", "vb", "gem")]
        amt_ars = "".join(key[:4])
        if record == RECORD_AMT:
            amter.append({"amt_ars": amt_ars, "name": str(cell(row, "name"))})
            continue
        ars = "".join(key)
        if len(ars) != 12 or not ars.isdigit():
            raise RegisterFormatError(f"row {i}: field ARS: value {ars!r} is not a 12-digit key")
        try:
            record_out: dict[str, object] = {
                "ags": key[0] + key[1] + key[2] + key[4],
                "ars": ars,
                "amt_ars": amt_ars,
                "district_ags": key[0] + key[1] + key[2],
                "name": str(cell(row, "name")),
                "area_km2": _decimal(cell(row, "area_km2")),
                "population": int(_decimal(cell(row, "population"))),
                "population_male": int(_decimal(cell(row, "population_male"))),
                "population_female": int(_decimal(cell(row, "population_female"))),
                "density": _decimal(cell(row, "density")),
                "postcode": str(cell(row, "postcode") or ""),
                "lon": _decimal(cell(row, "lon")),
                "lat": _decimal(cell(row, "lat")),
                "urbanisation": int(_decimal(cell(row, "urbanisation"))),
            }
        except (TypeError, ValueError) as exc:
            raise RegisterFormatError(f"row {i} (ARS {ars}): unreadable value: {exc}") from exc
        munis.append(record_out)
    if not munis:
        raise RegisterFormatError(f"{path.name}: no rows of record type {RECORD_MUNICIPALITY}")
    return pd.DataFrame(munis), pd.DataFrame(amter).drop_duplicates("amt_ars")
