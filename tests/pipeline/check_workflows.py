#!/usr/bin/env python3
"""hardline: policy checks of GitHub Actions workflows (stdlib + PyYAML).

Usage: check_workflows.py [--scripts DIR] WORKFLOW_DIR_OR_FILE...
Prints one `ok - ` / `not ok - ` line per check and file; exits 1 if any check fails.

Checks, per workflow file:
  pinned-uses      every remote `uses:` is owner/repo@<40-hex SHA> followed by `# vX.Y.Z`
                   (local $/ or ./ workflows are pinned by being in the same commit; docker:// needs a digest)
  top-permissions  a top-level `permissions:` key exists and is `{}` (deny by default)
  pipefail         `defaults.run.shell: bash` (GitHub then runs steps with -eo pipefail; the
                   implicit default is `bash -e`, where a failing command inside a pipeline passes)
  job-permissions  every job declares its own `permissions:` and none is write-all
  no-expr-in-run   no `${{ ... }}` expression inside any `run:` script (values go through env:)
  checkout-creds   actions/checkout sets persist-credentials: false, unless the job pushes
                   (contains `git push`) and holds contents: write
  ledger-writer    a job that commits the ledger (`ledger.sh commit`) runs in a concurrency group
                   (job or workflow) without cancel-in-progress
  trivy-pinned     a workflow that runs trivy defines TRIVY_VERSION as X.Y.Z and installs it
                   through the checksum-verifying script
  no-pr-writes     a workflow triggered by pull_request / pull_request_target grants no job a
                   write permission (writes belong to the workflow_run side)
  gate-unskippable a job named `gate` runs with `if: ${{ !cancelled() }}` and checks its needs
                   with require-success.sh (a skipped required check counts as passed)
  run-data-only    a workflow_run workflow never checks out the triggering run's head
  zizmor-ignores   the only finding ignored inline is dangerous-triggers on a workflow_run
                   trigger, and the comment gives the reason
  self-calls       a `$/.github/workflows/X.yml` call names an existing reusable workflow, passes
                   only declared inputs and every required one, and grants the caller job every
                   permission the called jobs ask for
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
LEDGER_CMD = re.compile(r"ledger\.sh\s+commit\b")
TRIVY_CMD = re.compile(r"(^|\s)(trivy\s|\S*trivy-scan\.sh\s)")
PERM_LEVEL = {"none": 0, "read": 1, "write": 2}

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


def triggers(doc: dict) -> set[str]:
    # PyYAML reads the key `on` as the boolean True
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(map(str, on))
    return set(on) if isinstance(on, dict) else set()


def perms_of(perms: object) -> dict[str, int]:
    if perms == "write-all":
        return {"*": 2}
    if perms == "read-all":
        return {"*": 1}
    return {k: PERM_LEVEL.get(str(v), 0) for k, v in perms.items()} if isinstance(perms, dict) else {}


def check_self_calls(path: Path, doc: dict) -> None:
    name = path.name
    problems = []
    calls = 0
    for j, body in jobs_of(doc).items():
        uses = body.get("uses") if isinstance(body, dict) else None
        if not isinstance(uses, str) or not uses.startswith(("$/", "./")):
            continue
        calls += 1
        target = path.parent.parent.parent / uses.split("/", 1)[1].lstrip("/")
        if not target.is_file():
            problems.append(f"{j}: {uses} does not exist")
            continue
        called = yaml.safe_load(target.read_text(encoding="utf-8"))
        on = called.get("on", called.get(True)) or {}
        if not isinstance(on, dict) or "workflow_call" not in on:
            problems.append(f"{j}: {uses} has no workflow_call trigger")
            continue
        declared = (on.get("workflow_call") or {}).get("inputs") or {}
        given = body.get("with") or {}
        problems += [f"{j}: input '{k}' is not declared by {uses}" for k in given if k not in declared]
        problems += [f"{j}: required input '{k}' of {uses} is not given" for k, v in declared.items()
                     if isinstance(v, dict) and v.get("required") and "default" not in v and k not in given]
        granted = perms_of(body.get("permissions"))
        for cj, cbody in jobs_of(called).items():
            for scope, level in perms_of(cbody.get("permissions") if isinstance(cbody, dict) else None).items():
                if max(granted.get(scope, 0), granted.get("*", 0)) < level:
                    problems.append(f"{j}: {uses} job '{cj}' asks for {scope}: {'write' if level == 2 else 'read'}, "
                                    f"which the caller does not grant")
    if calls:
        report(not problems, f"{name}: self-repository workflow calls match their inputs and permissions ({calls} calls)",
               "; ".join(problems))


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

    # pipefail
    shell = ((doc.get("defaults") or {}).get("run") or {}).get("shell")
    report(shell == "bash", f"{name}: steps run with pipefail (defaults.run.shell: bash)", f"found: {shell!r}")

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

    on = triggers(doc)
    # no-pr-writes
    if on & {"pull_request", "pull_request_target"}:
        writers = [j for j, body in jobs.items() if isinstance(body, dict)
                   and any(level == 2 for level in perms_of(body.get("permissions")).values())]
        report(not writers, f"{name}: a pull_request workflow grants no write permission", f"jobs: {writers}")

    # gate-unskippable
    gate = jobs.get("gate")
    if isinstance(gate, dict):
        cond = str(gate.get("if", ""))
        checks = any("require-success.sh" in s for s in run_scripts(gate))
        needs_json = any("toJSON(needs)" in str((st.get("env") or {}).get("NEEDS", "")) for st in steps_of(gate) if isinstance(st, dict))
        report("!cancelled()" in cond.replace(" ", "") and checks and needs_json,
               f"{name}: the gate runs unless cancelled and fails unless every needed job succeeded",
               f"if: {cond!r}; require-success.sh: {checks}; NEEDS=toJSON(needs): {needs_json}")

    # run-data-only
    if "workflow_run" in on:
        heads = []
        for j, body in jobs.items():
            for st in steps_of(body) if isinstance(body, dict) else []:
                if isinstance(st, dict) and str(st.get("uses", "")).startswith("actions/checkout@"):
                    ref = str((st.get("with") or {}).get("ref", "")) + str((st.get("with") or {}).get("repository", ""))
                    if "workflow_run" in ref or "head" in ref:
                        heads.append(f"{j}: ref {ref}")
        report(not heads, f"{name}: the workflow_run workflow never checks out the triggering run's code", "; ".join(heads))

    check_self_calls(path, doc)

    # zizmor-ignores
    odd = []
    for lineno, line in enumerate(text.splitlines(), 1):
        m = re.search(r"zizmor:\s*ignore\[([^\]]*)\](.*)$", line)
        if not m:
            continue
        if m.group(1).strip() != "dangerous-triggers" or not line.lstrip().startswith("workflow_run:"):
            odd.append(f"line {lineno}: ignores {m.group(1)}")
        elif len(m.group(2).strip()) < 20:
            odd.append(f"line {lineno}: no reason given")
    report(not odd, f"{name}: zizmor findings are ignored only for workflow_run, with a reason", "; ".join(odd))

    # trivy-pinned
    scripts = "\n".join(s for body in jobs.values() if isinstance(body, dict) for s in run_scripts(body))
    if TRIVY_CMD.search(scripts):
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
    if not ledger_groups:
        report(False, "a ledger-writing job (ledger.sh commit) exists")
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
