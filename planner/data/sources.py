"""Where each raw file of a region pack comes from: source, vintage, licence, attribution.

The build writes one row per raw file (with the file's checksum) into the pack's ``metadata``
table; the maps, the report and the app credit the sources from there.
"""

from __future__ import annotations

__all__ = ["SOURCES", "source_row"]

#: Where each raw file comes from, under which licence, and how it must be attributed.
SOURCES: dict[str, dict[str, str]] = {
    "register": {
        "source": "Destatis Gemeindeverzeichnis (GV-ISys)",
        "vintage": "Gebietsstand 31.12.2024; Bevölkerung 31.12.2023",
        "licence": "dl-de/by-2-0",
        "attribution": "© Statistisches Bundesamt (Destatis), 2025",
        "url": "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/",
    },
    "municipality_boundaries": {
        "source": "BKG VG5000 Gemeinden",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "district_boundaries": {
        "source": "BKG VG5000 Kreise",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "amt_boundaries": {
        "source": "BKG VG5000 Verwaltungsgemeinschaften (cross-check only)",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "zensus_grid": {
        "source": "Zensus 2022, 1-km-Gitter",
        "vintage": "Stichtag 15.05.2022",
        "licence": "dl-de/by-2-0",
        "attribution": "© Statistische Ämter des Bundes und der Länder, Zensus 2022",
        "url": "https://www.zensus2022.de",
    },
    "transit_stops": {
        "source": "db-hafas-stations 2.0.0",
        "vintage": "2024",
        "licence": "CC BY 4.0; ODbL",
        "attribution": "DB InfraGO (CC BY 4.0); © OpenStreetMap contributors (ODbL)",
        "url": "https://www.npmjs.com/package/db-hafas-stations",
    },
    "rail_stations": {
        "source": "db-stations 5.0.2",
        "vintage": "2024",
        "licence": "CC BY 4.0",
        "attribution": "DB InfraGO (CC BY 4.0)",
        "url": "https://www.npmjs.com/package/db-stations",
    },
    "land_boundaries": {
        "source": "BKG VG5000 Länder (region names only)",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "schools": {
        "source": "Schulverzeichnis Schleswig-Holstein",
        "vintage": "2024",
        "licence": "CC0",
        "attribution": "Land Schleswig-Holstein, Schulverzeichnis (CC0, OK Lab Flensburg)",
        "url": "https://opendata.schleswig-holstein.de",
    },
    "past_stops": {
        "source": "Tiny Rathaus: known past stops (KielRegion, tinyrathaus.de, public news pages)",
        "vintage": "2022–2025",
        "licence": "facts from public pages",
        "attribution": "KielRegion GmbH / tinyrathaus.de (Tourdaten)",
        "url": "https://www.kielregion.de",
    },
}


def source_row(key: str, file: str, checksum: str) -> dict[str, str]:
    """The ``metadata`` row of one raw file: its source entry, file name and SHA-256."""
    return {**SOURCES[key], "file": file, "sha256": checksum}
