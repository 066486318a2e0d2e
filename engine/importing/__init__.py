"""The census import: read a spreadsheet, plan what it creates, report in French."""
