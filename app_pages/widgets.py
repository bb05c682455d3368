"""Small display helpers shared by the pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import cache
from planner.i18n import t
from planner.maps import attribution_lines


def figures_table(figures: pd.DataFrame, lang: str) -> None:
    """Population reached per district, urban and rural side by side."""
    rows = []
    for rec in figures.to_dict("records"):
        rows.append(
            {
                t("ui.fig.district", lang): rec["district"],
                t("ui.fig.urban_reached", lang): rec["urban_reached"],
                t("ui.fig.urban_share", lang): rec["urban_share"] * 100,
                t("ui.fig.rural_reached", lang): rec["rural_reached"],
                t("ui.fig.rural_share", lang): rec["rural_share"] * 100,
                t("ui.fig.reached", lang): rec["reached"],
                t("ui.fig.population", lang): rec["population"],
                t("ui.fig.share", lang): rec["share"] * 100,
            }
        )
    table = pd.DataFrame(rows)
    pct = {c: st.column_config.NumberColumn(c, format="%.1f %%") for c in table.columns[2::2][:2]}
    pct[t("ui.fig.share", lang)] = st.column_config.NumberColumn(
        t("ui.fig.share", lang), format="%.1f %%"
    )
    st.dataframe(table, hide_index=True, column_config=pct, width="stretch")


def show_model_and_sources(description: str | None = None) -> None:
    """The travel-time model in use and the data attribution, under a map or result."""
    lang = str(st.session_state.get("lang", "de"))
    model = cache.travel_model()
    text = description or model.describe()
    st.caption(t("ui.model.active", lang, name=model.name, description=text))
    st.caption(t("ui.sources.line", lang, sources=" · ".join(attribution_lines(cache.pack()))))
