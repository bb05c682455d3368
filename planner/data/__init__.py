"""Region data: the raw official files, the register, region specs, the pack build and the
pack itself (:mod:`planner.data.pack`)."""
