"""Services: the verbs that change state, each one unit of work with its audit events."""
