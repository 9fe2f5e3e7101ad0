"""The weekly report: output against capability (docs/report.md)."""
