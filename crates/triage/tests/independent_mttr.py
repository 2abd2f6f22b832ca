#!/usr/bin/env python3
"""MTTR per severity computed straight from Trivy reports, independently of hardline.

Usage: independent_mttr.py REPORT_DIR   (Trivy JSON reports of one image)

Prints JSON: {"critical": {"fixed": N, "mean_days": X}, ...} for every severity, with
mean_days null when nothing of that severity was fixed.

The definition (issue 11): over every open->fixed interval, the days from the first scan with
a finding to the first scan without it, the severity being the finding's as last seen open; a
finding that returns opens a new interval. A finding is identified as Trivy describes it: its
vulnerability id, the package name, the result's class and type, and for language packages
the package path (or the result target when it has none) -- never the installed version.
Duplicates within one report count once, at their most severe reading.

Written from the definition, not from hardline's code, so that the two can be compared.
"""

import datetime
import json
import pathlib
import sys

ORDER = {"UNKNOWN": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}


def scan_time(text):
    # Trivy writes nanoseconds (2026-01-19T04:08:21.501247525Z); Python keeps microseconds,
    # so keep the fraction as a separate exact number of nanoseconds.
    date, _, rest = text.partition("T")
    clock = rest.rstrip("Z")
    whole, _, fraction = clock.partition(".")
    base = datetime.datetime.fromisoformat(f"{date}T{whole}+00:00")
    nanos = int((fraction + "000000000")[:9]) if fraction else 0
    return int(base.timestamp()), nanos


def findings(report):
    out = {}
    for result in report.get("Results") or []:
        klass = result.get("Class") or ""
        kind = result.get("Type") or ""
        is_os = klass == "os-pkgs"
        for vuln in result.get("Vulnerabilities") or []:
            path = None if is_os else (vuln.get("PkgPath") or result.get("Target") or "")
            key = (vuln["VulnerabilityID"], "os" if is_os else "lang", kind, vuln["PkgName"], path)
            severity = (vuln.get("Severity") or "UNKNOWN").upper()
            severity = severity if severity in ORDER else "UNKNOWN"
            if key not in out or ORDER[severity] > ORDER[out[key]]:
                out[key] = severity
    return out


def main(folder):
    reports = []
    for path in pathlib.Path(folder).glob("*.json"):
        report = json.loads(path.read_text())
        reports.append((scan_time(report["CreatedAt"]), findings(report)))
    reports.sort(key=lambda r: r[0])

    opened = {}  # key -> time of the first scan with it (current interval)
    last_severity = {}  # key -> severity in the last scan that had it
    intervals = []  # (severity, seconds, nanoseconds)
    for time, present in reports:
        for key in list(opened):
            if key not in present:
                start = opened.pop(key)
                intervals.append((last_severity[key], time[0] - start[0], time[1] - start[1]))
        for key, severity in present.items():
            opened.setdefault(key, time)
            last_severity[key] = severity

    result = {}
    for severity in ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"]:
        mine = [(s, n) for (sev, s, n) in intervals if sev == severity]
        days = [(s + n / 1e9) / 86400 for (s, n) in mine]
        result[severity.lower()] = {
            "fixed": len(days),
            "mean_days": (sum(days) / len(days)) if days else None,
        }
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
