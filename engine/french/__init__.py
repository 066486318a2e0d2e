"""French as people type and read it: amounts, dates, folded text, error messages."""
