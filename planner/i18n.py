"""Translations for every text the planner shows to a person (German default, English available).

The library returns structured messages (a key and parameters); the app and the CLI turn them into
text with :func:`t`. One catalogue, so the German and English wording stay side by side.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("de", "en")
DEFAULT_LANGUAGE: Final = "de"

CATALOGUE: dict[str, dict[str, str]] = {
    # site import
    "import.missing_column": {
        "de": "Spalte „{field}“ fehlt in der Datei (Pflichtfeld).",
        "en": "Column '{field}' is missing from the file (required).",
    },
    "import.empty": {
        "de": "Feld „{field}“ ist leer.",
        "en": "Field '{field}' is empty.",
    },
    "import.not_a_number": {
        "de": "Feld „{field}“: „{value}“ ist keine Zahl.",
        "en": "Field '{field}': '{value}' is not a number.",
    },
    "import.out_of_range": {
        "de": "Feld „{field}“: {value} liegt außerhalb von {low} bis {high}.",
        "en": "Field '{field}': {value} is outside {low} to {high}.",
    },
    "import.outside_region": {
        "de": "Punkt ({lon}, {lat}) liegt außerhalb der KielRegion.",
        "en": "Point ({lon}, {lat}) lies outside the KielRegion.",
    },
    "import.duplicate_id": {
        "de": "Feld „{field}“: ID „{value}“ ist bereits vergeben.",
        "en": "Field '{field}': id '{value}' is already taken.",
    },
    "import.bad_choice": {
        "de": "Feld „{field}“: „{value}“ ist nicht erlaubt (erlaubt: {allowed}).",
        "en": "Field '{field}': '{value}' is not allowed (allowed: {allowed}).",
    },
    "import.bad_date": {
        "de": "Feld „{field}“: „{value}“ ist kein Datum (JJJJ-MM-TT).",
        "en": "Field '{field}': '{value}' is not a date (YYYY-MM-DD).",
    },
    "import.unreadable_file": {
        "de": "Die Datei konnte nicht gelesen werden: {value}",
        "en": "The file could not be read: {value}",
    },
    "import.row": {"de": "Zeile {row}", "en": "Row {row}"},
    "import.file": {"de": "Datei", "en": "File"},
    # kinds, classes, facts
    "kind.centre": {"de": "Ortsmitte", "en": "Village centre"},
    "kind.rail": {"de": "Bahnhof", "en": "Railway station"},
    "kind.bus_hub": {"de": "Bus-Knoten", "en": "Bus hub"},
    "kind.school": {"de": "Schule", "en": "School"},
    "kind.user": {"de": "Eigener Standort", "en": "Own site"},
    "area.urban": {"de": "städtisch", "en": "urban"},
    "area.rural": {"de": "ländlich", "en": "rural"},
    "fact.no_stop_yet": {"de": "noch kein Stopp", "en": "no stop yet"},
    "fact.unknown": {"de": "unbekannt", "en": "unknown"},
    "fact.yes": {"de": "ja", "en": "yes"},
    "fact.no": {"de": "nein", "en": "no"},
    "fact.low": {"de": "gering", "en": "low"},
    "fact.medium": {"de": "mittel", "en": "medium"},
    "fact.high": {"de": "hoch", "en": "high"},
    # maps
    "map.layer.basemap": {"de": "Hintergrundkarte (OSM)", "en": "Basemap (OSM)"},
    "map.layer.municipalities": {"de": "Gemeinden: Abdeckung", "en": "Municipalities: coverage"},
    "map.layer.cells": {"de": "Zensus-Gitter 1 km", "en": "Zensus 1 km grid"},
    "map.layer.catchments": {
        "de": "Einzugsgebiete (≤ {minutes} min)",
        "en": "Catchments (≤ {minutes} min)",
    },
    "map.layer.districts": {"de": "Kreisgrenzen", "en": "District borders"},
    "map.layer.sites": {"de": "Standort-Kandidaten", "en": "Candidate sites"},
    "map.layer.stops": {"de": "Geplante Stopps", "en": "Planned stops"},
    "map.layer.route": {"de": "Route", "en": "Route"},
    "map.popup.stop": {"de": "Stopp", "en": "Stop"},
    "map.popup.dates": {"de": "Termin", "en": "Dates"},
    "map.popup.municipality": {"de": "Gemeinde", "en": "Municipality"},
    "map.popup.district": {"de": "Kreis", "en": "District"},
    "map.popup.kind": {"de": "Art", "en": "Kind"},
    "map.popup.area_class": {"de": "Raumtyp", "en": "Area type"},
    "map.popup.power": {"de": "Stromanschluss", "en": "Mains power"},
    "map.popup.visibility": {"de": "Sichtbarkeit", "en": "Visibility"},
    "map.popup.space_m2": {"de": "Fläche (m²)", "en": "Space (m²)"},
    "map.popup.notes": {"de": "Notizen", "en": "Notes"},
    "map.popup.score": {"de": "Bewertung", "en": "Score"},
    "map.tip.cell": {"de": "{population} Einw.", "en": "{population} people"},
    "map.tip.population": {"de": "{population} Einwohner", "en": "{population} inhabitants"},
    "map.tip.minutes": {
        "de": "{minutes} min zum nächsten Stopp",
        "en": "{minutes} min to the nearest stop",
    },
    "map.legend.title": {"de": "Abdeckung", "en": "Coverage"},
    "map.legend.covered": {
        "de": "Ortsmitte ≤ {minutes} min vom nächsten Stopp",
        "en": "Centre ≤ {minutes} min from the nearest stop",
    },
    "map.legend.uncovered": {
        "de": "weiter als {minutes} min",
        "en": "more than {minutes} min",
    },
    "map.legend.no_stops": {"de": "noch keine Stopps geplant", "en": "no stops planned yet"},
    "map.legend.reached": {"de": "Erreicht (≤ {minutes} min)", "en": "Reached (≤ {minutes} min)"},
    "map.legend.total": {"de": "gesamt", "en": "total"},
    "map.legend.model": {"de": "Fahrzeitmodell: {model}", "en": "Travel-time model: {model}"},
    # app
    "ui.page.compare": {"de": "Standorte vergleichen", "en": "Compare sites"},
    "ui.page.season": {"de": "Saison planen", "en": "Plan a season"},
    "ui.page.coverage": {"de": "Abdeckung", "en": "Coverage"},
    "ui.scenario.title": {"de": "Szenario", "en": "Scenario"},
    "ui.scenario.name": {"de": "Name des Szenarios", "en": "Scenario name"},
    "ui.scenario.save": {"de": "Speichern", "en": "Save"},
    "ui.scenario.saved_list": {"de": "Gespeicherte Szenarien", "en": "Saved scenarios"},
    "ui.scenario.open": {"de": "Öffnen", "en": "Open"},
    "ui.scenario.none": {
        "de": "Noch keine Szenarien gespeichert.",
        "en": "No scenarios saved yet.",
    },
    "ui.scenario.need_name": {
        "de": "Bitte einen Namen für das Szenario eingeben.",
        "en": "Please enter a name for the scenario.",
    },
    "ui.scenario.saved": {
        "de": "Szenario „{name}“ gespeichert (Version {rev}).",
        "en": "Scenario '{name}' saved (revision {rev}).",
    },
    "ui.scenario.conflict": {
        "de": (
            "„{name}“ wurde inzwischen anderswo gespeichert (Version {other}); Ihre Fassung "
            "ist als Version {rev} gespeichert, die andere bleibt erhalten."
        ),
        "en": (
            "'{name}' was saved elsewhere meanwhile (revision {other}); yours is saved as "
            "revision {rev}, the other one is kept."
        ),
    },
    "ui.scenario.save_failed": {
        "de": "Speichern fehlgeschlagen: {error}",
        "en": "Saving failed: {error}",
    },
    "ui.scenario.opened": {"de": "Szenario „{name}“ geöffnet.", "en": "Scenario '{name}' opened."},
    "ui.scenario.open_failed": {
        "de": "Öffnen fehlgeschlagen: {error}",
        "en": "Opening failed: {error}",
    },
    "ui.model.title": {"de": "Fahrzeitmodell", "en": "Travel-time model"},
    "ui.model.active": {
        "de": "Fahrzeitmodell: {name} — {description}",
        "en": "Travel-time model: {name} — {description}",
    },
    "ui.sources.title": {"de": "Datenquellen", "en": "Data sources"},
    "ui.sources.line": {"de": "Quellen: {sources}", "en": "Sources: {sources}"},
    "ui.compare.title": {"de": "Standorte vergleichen", "en": "Compare sites"},
    "ui.compare.intro": {
        "de": (
            "Kandidaten filtern, Kriterien gewichten, die Rangfolge prüfen und 2–4 Standorte "
            "nebeneinander vergleichen."
        ),
        "en": (
            "Filter candidates, weight the criteria, check the ranking and compare 2–4 sites "
            "side by side."
        ),
    },
    "ui.compare.weights": {
        "de": "Gewichte und Fahrzeit-Schwelle",
        "en": "Weights and travel-time threshold",
    },
    "ui.compare.threshold": {
        "de": "Erreichbar innerhalb von … Minuten (Auto)",
        "en": "Reachable within … minutes (car)",
    },
    "ui.compare.computing": {"de": "Kriterien werden berechnet …", "en": "Computing criteria …"},
    "ui.compare.ranking": {
        "de": "Rangfolge ({n} von {total} Standorten)",
        "en": "Ranking ({n} of {total} sites)",
    },
    "ui.compare.breakdown": {"de": "Aufschlüsselung der Bewertung", "en": "Score breakdown"},
    "ui.compare.pick_site": {"de": "Standort", "en": "Site"},
    "ui.compare.why": {
        "de": (
            "Platz **{rank}** von {n}, Bewertung **{score}** von 100 Punkten = Summe der "
            "gewichteten Anteile:"
        ),
        "en": "Rank **{rank}** of {n}, score **{score}** = sum of the weighted parts:",
    },
    "ui.compare.side_by_side": {"de": "Standorte nebeneinander", "en": "Sites side by side"},
    "ui.compare.pick_2_4": {"de": "2–4 Standorte zum Vergleich", "en": "2–4 sites to compare"},
    "ui.compare.pick_more": {
        "de": "Bitte mindestens zwei Standorte wählen.",
        "en": "Please choose at least two sites.",
    },
    "ui.compare.adds": {"de": "Nur hier erreicht (Einw.)", "en": "Reached only here (people)"},
    "ui.compare.adds_help": {
        "de": (
            "„Nur hier erreicht“: Einwohner innerhalb von {minutes} min, die keiner der "
            "anderen gewählten Standorte erreicht."
        ),
        "en": (
            "'Reached only here': people within {minutes} min whom none of the other chosen "
            "sites reaches."
        ),
    },
    "ui.compare.map": {
        "de": "Karte: Kandidaten und Einzugsgebiete",
        "en": "Map: candidates and catchments",
    },
    "ui.compare.compared_sites": {"de": "Verglichene Standorte", "en": "Compared sites"},
    "ui.crit.pop_car": {"de": "Einwohner erreicht (Auto)", "en": "People reached (car)"},
    "ui.crit.pop65_car": {"de": "davon 65+", "en": "of whom 65+"},
    "ui.crit.pop_u18_car": {"de": "davon unter 18", "en": "of whom under 18"},
    "ui.crit.rural_share": {"de": "Anteil ländlich", "en": "Rural share"},
    "ui.crit.pop_walk": {"de": "Einwohner zu Fuß", "en": "People on foot"},
    "ui.crit.gap_km": {
        "de": "Abstand zum nächsten Stopp (km)",
        "en": "Distance to nearest stop (km)",
    },
    "ui.crit.transit_stops": {"de": "ÖPNV-Haltestellen in der Nähe", "en": "Transit stops nearby"},
    "ui.crit.rail": {"de": "Bahnhof in der Nähe", "en": "Railway station nearby"},
    "ui.crit.power": {"de": "Stromanschluss", "en": "Mains power"},
    "ui.crit.space": {"de": "Fläche", "en": "Space"},
    "ui.crit.visibility": {"de": "Sichtbarkeit", "en": "Visibility"},
    "ui.crit.availability": {"de": "In der Saison verfügbar", "en": "Available in season"},
    "ui.col.max_part": {"de": "höchstens möglich", "en": "at most possible"},
    "ui.col.best_rank": {"de": "bester Platz", "en": "best rank"},
    "ui.col.worst_rank": {"de": "schlechtester Platz", "en": "worst rank"},
    "ui.col.share_top": {"de": "in Top {n} (%)", "en": "in top {n} (%)"},
    "ui.compare.sensitivity": {
        "de": "Wie stabil ist die Rangfolge? (Gewichte ±20 %)",
        "en": "How stable is the ranking? (weights ±20 %)",
    },
    "ui.compare.sensitivity_help": {
        "de": (
            "Rang unter {scenarios} Gewichtsvarianten; Anteil der Varianten, in denen der "
            "Standort in den Top {n} liegt."
        ),
        "en": (
            "Rank under {scenarios} weight variants; share of variants in which the site is "
            "in the top {n}."
        ),
    },
    "ui.compare.adds_rural": {"de": "davon ländlich", "en": "of whom rural"},
    "ui.filter.district": {"de": "Kreis", "en": "District"},
    "ui.filter.area": {"de": "Raumtyp", "en": "Area type"},
    "ui.filter.kind": {"de": "Art", "en": "Kind"},
    "ui.col.rank": {"de": "Platz", "en": "Rank"},
    "ui.col.name": {"de": "Name", "en": "Name"},
    "ui.col.municipality": {"de": "Gemeinde", "en": "Municipality"},
    "ui.col.district": {"de": "Kreis", "en": "District"},
    "ui.col.kind": {"de": "Art", "en": "Kind"},
    "ui.col.area": {"de": "Raumtyp", "en": "Area type"},
    "ui.col.score": {"de": "Bewertung", "en": "Score"},
    "ui.col.criterion": {"de": "Kriterium", "en": "Criterion"},
    "ui.col.raw": {"de": "Wert", "en": "Value"},
    "ui.col.weight": {"de": "Gewicht", "en": "Weight"},
    "ui.col.part": {"de": "Anteil an der Bewertung", "en": "Part of the score"},
    "ui.col.stop": {"de": "Stopp", "en": "Stop"},
    "ui.col.start": {"de": "Beginn", "en": "Start"},
    "ui.col.end": {"de": "Ende", "en": "End"},
    "ui.col.tow_min": {"de": "Schleppzeit (min)", "en": "Towing (min)"},
    "ui.col.tow_km": {"de": "Schleppstrecke (km)", "en": "Towing (km)"},
    "ui.col.locked": {"de": "gesperrt", "en": "locked"},
    "ui.col.reason": {"de": "Grund", "en": "Reason"},
    "ui.sites.add": {"de": "Standorte hinzufügen und bearbeiten", "en": "Add and edit sites"},
    "ui.sites.tab_file": {"de": "Datei hochladen", "en": "Upload a file"},
    "ui.sites.tab_coords": {"de": "Per Koordinaten", "en": "By coordinates"},
    "ui.sites.tab_edit": {"de": "Fakten bearbeiten", "en": "Edit facts"},
    "ui.sites.file_help": {
        "de": (
            "CSV (Trennzeichen ; oder ,) oder GeoJSON mit den Spalten name, lon, lat; "
            "optional site_id, power, space_m2, visibility, available_from, available_to, "
            "notes."
        ),
        "en": (
            "CSV (separator ; or ,) or GeoJSON with the columns name, lon, lat; optional "
            "site_id, power, space_m2, visibility, available_from, available_to, notes."
        ),
    },
    "ui.sites.file": {"de": "Datei mit Standorten", "en": "File with sites"},
    "ui.sites.import": {"de": "Standorte übernehmen", "en": "Import sites"},
    "ui.sites.added": {"de": "{n} Standort(e) hinzugefügt.", "en": "{n} site(s) added."},
    "ui.sites.errors": {
        "de": (
            "{n} Zeile(n) konnten nicht übernommen werden; alle anderen Eingaben bleiben erhalten:"
        ),
        "en": "{n} row(s) could not be imported; everything else you entered is kept:",
    },
    "ui.sites.add_point": {"de": "Standort hinzufügen", "en": "Add site"},
    "ui.sites.available_from": {
        "de": "Verfügbar ab (JJJJ-MM-TT)",
        "en": "Available from (YYYY-MM-DD)",
    },
    "ui.sites.available_to": {
        "de": "Verfügbar bis (JJJJ-MM-TT)",
        "en": "Available until (YYYY-MM-DD)",
    },
    "ui.sites.save_facts": {"de": "Fakten speichern", "en": "Save facts"},
    "ui.season.title": {"de": "Saison planen", "en": "Plan a season"},
    "ui.season.intro": {
        "de": (
            "Regeln festlegen, den Optimierer starten, Stopps sperren und neu planen, "
            "Ergebnisse exportieren."
        ),
        "en": "Set the rules, run the optimiser, lock stops and re-plan, export the results.",
    },
    "ui.season.start": {"de": "Saisonbeginn", "en": "Season start"},
    "ui.season.end": {"de": "Saisonende", "en": "Season end"},
    "ui.season.home": {"de": "Heimatstandort", "en": "Home base"},
    "ui.season.quota": {"de": "Stopps in {district}", "en": "Stops in {district}"},
    "ui.season.stay_days": {
        "de": "Standzeit je Stopp (Betriebstage)",
        "en": "Stay per stop (operating days)",
    },
    "ui.season.max_tow": {
        "de": "Max. Schleppzeit je Umzug (min, 0 = ohne)",
        "en": "Max. towing per move (min, 0 = none)",
    },
    "ui.season.revisit": {
        "de": "Mindestabstand bis zur selben Gemeinde (Tage)",
        "en": "Minimum gap before the same municipality (days)",
    },
    "ui.season.rural_share": {
        "de": "Mindestanteil ländlicher Stopps",
        "en": "Minimum share of rural stops",
    },
    "ui.season.time_limit": {
        "de": "Zeitlimit des Optimierers (s)",
        "en": "Optimiser time limit (s)",
    },
    "ui.season.blackouts": {
        "de": (
            "Sperrtermine (JJJJ-MM-TT oder JJJJ-MM-TT..JJJJ-MM-TT, durch Komma oder Zeile "
            "getrennt; Feiertage in SH sind automatisch gesperrt)"
        ),
        "en": (
            "Blackout dates (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, separated by comma or "
            "line; public holidays in SH are blocked automatically)"
        ),
    },
    "ui.season.run": {"de": "Saison planen", "en": "Plan season"},
    "ui.season.running": {"de": "Optimierer läuft …", "en": "Optimiser running …"},
    "ui.season.step_inputs": {
        "de": "Fahrzeiten und Einzugsgebiete …",
        "en": "Travel times and catchments …",
    },
    "ui.season.step_solve": {
        "de": "Optimierung (höchstens {seconds} s) …",
        "en": "Optimising (at most {seconds} s) …",
    },
    "ui.season.done": {"de": "Planung abgeschlossen", "en": "Planning finished"},
    "ui.season.problem.blackouts": {
        "de": "Sperrtermin „{value}“ ist kein Datum (JJJJ-MM-TT oder JJJJ-MM-TT..JJJJ-MM-TT).",
        "en": "Blackout '{value}' is not a date (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD).",
    },
    "ui.season.problem.home_site": {
        "de": "Heimatstandort „{value}“ ist kein bekannter Standort.",
        "en": "Home base '{value}' is not a known site.",
    },
    "ui.season.problem.config": {
        "de": "Ungültige Einstellung: {value}",
        "en": "Invalid setting: {value}",
    },
    "ui.season.no_plan": {
        "de": "Noch keine Saison geplant: Regeln einstellen und „Saison planen“ drücken.",
        "en": "No season planned yet: set the rules and press 'Plan season'.",
    },
    "ui.season.infeasible": {
        "de": (
            "Die Regeln lassen sich nicht alle gleichzeitig erfüllen. Diese Regeln verhindern "
            "die Saison, und das brächte eine Lockerung:"
        ),
        "en": (
            "The rules cannot all be met at once. These rules block the season, and this is "
            "what relaxing them would give:"
        ),
    },
    "ui.season.stops": {"de": "Stopps", "en": "Stops"},
    "ui.season.value": {"de": "Wert der Saison", "en": "Season value"},
    "ui.season.gap": {"de": "Abstand zur Schranke", "en": "Gap to bound"},
    "ui.season.rural": {"de": "Anteil ländlich", "en": "Rural share"},
    "ui.season.km": {"de": "Schleppstrecke", "en": "Distance towed"},
    "ui.season.status": {
        "de": "Status: {status} · erreichte Einwohner: {population} · Rechenzeit {seconds} s",
        "en": "Status: {status} · people covered: {population} · solve time {seconds} s",
    },
    "ui.season.schedule": {"de": "Ablaufplan", "en": "Schedule"},
    "ui.season.calendar": {"de": "Kalender", "en": "Calendar"},
    "ui.season.lock": {"de": "Stopps sperren und neu planen", "en": "Lock stops and re-plan"},
    "ui.season.lock_pick": {
        "de": "Diese Stopps behalten (Ort und Termin)",
        "en": "Keep these stops (site and dates)",
    },
    "ui.season.replan": {"de": "Rest neu planen", "en": "Re-plan the rest"},
    "ui.season.unplanned": {"de": "Warum nicht eingeplant?", "en": "Why not planned?"},
    "ui.season.exports": {"de": "Export", "en": "Export"},
    "ui.season.no_export": {
        "de": "Export nicht möglich: die Einstellungen sind ungültig.",
        "en": "Export not possible: the settings are invalid.",
    },
    "ui.status.optimal": {"de": "optimal (bewiesen)", "en": "optimal (proven)"},
    "ui.status.feasible": {
        "de": "zulässig (Zeitlimit erreicht)",
        "en": "feasible (time limit reached)",
    },
    "ui.status.infeasible": {"de": "unerfüllbar", "en": "infeasible"},
    "ui.diag.rule": {"de": "Regel", "en": "Rule"},
    "ui.diag.message": {"de": "Erklärung", "en": "Explanation"},
    "ui.diag.relaxation": {"de": "Lockerung", "en": "Relaxation"},
    "ui.diag.relaxed_feasible": {"de": "dann planbar?", "en": "feasible then?"},
    "ui.diag.relaxed_value": {"de": "Wert gelockert", "en": "Relaxed value"},
    "ui.diag.relaxed_stops": {"de": "Stopps gelockert", "en": "Relaxed stops"},
    "ui.export.csv": {"de": "CSV", "en": "CSV"},
    "ui.export.xlsx": {"de": "Excel", "en": "Excel"},
    "ui.export.ics": {"de": "Kalender (.ics)", "en": "Calendar (.ics)"},
    "ui.export.geojson": {"de": "GeoJSON Stopps", "en": "GeoJSON stops"},
    "ui.export.route_geojson": {"de": "GeoJSON Route", "en": "GeoJSON route"},
    "ui.export.gpkg": {"de": "GeoPackage", "en": "GeoPackage"},
    "ui.coverage.title": {"de": "Abdeckung", "en": "Coverage"},
    "ui.coverage.intro": {
        "de": (
            "Wen erreicht der Plan? Karte und Zahlen je Kreis, städtisch und ländlich (nur lesen)."
        ),
        "en": (
            "Whom does the plan reach? Map and figures per district, urban and rural (read-only)."
        ),
    },
    "ui.coverage.no_plan": {
        "de": (
            "Noch kein Plan vorhanden: auf „Saison planen“ einen Plan erstellen oder ein "
            "gespeichertes Szenario öffnen."
        ),
        "en": "No plan yet: create one on 'Plan a season' or open a saved scenario.",
    },
    "ui.coverage.current_short": {"de": "aktueller Plan", "en": "current plan"},
    "ui.coverage.source": {"de": "Plan", "en": "Plan"},
    "ui.coverage.current": {
        "de": "Aktueller Plan (nicht gespeichert)",
        "en": "Current plan (not saved)",
    },
    "ui.coverage.scenario_without_plan": {
        "de": "Dieses Szenario enthält noch keinen Plan.",
        "en": "This scenario holds no plan yet.",
    },
    "ui.coverage.map_title": {
        "de": "Tiny Rathaus – Abdeckung: {name}",
        "en": "Tiny Rathaus – coverage: {name}",
    },
    "ui.coverage.figures": {
        "de": "Erreichte Einwohner (≤ {minutes} min)",
        "en": "People reached (≤ {minutes} min)",
    },
    "ui.coverage.export": {"de": "Karte weitergeben", "en": "Share the map"},
    "ui.coverage.download": {"de": "Karte als HTML herunterladen", "en": "Download map as HTML"},
    "ui.coverage.save_to_maps": {"de": "In Ordner maps/ speichern", "en": "Save into folder maps/"},
    "ui.coverage.saved_to": {"de": "Gespeichert: {path}", "en": "Saved: {path}"},
    "ui.map.colour_by": {"de": "Einfärbung", "en": "Colouring"},
    "ui.map.colour.covered": {"de": "erreicht / nicht erreicht", "en": "reached / not reached"},
    "ui.map.colour.minutes": {
        "de": "Minuten zum nächsten Stopp",
        "en": "minutes to the nearest stop",
    },
    "ui.map.show_cells": {"de": "Zensus-Gitter einblenden", "en": "Show Zensus grid"},
    "ui.fig.district": {"de": "Kreis", "en": "District"},
    "ui.fig.urban_reached": {"de": "städtisch erreicht", "en": "urban reached"},
    "ui.fig.urban_share": {"de": "städtisch %", "en": "urban %"},
    "ui.fig.rural_reached": {"de": "ländlich erreicht", "en": "rural reached"},
    "ui.fig.rural_share": {"de": "ländlich %", "en": "rural %"},
    "ui.fig.reached": {"de": "erreicht", "en": "reached"},
    "ui.fig.population": {"de": "Einwohner (Zensus)", "en": "population (Zensus)"},
    "ui.fig.share": {"de": "Anteil %", "en": "share %"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Translate ``key`` into ``lang``, filling in ``params``; unknown keys come back as the key."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**params)
