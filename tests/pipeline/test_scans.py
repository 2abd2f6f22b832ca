"""The static scans in the flow, with the real tools: lint-scan.sh runs hadolint, `trivy config`,
semgrep (the project's rules in security/semgrep/) and zizmor as the scan and pr-gate
workflows do; record-reports.sh records every report of an image as one scan; gate-pr.sh and
gate-publish.sh gate a pull request on the same kinds of findings the ledger holds, and agree.

The tools come from PATH (`.ci/scanners.sh`, which tests/pipeline/run.sh puts there); with
HARDLINE_REQUIRE_TOOLS=1 (`.ci/run`) a missing one fails the test instead of skipping it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, trivy_report, write_json
from test_scripts import gate_statuses, seed_renovate_pr

CREATED = "2026-11-30T04:30:00Z"


def scanners() -> None:
    """Skips (or, under .ci/run, fails) unless the real scanners are on PATH."""
    missing = [t for t in ("hadolint", "trivy", "semgrep", "zizmor") if shutil.which(t) is None]
    if missing:
        message = f"not on PATH: {', '.join(missing)} (PATH=\"$(bash .ci/scanners.sh):$PATH\")"
        if os.environ.get("HARDLINE_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)


def hardline(bin: Path, root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin), *args], cwd=root, capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "HARDLINE_NOW": "2026-11-30T12:00:00Z"}, timeout=120)


def repo_copy(tmp_path: Path) -> Path:
    """The repository's images, exceptions, semgrep rules and workflows, as a checkout holds them."""
    root = tmp_path / "repo"
    for part in ("images", "security", ".github"):
        shutil.copytree(REPO / part, root / part)
    return root


def lint(env, root: Path, image: str, out: Path, **extra) -> subprocess.CompletedProcess:
    done = env.run("lint-scan.sh", "image", image, out, cwd=root, env={"TRIVY_CACHE_DIR": str(root.parent / "trivy"), **extra},
                   timeout=600)
    return done


def image_report(path: Path, image: str, vulns=()) -> None:
    write_json(path, trivy_report(CREATED, list(vulns), artifact=f"hardline-ci/{image}:0123456789ab"))


def test_the_repository_s_own_files_have_no_finding_that_counts(tmp_path, actions, hardline_bin):
    """Every static scan of this repository's images and workflows, recorded as the scan
    workflow records it: nothing counts. trivy config's DS-0031 on the *_PASSWORD_FILE
    variables (paths of mounted secrets) is an accepted risk with its reason, exactly those
    two findings (security/exceptions.toml)."""
    scanners()
    root = repo_copy(tmp_path)
    env = actions("schedule.json")
    reports = tmp_path / "reports"
    images = sorted(p.parent.name for p in (root / "images").glob("*/Dockerfile"))
    assert images == ["php-mysql-secured", "postgres-secured"]
    for image in images:
        done = lint(env, root, image, reports / image)
        assert done.returncode == 0, done.stdout + done.stderr
        image_report(reports / image / "image.json", image)
    assert (reports / "php-mysql-secured/semgrep.sarif").is_file(), "the PHP app is scanned with the project's rules"
    assert not (reports / "postgres-secured/semgrep.sarif").exists(), "no PHP, no semgrep"
    done = env.run("lint-scan.sh", "workflows", reports / "workflows", cwd=root, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    done = env.run("record-reports.sh", reports, cwd=root, env={"HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert env.outputs()["recorded"] == "php-mysql-secured postgres-secured workflows"
    status = json.loads(hardline(hardline_bin, root, "--format", "json", "status").stdout)
    by_name = {i["name"]: i for i in status["images"]}
    assert set(by_name) == {"php-mysql-secured", "postgres-secured", "workflows"}
    for name, image in by_name.items():
        assert image["counts"]["total"] == 0, f"{name}: {image['counts']}"
    for name in images:
        assert by_name[name]["suppressed_by_exceptions"] == 1, by_name[name]
    exceptions = hardline(hardline_bin, root, "exceptions")
    assert "STALE" not in exceptions.stdout, exceptions.stdout


def test_a_scan_tool_that_fails_leaves_no_report(tmp_path, actions):
    """An empty or missing report would read as "everything fixed": a failing tool is an error."""
    scanners()
    root = repo_copy(tmp_path)
    env = actions()
    done = lint(env, root, "postgres-secured", tmp_path / "out", HADOLINT="false")
    assert done.returncode != 0
    assert "::error::false failed" in done.stdout
    assert not (tmp_path / "out/hadolint.sarif").exists()
    # A tool that succeeds without writing a report (or writes two documents) is no better.
    for tool in ("true", "echo {} {}"):
        script = tmp_path / "tool.sh"
        script.write_text(f"#!/bin/sh\n{tool}\n")
        script.chmod(0o755)
        done = lint(env, root, "postgres-secured", tmp_path / "out", HADOLINT=str(script))
        assert done.returncode != 0 and "::error::tool.sh wrote no JSON report" in done.stdout, done.stdout
        assert not (tmp_path / "out/hadolint.sarif").exists()
    done = lint(env, root, "../etc", tmp_path / "out")
    assert done.returncode != 0 and "not a valid image name" in done.stdout


BAD_DOCKERFILE = """FROM debian:latest
MAINTAINER someone@example.com
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
USER 1000
"""


def one_image_repo(tmp_path: Path, dockerfile: str, name: str = "repo") -> Path:
    root = tmp_path / name
    (root / "images/app").mkdir(parents=True)
    (root / "images/app/Dockerfile").write_text(dockerfile)
    shutil.copytree(REPO / "security/semgrep", root / "security/semgrep")
    return root


def test_all_reports_of_an_image_are_one_scan_and_a_problem_both_linters_flag_counts_once(tmp_path, actions, hardline_bin):
    scanners()
    root = one_image_repo(tmp_path, BAD_DOCKERFILE)
    env = actions("schedule.json")
    reports = tmp_path / "reports"
    assert lint(env, root, "app", reports / "app").returncode == 0
    image_report(reports / "app/image.json", "app", [("CVE-2026-1001", "libc6", "HIGH", "2.41-12", "2.41-13")])
    done = env.run("record-reports.sh", reports, cwd=root, env={"HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    log = (root / "audit-logs/app.jsonl").read_text().splitlines()
    assert len(log) == 1, "the image scan, hadolint and trivy config: one scan"
    baseline = json.loads(hardline(hardline_bin, root, "--format", "json", "status").stdout)["images"][0]
    assert baseline["counts"]["total"] >= 3
    view = (root / "cve-baseline/app.json").read_text()
    # hadolint's DL3007 and DL4000 are Trivy's DS-0001 and DS-0022 there: one finding each.
    for trivy_id, hadolint_id in (("DS-0001", "DL3007"), ("DS-0022", "DL4000")):
        lines = [line for line in view.splitlines() if f'"id":"{trivy_id}"' in line]
        assert len(lines) == 1 and hadolint_id in lines[0], view
        assert f'"id":"{hadolint_id}"' not in view
    assert '"id":"CVE-2026-1001"' in view


def base_ledger(tmp_path: Path, env, hardline_bin: Path) -> Path:
    """The base branch: its ledger holds the image scan and the lint of BAD_DOCKERFILE."""
    root = one_image_repo(tmp_path, BAD_DOCKERFILE, "base")
    reports = tmp_path / "base-reports"
    assert lint(env, root, "app", reports / "app").returncode == 0
    image_report(reports / "app/image.json", "app")
    done = env.run("record-reports.sh", reports, cwd=root, env={"HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def pull_request_scan(tmp_path: Path, env, dockerfile: str) -> Path:
    """What pr-gate's scan job uploads for the pull request's image: the Trivy report and the
    static scans of its sources, made in the pull request's checkout."""
    pr = one_image_repo(tmp_path, dockerfile, "pr")
    reports = tmp_path / "pr-scan"
    done = lint(env, pr, "app", reports / "app")
    assert done.returncode == 0, done.stdout + done.stderr
    image_report(reports / "app/candidate.json", "app")
    return reports


@pytest.mark.parametrize("change,expected", [
    # Lines inserted above the findings: the same findings, nothing new.
    ("# a comment above everything\n# and another\n", "review"),
    # A second apt-get install without pinned versions: a new MEDIUM (DL3008).
    ("RUN apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*\n", "block"),
])
def test_a_pull_request_is_gated_on_its_lint_the_same_on_both_sides(tmp_path, actions, hardline_bin, github, change, expected):
    """pr-gate's gate job and the trusted pr-gate-publish both check out the base commit: the
    pull request's flagged files travel in the artifact (`sources/`), and both identify the
    SARIF results by them (`hardline gate --sources`), so they decide alike — and a change that
    only moves lines is not a new finding."""
    scanners()
    env = actions("pull_request_renovate.json", github)
    root = base_ledger(tmp_path, env, hardline_bin)
    dockerfile = change + BAD_DOCKERFILE if change.startswith("#") else BAD_DOCKERFILE + change
    reports = pull_request_scan(tmp_path, env, dockerfile)
    if change.startswith("#"):
        assert (reports / "app/sources/images/app/Dockerfile").read_text() == dockerfile

    done = env.run("gate-pr.sh", reports, tmp_path / "decision", cwd=root,
                   env={"IMAGES": '["app"]', "HARDLINE": str(hardline_bin)})
    assert done.returncode == (1 if expected == "block" else 0), done.stdout + done.stderr
    assert env.outputs()["decision"] == expected
    artifact = tmp_path / "decision"
    for name in ("candidate.json", "config.json", "hadolint.sarif"):
        assert (artifact / "reports/app" / name).is_file(), name
    assert (artifact / "reports/app/sources/images/app/Dockerfile").is_file()
    decision = json.loads((artifact / "decisions/app.json").read_text())
    assert decision["diff"]["fixed"] == [], decision["diff"]

    # The trusted side (pr-gate-publish.yml), from the same base checkout, with the artifact as
    # data: it decides again, and alike.
    seed_renovate_pr(github, files=[{"filename": "images/app/Dockerfile", "status": "modified"}])
    trusted = actions("workflow_run_renovate.json", github)
    done = trusted.run("gate-publish.sh", artifact, cwd=root, env={"HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert trusted.outputs()["decision"] == expected
    assert [s["state"] for s in gate_statuses(github)] == ["failure" if expected == "block" else "success"]
    comment = [c for c in github.state()["comments"] if c["issue"] == 57][-1]["body"]
    assert "### Fixed" not in comment, comment
    if expected == "review":
        assert "### New" not in comment, "only lines moved: " + comment
    else:
        assert "### New (1)" in comment and "DL3008" in comment, comment
    # Without the pull request's files, the base's lines would be hashed: not the same finding.
    if change.startswith("#"):
        args = ["--format", "json", "gate", "--image", "app"]
        for name in ("candidate.json", "config.json", "hadolint.sarif"):
            args += ["--report", str(artifact / "reports/app" / name)]
        blind = hardline(hardline_bin, root, *args)
        assert json.loads(blind.stdout)["diff"]["new"] != [], "the sources are what makes the two sides agree"
