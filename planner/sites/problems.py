"""What is wrong with a planner's row or edit, said so that a planner finds row, field and value."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from planner.i18n import CATALOGUE, t
from planner.usertext import clean_text

__all__ = ["SHOWN_LENGTH", "RowError", "field_label", "shown"]

#: Characters of a value shown in a message (a 1 MB name is not repeated in full).
SHOWN_LENGTH = 60

# Messages that already say the row was kept.
_SELF_EXPLAINING = frozenset({"import.cleaned"})


@dataclass(frozen=True)
class RowError:
    """One problem with one row of an uploaded file (row numbers as a spreadsheet shows them).

    Attributes
    ----------
    row
        The row (CSV: the header is row 1) or feature number (GeoJSON: the first is 1);
        None for the whole file.
    field
        The column (``name``, ``lon``, ``available_from`` …); shown by its translated label
        (catalogue key ``field.<field>``).
    value
        The value found, shortened and cleaned for display.
    key
        The i18n key of the message.
    params
        Further message parameters.
    site
        For edits of an existing site: the site's name (shown instead of a row).
    row_key
        The i18n key naming the row (``import.row`` or ``import.feature``).
    kept
        True when the row was kept anyway (a bad optional field is left unknown, unsafe
        characters are removed).
    """

    row: int | None  # None: the whole file
    field: str
    value: str
    key: str  # i18n key
    params: dict[str, object] = dataclass_field(default_factory=dict)
    site: str | None = None  # set for edits of an existing site (named instead of a row)
    row_key: str = "import.row"
    kept: bool = False

    def message(self, lang: str = "de") -> str:
        """The message in ``lang``, naming row (or site), field and value."""
        if self.site is not None:
            where = t("import.site", lang, site=self.site)
        elif self.row is not None:
            where = t(self.row_key, lang, row=self.row)
        else:
            where = t("import.file", lang)
        label = field_label(self.field, lang)
        text = t(self.key, lang, **{**self.params, "field": label, "value": self.value})
        if self.kept and self.key not in _SELF_EXPLAINING:
            text += " " + t("import.kept_unknown", lang, field=label)
        return f"{where}: {text}"


def field_label(column: str, lang: str = "de") -> str:
    """The translated label of a site column (``available_from`` → „verfügbar ab“)."""
    key = f"field.{column}"
    return t(key, lang) if key in CATALOGUE else column


def shown(value: object) -> str:
    """``value`` as text for a message: without unsafe characters, at most SHOWN_LENGTH long."""
    text = clean_text(str(value))
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"
