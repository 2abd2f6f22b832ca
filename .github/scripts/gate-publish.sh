#!/usr/bin/env bash
# hardline: publishes a pull request's gate from the trusted side. Runs in pr-gate-publish.yml
# (`workflow_run`, so from the default branch's definition, with a write token), after the
# pull request's own pr-gate run, whose artifact it reads as data. It never runs code from the
# pull request: the hardline binary, the ledger and the exceptions are the default branch's.
#
#   HARDLINE=path/to/hardline gate-publish.sh ARTIFACT_DIR
#
# Trust nothing in the artifact that can be checked: the pull request number is checked
# against the API (its head must be the commit that was scanned, from the same repository),
# the images to gate come from the API's list of changed files (an artifact that leaves an
# image out fails the gate), and the decision is made again here from the reports. Then, per
# image, `hardline gate --publish` keeps the comment and label; auto-merge is requested only
# when every image allows and automerge-eligible.sh says the pull request qualifies. The
# `hardline/gate` commit status is set last: success for allow or review, failure for block,
# error when the gate could not decide. Outputs: decision, pull_request, auto_merge.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/lib.sh"

artifact=${1:?usage: gate-publish.sh ARTIFACT_DIR}
hardline=${HARDLINE:-hardline}
event=${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH must point at the workflow_run event}
repo=$(repo_slug)
work=$(mktemp -d)
HL_CLEANUP+=("$work")

run_event=$(jq -r '.workflow_run.event // ""' "$event")
conclusion=$(jq -r '.workflow_run.conclusion // ""' "$event")
head_sha=$(jq -r '.workflow_run.head_sha // ""' "$event")
head_repo=$(jq -r '.workflow_run.head_repository.full_name // ""' "$event")
if [ "$run_event" != pull_request ]; then
    note "the run was triggered by '$run_event', not a pull request: nothing to publish"
    exit 0
fi
[[ $head_sha =~ ^[0-9a-f]{40}$ ]] || { error "the workflow_run event has no head SHA"; exit 1; }
case $conclusion in
    cancelled | skipped)
        note "the pull request's run was $conclusion (a newer push supersedes it): nothing to publish"
        exit 0
        ;;
esac

status() { bash "$here/commit-status.sh" "$head_sha" "$1" "$2"; }
fail_gate() {
    error "$1"
    summary "**hardline gate: error** — $1"
    status error "$1" || true
    set_output decision error
    exit 1
}

# --- the artifact: shape and size, no links
meta="$artifact/pr.json"
[ -f "$meta" ] && [ ! -L "$meta" ] || fail_gate "the pull request's run left no decision artifact (it $conclusion)"
[ -z "$(find "$artifact" -type l -print -quit)" ] || fail_gate "the artifact contains symbolic links"
[ "$(stat -c %s "$meta")" -le 65536 ] || fail_gate "pr.json is too large"
json_is '(.version == 1) and (.pull_request | type == "number" and . > 0 and . == floor)
       and (.images | type == "array")' "$meta" || fail_gate "pr.json is not a version 1 decision artifact"
number=$(jq -r '.pull_request' "$meta")
listed=$(jq -r '.workflow_run.pull_requests | map(.number) | join(" ")' "$event")
if [ -n "$listed" ] && [[ " $listed " != *" $number "* ]]; then
    fail_gate "the artifact names #$number, the run belongs to #$listed"
fi

# --- the pull request, as GitHub knows it
pr_json="$work/pr.json"
gh_api GET "/repos/$repo/pulls/$number" >"$pr_json" || fail_gate "cannot read pull request #$number ($(gh_status))"
if [ "$(jq -r '.head.sha' "$pr_json")" != "$head_sha" ]; then
    note "#$number has moved on to $(jq -r '.head.sha' "$pr_json"); its newer run will publish"
    exit 0
fi
[ "$(jq -r '.head.repo.full_name' "$pr_json")" = "$head_repo" ] ||
    fail_gate "#$number comes from $(jq -r '.head.repo.full_name' "$pr_json"), the run from $head_repo"
[ "$(jq -r '.state' "$pr_json")" = open ] || { note "#$number is closed: nothing to publish"; exit 0; }
set_output pull_request "$number"

# --- the images this pull request changes, from the API's list of files (paginated)
: >"$work/files.tsv"
for page in $(seq 1 30); do
    gh_api GET "/repos/$repo/pulls/$number/files?per_page=100&page=$page" >"$work/page.json" ||
        fail_gate "cannot list the files of #$number ($(gh_status))"
    jq -r '.[] | [.filename, .status] | @tsv' "$work/page.json" >>"$work/files.tsv"
    [ "$(jq 'length' "$work/page.json")" -eq 100 ] || break
done
mapfile -t required < <(awk -F'\t' '
    $1 ~ /^images\/[^\/]+\/./ { split($1, p, "/"); name = p[2]
        if ($1 == "images/" name "/Dockerfile" && $2 == "removed") gone[name] = 1
        else if ($2 != "removed") touched[name] = 1 }
    END { for (n in touched) if (!(n in gone)) print n }' "$work/files.tsv" | sort)
for image in "${required[@]}"; do
    valid_image_name "$image" || fail_gate "#$number changes images/$image, which is not a valid image name"
    jq -e --arg i "$image" '.images | index($i)' "$meta" >/dev/null ||
        fail_gate "#$number changes images/$image, but its run did not scan it"
    [ -f "$artifact/reports/$image/candidate.json" ] || fail_gate "$image: the scan report is missing"
done
if [ "${#required[@]}" -eq 0 ]; then
    status success "no image changed" || true
    set_output decision allow
    exit 0
fi

# --- decide again, from the reports, with the default branch's hardline, ledger and exceptions
gate_args() {
    local image=$1 report
    args=(gate --image "$image" --report "$artifact/reports/$image/candidate.json")
    # The static scans of the pull request's sources, and the flagged files they name: SARIF
    # results are identified by those lines, read from the artifact (as data), never from a
    # checkout of the pull request.
    while IFS= read -r report; do args+=(--report "$report"); done < <(lint_reports "$artifact/reports/$image")
    if [ -d "$artifact/reports/$image/sources" ]; then
        args+=(--sources "$artifact/reports/$image/sources")
    fi
    if [ -f "$artifact/reports/$image/base.json" ]; then
        args+=(--base-report "$artifact/reports/$image/base.json")
    fi
}
decisions=()
for image in "${required[@]}"; do
    gate_args "$image"
    code=0
    "$hardline" "${args[@]}" --format json >"$work/$image.json" || code=$?
    case $code in 0 | 10 | 20) ;; *) fail_gate "$image: hardline gate failed (exit $code)" ;; esac
    decisions+=("$(jq -r '.decision' "$work/$image.json")")
done
worst=$(worst_decision "${decisions[@]}")

auto_merge=no
if [ "$worst" = allow ] && why=$(bash "$here/automerge-eligible.sh" "$pr_json"); then
    auto_merge=yes
else
    why=${why:-"the gate says $worst"}
fi
note "auto-merge: $auto_merge ($why)"

enabled=no
for image in "${required[@]}"; do
    gate_args "$image"
    args+=(--pr "$number" --publish --format json)
    # hardline enables auto-merge only on allow; when it allows what the pipeline finds not
    # eligible (a fork, a major, a person's pull request), it is told not to.
    if [ "$worst" = allow ] && [ "$auto_merge" != yes ]; then args+=(--no-auto-merge); fi
    code=0
    "$hardline" "${args[@]}" >"$work/$image.published.json" || code=$?
    case $code in 0 | 10 | 20) ;; *) fail_gate "$image: publishing the gate failed (exit $code)" ;; esac
    if [ "$(jq -r '.published.auto_merge // ""' "$work/$image.published.json")" = enabled ]; then
        enabled=yes
    fi
done

summary_line="$worst: $(for i in "${!required[@]}"; do printf '%s %s; ' "${required[$i]}" "${decisions[$i]}"; done)"
summary_line=${summary_line%; }
case $worst in
    allow) status success "$summary_line" ;;
    review) status success "$summary_line (a person decides)" ;;
    block) status failure "$summary_line" ;;
esac
set_output decision "$worst"
set_output auto_merge "$enabled"
summary "**hardline gate for #$number: $worst** ($summary_line); auto-merge: $enabled"
