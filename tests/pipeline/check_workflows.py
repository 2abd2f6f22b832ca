#!/usr/bin/env python3
"""hardline: policy checks of GitHub Actions workflows (stdlib + PyYAML).

Usage: check_workflows.py [--scripts DIR] WORKFLOW_DIR_OR_FILE...
Prints one `ok - ` / `not ok - ` line per check and file; exits 1 if any check fails.

Checks, per workflow file:
  pinned-uses      every remote `uses:` is owner/repo@<40-hex SHA> followed by `# vX.Y.Z`
                   (local $/ or ./ workflows are pinned by being in the same commit; docker:// needs a digest)
  top-permissions  a top-level `permissions:` key exists and is `{}` (deny by default)
  job-permissions  every job declares its own `permissions:` and none is write-all
  no-expr-in-run   no `${{ ... }}` expression inside any `run:` script (values go through env:)
  checkout-creds   actions/checkout sets persist-credentials: false, unless the job pushes
                   (contains `git push`) and holds contents: write
  ledger-writer    a job that writes the ledger (`hardline record`, `hardline summary`) has a
                   concurrency group with cancel-in-progress false, and all such jobs share one group
  trivy-pinned     a workflow that runs trivy defines TRIVY_VERSION as X.Y.Z and installs it
                   through the checksum-verifying script
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

SHA_USES = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+){1,2}\b")
USES_LINE = re.compile(r"^\s*(?:-\s*)?uses:\s*['\"]?([^'\"\s#]+)['\"]?\s*(#.*)?$")
EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)
LEDGER_CMD = re.compile(r"hardline\s+(record|summary)\b")

results: list[tuple[bool, str, str]] = []


def report(ok: bool, desc: str, detail: str = "") -> None:
    results.append((ok, desc, detail))


def jobs_of(doc: dict) -> dict:
    jobs = doc.get("jobs")
    return jobs if isinstance(jobs, dict) else {}


def steps_of(job: dict) -> list:
    steps = job.get("steps")
    return steps if isinstance(steps, list) else []


def run_scripts(job: dict) -> list[str]:
    return [s["run"] for s in steps_of(job) if isinstance(s, dict) and isinstance(s.get("run"), str)]


def has_write(perms: object, scope: str) -> bool:
    if perms == "write-all":
        return True
    return isinstance(perms, dict) and perms.get(scope) == "write"


def check_file(path: Path, ledger_groups: dict[str, str]) -> None:
    name = path.name
    text = path.read_text(encoding="utf-8")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        report(False, f"{name}: parses as YAML", str(exc))
        return
    if not isinstance(doc, dict) or not jobs_of(doc):
        report(False, f"{name}: is a workflow with jobs")
        return
    jobs = jobs_of(doc)

    # pinned-uses: read from the raw lines, because the version comment is not in the YAML model
    bad_uses = []
    count = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        m = USES_LINE.match(line)
        if not m:
            continue
        count += 1
        ref, comment = m.group(1), m.group(2) or ""
        if ref.startswith(("./", "$/")):  # same repository, same commit
            continue
        if ref.startswith("docker://"):
            if not re.search(r"@sha256:[0-9a-f]{64}$", ref):
                bad_uses.append(f"line {lineno}: {ref} (docker image without digest)")
            continue
        if not SHA_USES.match(ref):
            bad_uses.append(f"line {lineno}: {ref} (not pinned to a 40-hex commit SHA)")
        elif not VERSION_COMMENT.search(comment):
            bad_uses.append(f"line {lineno}: {ref} (no `# vX.Y.Z` comment)")
    report(not bad_uses, f"{name}: every uses: is pinned to a full commit SHA with a version comment ({count} uses)",
           "; ".join(bad_uses))

    # top-permissions
    top = doc.get("permissions", "MISSING")
    report(top == {}, f"{name}: top-level permissions is {{}}", f"found: {top!r}")

    # job-permissions
    missing = [j for j, body in jobs.items() if not isinstance(body, dict) or "permissions" not in body]
    report(not missing, f"{name}: every job declares permissions", f"jobs without: {missing}")
    wide = [j for j, body in jobs.items() if isinstance(body, dict) and body.get("permissions") in ("write-all", "read-all")]
    report(not wide, f"{name}: no job uses write-all/read-all", f"jobs: {wide}")

    # no-expr-in-run
    exprs = []
    for j, body in jobs.items():
        if not isinstance(body, dict):
            continue
        for script in run_scripts(body):
            exprs += [f"{j}: {e}" for e in EXPR.findall(script)]
    report(not exprs, f"{name}: no ${{{{ }}}} expression inside run: scripts", "; ".join(exprs))

    # checkout-creds
    leaky = []
    for j, body in jobs.items():
        if not isinstance(body, dict):
            continue
        pushes = any("git push" in s for s in run_scripts(body)) and has_write(body.get("permissions"), "contents")
        for step in steps_of(body):
            if not (isinstance(step, dict) and str(step.get("uses", "")).startswith("actions/checkout@")):
                continue
            persist = (step.get("with") or {}).get("persist-credentials", True)
            if persist is not False and not pushes:
                leaky.append(j)
    report(not leaky, f"{name}: checkout uses persist-credentials: false unless the job pushes", f"jobs: {leaky}")

    # ledger-writer
    for j, body in jobs.items():
        if not isinstance(body, dict) or not any(LEDGER_CMD.search(s) for s in run_scripts(body)):
            continue
        conc = body.get("concurrency", doc.get("concurrency"))
        group = conc.get("group") if isinstance(conc, dict) else conc
        cancel = conc.get("cancel-in-progress", False) if isinstance(conc, dict) else False
        good = isinstance(group, str) and bool(group) and cancel is False
        report(good, f"{name}: ledger-writing job '{j}' has a concurrency group without cancel-in-progress",
               f"concurrency: {conc!r}")
        if good:
            ledger_groups[f"{name}:{j}"] = group

    # trivy-pinned
    scripts = "\n".join(s for body in jobs.values() if isinstance(body, dict) for s in run_scripts(body))
    if re.search(r"(^|\s)trivy\s", scripts):
        env = doc.get("env") or {}
        version = str(env.get("TRIVY_VERSION", ""))
        report(bool(re.fullmatch(r"\d+\.\d+\.\d+", version)), f"{name}: TRIVY_VERSION is pinned to X.Y.Z", version)
        report("install-trivy.sh" in scripts, f"{name}: Trivy is installed by the checksum-verifying script")


def main(argv: list[str]) -> int:
    args = argv[1:]
    scripts_dir = None
    if len(args) >= 2 and args[0] == "--scripts":
        scripts_dir = Path(args[1])
        args = args[2:]
    files: list[Path] = []
    for a in args or [".github/workflows"]:
        p = Path(a)
        files += sorted(p.glob("*.y*ml")) if p.is_dir() else [p]
    report(bool(files), "workflow files found", " ".join(args))
    ledger_groups: dict[str, str] = {}
    for f in files:
        check_file(f, ledger_groups)
    if ledger_groups:
        report(len(set(ledger_groups.values())) == 1, "all ledger-writing jobs share one concurrency group",
               repr(ledger_groups))
    else:
        report(False, "a ledger-writing job (hardline record) exists")
    if scripts_dir is not None:
        installer = scripts_dir / "install-trivy.sh"
        body = installer.read_text(encoding="utf-8") if installer.exists() else ""
        report("sha256sum -c" in body and "TRIVY_VERSION" in body,
               "install-trivy.sh verifies the tarball with sha256sum -c", str(installer))

    failed = 0
    for ok, desc, detail in results:
        print(("ok - " if ok else "not ok - ") + desc)
        if not ok:
            failed += 1
            if detail:
                print("#   " + detail)
    print(f"# workflow checks: {len(results) - failed} of {len(results)} ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
