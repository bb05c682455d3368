"""Region data: the raw official files, the register, region specs, the pack build and the
pack itself.

Modules
-------
:mod:`~planner.data.raw`, :mod:`~planner.data.register`
    Readers of the raw files (boundaries, Zensus grid, stops, stations, schools; the Destatis
    register).
:mod:`~planner.data.regions`
    Region specs for any German region (district keys, Länder, presets, CRS).
:mod:`~planner.data.sources`
    Source, vintage, licence and attribution of each raw file.
:mod:`~planner.data.vintages`
    Boundary polygons (2021) matched to register municipalities (2024), merges.
:mod:`~planner.data.checks`
    The build's checks against the register (:class:`~planner.data.checks.BuildError`).
:mod:`~planner.data.assembly`
    Region inputs → region pack (the generic part of the build).
:mod:`~planner.data.build`
    Reading the inputs of either source; ``build_pack`` and ``build``.
:mod:`~planner.data.pack`
    The pack: load, save, :class:`~planner.data.pack.RegionInfo`.
"""
