"""The database: declarative base, engines, migrations, settings and the unit of work."""
