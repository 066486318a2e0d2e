"""The `maillage` command line: set up, inspect and serve a Maillage instance."""
