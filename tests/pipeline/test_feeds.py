"""The threat feeds in the pipeline: feeds.sh (the step of feeds.yml) fetches CISA's KEV catalog
and FIRST's EPSS scores with `hardline feeds update` into .hardline/feeds/, where the gate and the
views read them; the workflows restore that folder, fetched once a day, before each step that
reads it.

The hosts are crates/fake-feeds' `fake-feeds` binary on loopback (FAKE_FEEDS_BIN, set by
tests/pipeline/run.sh): ETag, Last-Modified, 304, gzip. Nothing here reaches the network.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import REPO, binary, trivy_report, write_json
from test_scripts import BASE_VULNS, FEWER, ledger_repo

KEV_PATH = "/sites/default/files/feeds/known_exploited_vulnerabilities.json"
EPSS_PATH = "/epss_scores-current.csv.gz"
FEEDS = Path(".hardline/feeds")
KEV_FILE = FEEDS / "known_exploited_vulnerabilities.json"
EPSS_FILE = FEEDS / "epss_scores-current.csv.gz"

# CISA's catalog and FIRST's file, in their publishers' shapes: glibc's "Looney Tunables",
# exploited in the wild (listed 2023-11-21).
KEV = {
    "title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.27",
    "dateReleased": "2026-11-27T17:04:19.9796Z", "count": 1,
    "vulnerabilities": [{
        "cveID": "CVE-2023-4911", "vendorProject": "GNU", "product": "GNU C Library",
        "vulnerabilityName": "GNU C Library Buffer Overflow Vulnerability", "dateAdded": "2023-11-21",
        "shortDescription": "A buffer overflow in the dynamic loader's GLIBC_TUNABLES handling.",
        "requiredAction": "Apply mitigations per vendor instructions.", "dueDate": "2023-12-12",
        "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-122"],
    }],
}
EPSS = ("#model_version:v2025.03.14,score_date:2026-11-29T00:00:00Z\ncve,epss,percentile\n"
        "CVE-2023-4911,0.74230,0.98822\nCVE-2026-1002,0.00041,0.10114\n")
# A Renovate bump that fixes a MEDIUM and brings CVE-2023-4911, rated LOW by the distribution:
# only kev-present (switched on in hardline.toml) sees it.
KEV_CANDIDATE = FEWER + [("CVE-2023-4911", "libc6", "LOW", "2.41-12", "")]


class FeedHosts:
    """`fake-feeds` in its own process, publishing KEV and EPSS at their real paths."""

    def __init__(self, tmp: Path):
        kev = write_json(tmp / "published/kev.json", KEV)
        epss = tmp / "published/epss.csv.gz"
        epss.write_bytes(gzip.compress(EPSS.encode(), mtime=0))
        url_file = tmp / "fake-feeds.url"
        self.proc = subprocess.Popen(
            [str(binary("FAKE_FEEDS_BIN")), "--kev", str(kev), "--epss", str(epss), "--url-file", str(url_file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not url_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("fake-feeds did not start")
            time.sleep(0.02)
        self.url = url_file.read_text().strip()

    def requests(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.url}/_fake/requests", timeout=10) as answer:
            return json.load(answer)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def hosts(tmp_path):
    fake = FeedHosts(tmp_path)
    yield fake
    fake.stop()


def checkout(tmp_path: Path, hardline_bin: Path, hosts: FeedHosts, name: str = "repo", **urls) -> Path:
    """A checkout whose ledger holds one scan of postgres-secured, with kev-present switched on and
    the feeds' addresses in hardline.toml (the publishers' by default; here the loopback hosts)."""
    base = tmp_path / name
    base.mkdir(exist_ok=True)
    root = ledger_repo(base, hardline_bin)
    kev_url = urls.get("kev_url", hosts.url + KEV_PATH)
    epss_url = urls.get("epss_url", hosts.url + EPSS_PATH)
    (root / "hardline.toml").write_text(
        f'[feeds]\nkev_url = "{kev_url}"\nepss_url = "{epss_url}"\n\n[gate.rules.kev-present]\nenabled = true\n')
    return root


def feeds(env, root: Path, hardline_bin: Path, *args: str, **extra) -> subprocess.CompletedProcess:
    return env.run("feeds.sh", *(args or ("update",)), cwd=root, env={"HARDLINE": str(hardline_bin), **extra})


def gate(env, root: Path, hardline_bin: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    """gate-pr.sh as pr-gate.yml's gate job runs it, after the feeds were restored."""
    write_json(tmp_path / "reports/postgres-secured/candidate.json", trivy_report("2026-11-30T09:15:00Z", KEV_CANDIDATE))
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    done = env.run("gate-pr.sh", tmp_path / "reports", tmp_path / "out", cwd=root,
                   env={"IMAGES": '["postgres-secured"]', "HARDLINE": str(hardline_bin)})
    return done, json.loads((tmp_path / "out/decisions/postgres-secured.json").read_text())


def restore_cache(source: Path, checkout_root: Path) -> None:
    """What actions/cache/restore does with `path: .hardline/feeds`."""
    shutil.copytree(source / FEEDS, checkout_root / FEEDS)


def feed_requests(hosts: FeedHosts) -> list[tuple[str, int, bool]]:
    return [(r["path"], r["status"], r["if_none_match"] is not None) for r in hosts.requests()]


# ---------------------------------------------------------------- the step

def test_the_key_is_the_utc_day(tmp_path, actions, hardline_bin):
    env = actions()
    done = feeds(env, tmp_path, hardline_bin, "key")
    assert done.returncode == 0, done.stderr
    key = env.outputs()["key"]
    assert re.fullmatch(r"hardline-feeds-\d{4}-\d{2}-\d{2}", key) and done.stdout.strip() == key


def test_the_feeds_are_fetched_into_the_folder_the_gate_reads(tmp_path, actions, hardline_bin, hosts):
    """Without the feeds, kev-present cannot check the pull request and the bump is allowed;
    after feeds.sh, the same gate-pr.sh blocks it, citing the catalog."""
    root = checkout(tmp_path, hardline_bin, hosts)
    env = actions("pull_request_renovate.json")
    done, decision = gate(env, root, hardline_bin, tmp_path)
    assert done.returncode == 0 and decision["decision"] == "allow", done.stdout + done.stderr
    assert [u["rule"] for u in decision["unchecked"]] == ["kev-present"], decision["unchecked"]

    done = feeds(env, root, hardline_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::warning::" not in done.stdout
    assert (root / KEV_FILE).read_bytes() == json.dumps(KEV, indent=2).encode() + b"\n"
    assert gzip.decompress((root / EPSS_FILE).read_bytes()).decode() == EPSS
    assert env.outputs()["kept"] == "kev epss"
    assert feed_requests(hosts) == [(KEV_PATH, 200, False), (EPSS_PATH, 200, False)]
    assert "- kev: downloaded, version 2026.11.27 of 2026-11-27, 1 entry" in env.summary()
    assert "- epss: downloaded, version v2025.03.14 of 2026-11-29, 2 entries" in env.summary()

    done, decision = gate(env, root, hardline_bin, tmp_path)
    assert done.returncode == 1 and decision["decision"] == "block", done.stdout + done.stderr
    kev = [r for r in decision["reasons"] if r["rule"] == "kev-present"]
    assert kev and "CVE-2023-4911 in libc6" in kev[0]["message"] and "2026.11.27" in kev[0]["message"]
    assert decision["unchecked"] == []


def test_a_run_that_restores_an_earlier_day_asks_conditionally(tmp_path, actions, hardline_bin, hosts):
    """The cache of an earlier day holds each feed's ETag: the next day's fetch is a 304 each,
    and the files are left as they were."""
    first = checkout(tmp_path, hardline_bin, hosts)
    assert feeds(actions(), first, hardline_bin).returncode == 0
    before = {p: (first / p).read_bytes() for p in (KEV_FILE, EPSS_FILE)}

    second = checkout(tmp_path, hardline_bin, hosts, name="next-day")
    restore_cache(first, second)
    env = actions()
    done = feeds(env, second, hardline_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert feed_requests(hosts)[2:] == [(KEV_PATH, 304, True), (EPSS_PATH, 304, True)]
    assert {p: (second / p).read_bytes() for p in (KEV_FILE, EPSS_FILE)} == before
    assert "- kev: not modified, version 2026.11.27" in env.summary()
    assert env.outputs()["kept"] == "kev epss"


def test_a_feed_that_cannot_be_fetched_warns_and_the_previous_file_stays(tmp_path, actions, hardline_bin, hosts):
    first = checkout(tmp_path, hardline_bin, hosts)
    assert feeds(actions(), first, hardline_bin).returncode == 0
    kept = (first / EPSS_FILE).read_bytes()

    broken = checkout(tmp_path, hardline_bin, hosts, name="broken", epss_url=hosts.url + "/gone/epss.csv.gz")
    restore_cache(first, broken)
    env = actions()
    done = feeds(env, broken, hardline_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::warning::epss: not updated, the previous file stays in use:" in done.stdout
    assert "404" in done.stdout
    assert (broken / EPSS_FILE).read_bytes() == kept
    assert env.outputs()["kept"] == "kev epss"


def test_a_feed_never_fetched_is_reported_missing_and_not_cached(tmp_path, actions, hardline_bin, hosts):
    root = checkout(tmp_path, hardline_bin, hosts, kev_url=hosts.url + "/gone/kev.json",
                    epss_url="http://127.0.0.1:9/epss.csv.gz")
    env = actions()
    done = feeds(env, root, hardline_bin)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::warning::kev: not available, what needs it is left out or not checked:" in done.stdout
    assert "::warning::epss: not available" in done.stdout
    assert env.outputs()["kept"] == "", "nothing for feeds.yml to save"
    assert not (root / KEV_FILE).exists()


def test_hardline_that_cannot_run_is_an_error(tmp_path, actions, hardline_bin, hosts):
    root = checkout(tmp_path, hardline_bin, hosts)
    for broken in ("/bin/false", str(tmp_path / "no-such-hardline")):
        done = actions().run("feeds.sh", "update", cwd=root, env={"HARDLINE": broken})
        assert done.returncode == 1 and "::error::hardline feeds update" in done.stdout, done.stdout + done.stderr


# ---------------------------------------------------------------- the workflows

WORKFLOWS = REPO / ".github" / "workflows"
# Steps that run hardline commands reading the feeds: the gate (kev-present, epss-above), the
# issues (KEV marks), the dashboard (KEV, EPSS), the summary (KEV).
READS_FEEDS = re.compile(r"gate-pr\.sh|gate-publish\.sh|issues sync|hardline dashboard|hardline summary")


def restores_feeds(step: dict) -> bool:
    return (str(step.get("uses", "")).startswith("actions/cache/restore@")
            and (step.get("with") or {}).get("path") == ".hardline/feeds")


@pytest.mark.parametrize("workflow", ["scan.yml", "pr-gate.yml", "pr-gate-publish.yml", "summary.yml", "pages.yml"])
def test_every_step_that_reads_the_feeds_has_them_restored_first(workflow):
    doc = yaml.safe_load((WORKFLOWS / workflow).read_text())
    feeds_jobs = {name for name, job in doc["jobs"].items() if job.get("uses") == "$/.github/workflows/feeds.yml"}
    readers = 0
    for name, job in doc["jobs"].items():
        steps = job.get("steps") or []
        for i, step in enumerate(steps):
            if not READS_FEEDS.search(str(step.get("run", ""))):
                continue
            readers += 1
            restore = [s for s in steps[:i] if restores_feeds(s)]
            assert restore, f"{workflow}: job {name} runs `{step['run'].strip()}` without .hardline/feeds restored"
            key = restore[-1]["with"]["key"]
            needs = job.get("needs") or []
            needs = [needs] if isinstance(needs, str) else needs
            if workflow == "pages.yml":
                assert "inputs.feeds-key" in key
            else:
                assert feeds_jobs & set(needs) and any(f"needs.{j}.outputs.key" in key for j in feeds_jobs), \
                    f"{workflow}: job {name} restores {key!r}, not the key of this run's feeds job"
            assert restore[-1]["with"].get("restore-keys") == "hardline-feeds-"
    assert readers, f"{workflow} runs nothing that reads the feeds: the test is stale"


def test_the_feeds_workflow_fetches_only_on_a_miss_and_saves_what_it_fetched():
    doc = yaml.safe_load((WORKFLOWS / "feeds.yml").read_text())
    steps = doc["jobs"]["fetch"]["steps"]
    by_id = {s.get("id"): s for s in steps if s.get("id")}
    assert by_id["day"]["run"].strip() == "bash .github/scripts/feeds.sh key"
    restore = by_id["cache"]
    assert restore["with"] == {"path": ".hardline/feeds", "key": "${{ steps.day.outputs.key }}",
                               "restore-keys": "hardline-feeds-"}
    update = by_id["update"]
    assert "feeds.sh update" in update["run"] and "cache-hit != 'true'" in update["if"]
    save = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache/save@")]
    assert len(save) == 1 and save[0]["with"] == {"path": ".hardline/feeds", "key": "${{ steps.day.outputs.key }}"}
    assert "cache-hit != 'true'" in save[0]["if"] and "steps.update.outputs.kept != ''" in save[0]["if"]
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads the key `on` as true
    assert on["workflow_call"]["outputs"]["key"]["value"] == "${{ jobs.fetch.outputs.key }}"
