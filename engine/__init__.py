"""Maillage domain: models, workflows, unit of work and services. Never imports Flask."""
