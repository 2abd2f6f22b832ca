"""Fixtures for the tests of .github/scripts: a realistic GitHub Actions environment around each
script, the fake GitHub (crates/fake-github's binary) on loopback, real hardline and real git.

Paths come from tests/pipeline/run.sh: HARDLINE_BIN (the hardline binary) and FAKE_GITHUB_BIN
(the fake GitHub server). Nothing here touches the network beyond 127.0.0.1.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCRIPTS = REPO / ".github" / "scripts"
EVENTS = HERE / "events"
TOKEN = "ghs_fakeTokenThatMustNeverBePrinted0123456789"
READ_ONLY_TOKEN = "ghs_forkReadOnlyTokenNeverPrinted9876543210"
PENDING_DOC = "tests/pipeline/README.md, 'Pending on the Rust side'"


def pending(feature: str) -> None:
    """Skips a test that needs a hardline feature not built yet (issue 9's Rust half). Never a
    silent pass: the skip names the feature; remove the call once the feature lands."""
    pytest.skip(f"pending: {feature} (see {PENDING_DOC})")


def binary(var: str) -> Path:
    value = os.environ.get(var)
    if not value or not Path(value).is_file():
        pytest.fail(f"{var} must name a built binary (tests/pipeline/run.sh sets it)")
    return Path(value)


@pytest.fixture(scope="session")
def hardline_bin() -> Path:
    return binary("HARDLINE_BIN")


class FakeGitHub:
    def __init__(self, tmp: Path):
        url_file = tmp / "fake-github.url"
        self.proc = subprocess.Popen(
            [str(binary("FAKE_GITHUB_BIN")), "--token", TOKEN, "--url-file", str(url_file)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while not url_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the fake GitHub did not start")
            time.sleep(0.02)
        self.url = url_file.read_text().strip()
        self.control("read-only-tokens", {"token": READ_ONLY_TOKEN})

    def control(self, what: str, body) -> dict:
        request = urllib.request.Request(
            f"{self.url}/_fake/{what}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/_fake/state", timeout=10) as answer:
            return json.load(answer)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def checkout(tmp_path):
    """Every test's folder is inside a git work tree, as a workflow's checkout is: hardline
    starts a ledger only in one (or with --init). A test that needs a repository of its own
    history runs `git init` in its folder as before."""
    git(tmp_path, "init", "-q", "-b", "main")


@pytest.fixture
def github(tmp_path):
    fake = FakeGitHub(tmp_path)
    yield fake
    fake.stop()


class Actions:
    """One job's environment as the runner lays it out: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
    GITHUB_ENV, GITHUB_PATH, the event payload, RUNNER_TEMP, and the repository's context."""

    def __init__(self, tmp: Path, event: str | dict | None, api_url: str | None, token: str | None):
        self.root = tmp / "runner"
        self.root.mkdir(parents=True, exist_ok=True)
        self.temp = self.root / "temp"
        self.temp.mkdir(exist_ok=True)
        self.files = {}
        for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH"):
            path = self.root / name.lower()
            path.write_text("")
            self.files[name] = path
        self.event_path = self.root / "event.json"
        if isinstance(event, str):
            shutil.copy(EVENTS / event, self.event_path)
        else:
            self.event_path.write_text(json.dumps(event or {}))
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(tmp / "home"),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": "acme/images",
            "GITHUB_REPOSITORY_OWNER": "acme",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "19000000999",
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_WORKFLOW": "test",
            "GITHUB_REF_NAME": "main",
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_EVENT_PATH": str(self.event_path),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_TOOL_CACHE": str(self.root / "toolcache"),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            **{name: str(path) for name, path in self.files.items()},
        }
        (tmp / "home").mkdir(exist_ok=True)
        if api_url:
            self.env["GITHUB_API_URL"] = api_url
        if token:
            self.env["GITHUB_TOKEN"] = token

    def event(self) -> dict:
        return json.loads(self.event_path.read_text())

    def set_event(self, payload: dict) -> None:
        self.event_path.write_text(json.dumps(payload))

    def run(self, script: str, *args, cwd=None, env=None, timeout=120) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(SCRIPTS / script), *map(str, args)],
            cwd=cwd, env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=timeout,
        )

    def outputs(self) -> dict:
        """$GITHUB_OUTPUT parsed as the runner parses it (name=value and name<<DELIM blocks)."""
        out, lines = {}, self.files["GITHUB_OUTPUT"].read_text().split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
                name, delim = line.split("<<", 1)
                j = lines.index(delim, i + 1)
                out[name] = "\n".join(lines[i + 1 : j])
                i = j + 1
                continue
            if "=" in line:
                name, value = line.split("=", 1)
                out[name] = value
            i += 1
        return out

    def summary(self) -> str:
        return self.files["GITHUB_STEP_SUMMARY"].read_text()


@pytest.fixture
def actions(tmp_path):
    def make(event=None, github: FakeGitHub | None = None, token: str | None = TOKEN) -> Actions:
        return Actions(tmp_path, event, github.url if github else None, token if github else None)

    return make


def trivy_report(created_at: str, vulns, artifact: str = "example:latest") -> dict:
    """A Trivy schema-2 report with (id, package, severity, installed, fixed) OS vulnerabilities."""
    items = [
        {
            "VulnerabilityID": vid, "PkgName": pkg, "InstalledVersion": installed, "FixedVersion": fixed,
            "Status": "fixed" if fixed else "affected", "Severity": severity, "Title": f"{vid} in {pkg}",
            "PrimaryURL": f"https://avd.aquasec.com/nvd/{vid.lower()}",
        }
        for vid, pkg, severity, installed, fixed in vulns
    ]
    return {
        "SchemaVersion": 2, "CreatedAt": created_at, "ArtifactName": artifact, "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "debian", "Name": "13.3"}, "ImageID": "sha256:0123"},
        "Results": [{"Target": f"{artifact} (debian 13.3)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": items}],
    }


def write_json(path: Path, value) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n")
    return path


def git(cwd: Path, *args: str, check: bool = True) -> str:
    env = {
        "PATH": os.environ["PATH"], "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_AUTHOR_DATE": "2026-11-30T09:00:00Z", "GIT_COMMITTER_DATE": "2026-11-30T09:00:00Z",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text and READ_ONLY_TOKEN not in text, "a token was printed"
