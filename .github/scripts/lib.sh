# shellcheck shell=bash
# hardline: shared helpers for the workflow scripts. Sourced, never run.
#
# GitHub API calls go through gh_api, which reads the token from $GITHUB_TOKEN and hands it to
# curl on standard input (never on the command line, where `ps` would show it, and never in
# output). The API base comes from $GITHUB_API_URL, as in GitHub Actions, so tests point the
# scripts at the fake GitHub on loopback.

# One line to the log, and to the step summary when there is one.
note() { printf '%s\n' "$*" >&2; }
summary() { if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then printf '%s\n' "$*" >>"$GITHUB_STEP_SUMMARY"; fi; }
# `name=value` for later steps (a value on one line; callers pass nothing multi-line).
set_output() {
    case $2 in *$'\n'*) note "set_output: $1 has a newline"; return 1 ;; esac
    if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; fi
}
# GitHub's workflow commands, with the message's % and newlines escaped as the runner expects.
gh_escape() { local s=${1//%/%25}; s=${s//$'\r'/%0D}; printf '%s' "${s//$'\n'/%0A}"; }
warning() { printf '::warning::%s\n' "$(gh_escape "$*")"; }
error() { printf '::error::%s\n' "$(gh_escape "$*")"; }
# json_is FILTER FILE: FILE holds exactly one JSON document and FILTER is true of
# it. (`jq -e FILTER` alone passes an empty file: jq 1.6, Debian 12's, then produces no result
# and exits 0; and of several documents it judges only the last.)
json_is() {
    jq -se "length == 1 and (.[0] | $1)" "$2" >/dev/null 2>&1
}

# gh_api METHOD PATH [JSON_BODY]: prints the response body; `gh_status` prints the HTTP status
# of the last call (also when gh_api ran inside $(…)). Returns 0 on 2xx, 1 otherwise. 5xx and
# 429 answers are retried twice, a second apart.
GH_STATUS_FILE=$(mktemp)
# Temporary paths removed when the script exits; scripts add theirs (one EXIT trap for all).
HL_CLEANUP=("$GH_STATUS_FILE")
trap 'rm -rf -- "${HL_CLEANUP[@]}"' EXIT
gh_status() { cat "$GH_STATUS_FILE"; }
gh_api() {
    local method=$1 path=$2 body=${3-} out status
    : "${GITHUB_TOKEN:?GITHUB_TOKEN is not set}"
    out=$(mktemp)
    local args=(--silent --show-error --location --max-time 60 --retry 2 --retry-delay 1
        --request "$method" --output "$out" --write-out '%{http_code}'
        --header 'Accept: application/vnd.github+json' --header 'X-GitHub-Api-Version: 2022-11-28'
        --config -)
    if [ -n "$body" ]; then args+=(--header 'Content-Type: application/json' --data-binary "$body"); fi
    status=$(printf 'header = "Authorization: Bearer %s"\n' "$GITHUB_TOKEN" |
        curl "${args[@]}" "${GITHUB_API_URL:-https://api.github.com}$path") || status=000
    printf '%s' "$status" >"$GH_STATUS_FILE"
    cat "$out"
    rm -f "$out"
    [[ $status == 2?? ]]
}

# The repository as owner/name, checked (it becomes part of API paths).
repo_slug() {
    local repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
    [[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || { note "GITHUB_REPOSITORY is not owner/name: $repo"; return 1; }
    printf '%s' "$repo"
}

# Image names become paths and API values: the same rule as the ledger's file names.
valid_image_name() { [[ $1 =~ ^[a-z0-9][a-z0-9._-]{0,63}$ ]] && [[ $1 != *..* ]]; }

# The reports in DIR besides the Trivy image scan, as lint-scan.sh writes them, in a fixed
# order: `trivy config` (JSON), hadolint, semgrep and zizmor (SARIF). Only these names, and only
# regular files (an artifact is data: no links, no other files). One path a line.
LINT_REPORTS=(config.json hadolint.sarif semgrep.sarif zizmor.sarif)
lint_reports() {
    local dir=$1 name
    for name in "${LINT_REPORTS[@]}"; do
        if [ -f "$dir/$name" ] && [ ! -L "$dir/$name" ]; then printf '%s\n' "$dir/$name"; fi
    done
}

# The worst of several gate decisions: block > review > allow.
worst_decision() {
    local worst=allow d
    for d in "$@"; do
        case $d in
            block) worst=block ;;
            review) [ "$worst" = block ] || worst=review ;;
            allow) ;;
            *) note "unknown decision: $d"; return 1 ;;
        esac
    done
    printf '%s' "$worst"
}
