#!/usr/bin/env bash
# hardline: issue 13's figures, measured with the real tools on files of this repository — how
# many results each scanner reports, how many findings the 0.1 identity (rule, file, snippet or
# message) kept, how many hardline keeps now, and what a shift of every line by three does.
#
#   PATH="$(bash .ci/scanners.sh):$PATH" bash tests/pipeline/identity_figures.sh [HARDLINE]
#
# HARDLINE defaults to target/debug/hardline. Each input is copied, at its repository path,
# into a scratch repository; the tool runs there (so that hardline reads the flagged lines from
# --root) and its report is recorded; then three comment lines are inserted above the first
# line of the file (below `<?php` for PHP), the tool runs again and the second record says what
# changed. "hadolint + trivy config" records both reports of one Dockerfile as one scan, as the
# scan workflow does (equivalent checks are one finding). Prints a Markdown table.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
hardline=$(realpath "${1:-$repo/target/debug/hardline}")
scratch=$(mktemp -d)
trap 'rm -rf -- "$scratch"' EXIT
export TRIVY_CACHE_DIR="$scratch/trivy-cache" TRIVY_NO_PROGRESS=true SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

# scan TOOL FILE OUT: the tool's report of FILE (a path in the scratch repository) into OUT.
scan() {
    local tool=$1 file=$2 out=$3
    case $tool in
        hadolint) hadolint --no-fail --no-color --format sarif "$file" >"$out" ;;
        zizmor) zizmor --offline --no-progress --persona=auditor --format sarif "$file" >"$out" 2>/dev/null || true ;;
        semgrep) semgrep scan --quiet --metrics off --disable-version-check --config security/semgrep/php-app.yml \
            --sarif "$file" >"$out" ;;
        trivy-config) trivy config --quiet --skip-check-update --format json "$file" >"$out" ;;
    esac
}

# results REPORT: how many results the report holds; old REPORT: how many the 0.1 identity kept.
results() {
    jq 'if .runs then [.runs[].results[]] | length else [.Results[]?.Misconfigurations[]?] | length end' "$1"
}
old_identity() {
    jq 'if .runs then [.runs[].results[] | [.ruleId, .locations[0].physicalLocation.artifactLocation.uri,
        (.locations[0].physicalLocation.region.snippet.text // .message.text)]] | unique | length
        else [.Results[]?.Misconfigurations[]?] | length end' "$1"
}

shift_lines() { # three comment lines above the first line (below `<?php`)
    local file=$1
    case $file in
        *.php) sed -i '1a // shifted\n// shifted\n// shifted' "$file" ;;
        *) sed -i '1i # shifted\n# shifted\n# shifted' "$file" ;;
    esac
}

echo "| tool | input | results | 0.1 identity | hardline findings | after 3 lines inserted above |"
echo "| --- | --- | ---: | ---: | ---: | --- |"
row=0
measure() { # measure LABEL FILE TOOL...
    local label=$1 file=$2
    shift 2
    row=$((row + 1))
    local root="$scratch/repo$row"
    mkdir -p "$root/$(dirname "$file")" "$root/security"
    cp "$repo/$file" "$root/$file"
    cp -R "$repo/security/semgrep" "$root/security/"
    local args=() total=0 kept=0 tool
    for tool in "$@"; do
        (cd "$root" && scan "$tool" "$file" "$scratch/$row-$tool.1")
        total=$((total + $(results "$scratch/$row-$tool.1")))
        kept=$((kept + $(old_identity "$scratch/$row-$tool.1")))
        args+=(--report "$scratch/$row-$tool.1")
    done
    (cd "$root" && "$hardline" record --image m "${args[@]}" >/dev/null)
    local findings
    findings=$(cd "$root" && "$hardline" --format json report --image m | jq '.findings | length')
    shift_lines "$root/$file"
    args=()
    for tool in "$@"; do
        (cd "$root" && scan "$tool" "$file" "$scratch/$row-$tool.2")
        args+=(--report "$scratch/$row-$tool.2")
    done
    local change
    change=$(cd "$root" && "$hardline" record --image m "${args[@]}" | sed -n 's/.*(\(.*\)).*/\1/p' | head -n 1)
    echo "| $label | \`$file\` | $total | $kept | $findings | $change |"
}

measure zizmor tests/pipeline/fixtures/bad-workflow.yml zizmor
measure hadolint tests/pipeline/fixtures/bad.Dockerfile hadolint
measure hadolint crates/ingest/tests/fixtures/inputs/correlation/Dockerfile hadolint
measure "trivy config" crates/ingest/tests/fixtures/inputs/correlation/Dockerfile trivy-config
measure "hadolint + trivy config" crates/ingest/tests/fixtures/inputs/correlation/Dockerfile hadolint trivy-config
measure "semgrep (project rules)" security/semgrep/php-app.php semgrep
