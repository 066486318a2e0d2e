"""Records and their fields: record types, field names and values, validation, representation,
reference data, the audit log."""
