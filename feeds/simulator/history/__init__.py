"""History seeding: plan each year of cases, cut it at the end time, write it through the store's
bulk path (``gridwall seed`` and the demo's first run), with a progress bar."""
