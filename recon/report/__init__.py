"""Reports: a CheckResult in, report.xlsx and report.html out."""
