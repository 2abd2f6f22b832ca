"""hardline: the Renovate policy of renovate.json, checked against the files it must match.

Usage: renovate_policy.py RENOVATE_JSON   (run from the repository root)
Prints each problem and exits 1, or prints a one-line summary and exits 0.
"""
import glob
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def js_regex(pattern: str) -> re.Pattern:
    return re.compile(pattern.replace("(?<", "(?P<"))


def main(path: str) -> int:
    c = json.load(open(path))
    rules = c.get("packageRules", [])
    problems = []
    if c.get("automerge") is not False:
        problems.append("automerge must be false: hardline decides what merges")
    majors_off = [i for i, r in enumerate(rules) if r.get("matchUpdateTypes") == ["major"] and r.get("enabled") is False
                  and not r.get("matchManagers")]
    actions_on = [i for i, r in enumerate(rules) if r.get("matchUpdateTypes") == ["major"] and r.get("enabled") is True
                  and r.get("matchManagers") == ["github-actions"]]
    if not majors_off:
        problems.append("major updates must be disabled in general")
    if not actions_on or (majors_off and actions_on[-1] < majors_off[-1]):
        problems.append("majors of GitHub Actions must be proposed (a rule after the general one)")
    if any("automerge" in r and r.get("automerge") for r in rules):
        problems.append("no package rule may auto-merge")
    if not any(r.get("pinDigests") is True and ("docker" in r.get("matchCategories", []) or "docker" in r.get("matchDatasources", []))
               for r in rules):
        problems.append("docker images must be pinned by digest")
    va = c.get("vulnerabilityAlerts", {})
    if "security" not in va.get("labels", []):
        problems.append("vulnerability alerts must be labelled security")
    if not any(r.get("prPriority", 0) >= 5 for r in va.get("packageRules", [])):
        problems.append("vulnerability alerts need a high prPriority")

    # the update-type note that automerge-eligible.sh reads, rendered as Renovate would
    notes = c.get("prBodyNotes", [])
    note = next((n for n in notes if "hardline:update-type=" in n), None)
    if note is None or "{{{updateType}}}" not in note:
        problems.append("prBodyNotes must write <!-- hardline:update-type={{{updateType}}} --> (automerge-eligible.sh reads it)")
    else:
        pr = {"number": 1, "user": {"login": "renovate[bot]"}, "body": note.replace("{{{updateType}}}", "digest"),
              "head": {"repo": {"full_name": "a/b", "fork": False}}, "base": {"repo": {"full_name": "a/b"}}}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(pr, f)
        done = subprocess.run(["bash", ".github/scripts/automerge-eligible.sh", f.name], capture_output=True, text=True)
        Path(f.name).unlink()
        if done.returncode != 0:
            problems.append(f"automerge-eligible.sh does not read the rendered note: {done.stdout.strip()}")

    managers = c.get("customManagers", [])
    if any("fileMatch" in m for m in managers):
        problems.append("fileMatch is gone since Renovate 41: use managerFilePatterns")
    for m in managers:
        for pattern in m.get("managerFilePatterns", []):
            if not (pattern.startswith("/") and pattern.endswith("/")):
                problems.append(f"managerFilePatterns entry {pattern!r} is a glob; the managers' patterns are regexes (/…/)")
    trivy = [m for m in managers if m.get("depNameTemplate") == "aquasecurity/trivy"]
    if not trivy or trivy[0].get("datasourceTemplate") != "github-releases":
        problems.append("no regex manager for TRIVY_VERSION")
    else:
        files = [f for f in glob.glob(".github/workflows/*.yml") if "TRIVY_VERSION" in open(f).read()]
        pats = [js_regex(p.strip("/")) for p in trivy[0].get("managerFilePatterns", [])]
        rx = js_regex(trivy[0]["matchStrings"][0])
        if not files or not all(rx.search(open(f).read()) and any(p.search(f) for p in pats) for f in files):
            problems.append("the TRIVY_VERSION manager does not match every workflow that pins it")
    # The images' base is `ARG BASE_IMAGE=debian:trixie-slim@sha256:…` used as `FROM ${BASE_IMAGE}`:
    # Renovate's dockerfile manager follows such an ARG, so no regex manager is needed for it
    # (tests/images checks the Dockerfiles' base).
    if problems:
        print("\n".join(problems))
        return 1
    print("digests pinned, majors off except GitHub Actions, no auto-merge, the update-type note, "
          "security alerts first, TRIVY_VERSION tracked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
