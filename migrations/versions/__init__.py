"""Revision scripts, one per schema change, named by date and revision id."""
