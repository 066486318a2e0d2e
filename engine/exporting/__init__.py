"""Exports of the inventory: French CSV, XLSX, JSON and the national open-data format.

Each writer takes an `Inventory` (what to write, read in batches) and a binary stream, and
returns how many schemes it wrote. `engine.services.exports` chooses the writer and audits.
"""
