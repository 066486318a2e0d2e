"""The rules: workflows as data, who may do what, inputs, effects, deadlines, passwords,
diagrams."""
