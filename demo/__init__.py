"""Demonstration data for `maillage demo`: a catalogue, and the builder that plays it through the
engine's own services. Not part of the engine's runtime."""
