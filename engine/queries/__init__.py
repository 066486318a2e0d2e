"""Read-only queries that serve pages: inventory, worklist, dashboard, duplicates, form choices."""
