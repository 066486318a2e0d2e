"""The contract's objectives: measures computed from the inventory, services, progress."""
