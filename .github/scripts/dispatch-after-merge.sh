#!/usr/bin/env bash
# hardline: after hardline enabled auto-merge, wait for GitHub to merge the pull request, then
# start a scan of the default branch. A merge made by auto-merge that GITHUB_TOKEN enabled
# starts no workflow (GitHub's rule against loops), so without this the merged base-image bump
# would wait for the weekly scan; a workflow_dispatch is the one event GITHUB_TOKEN may trigger.
#
#   dispatch-after-merge.sh PR_NUMBER [WORKFLOW]       (WORKFLOW defaults to scan.yml)
#
# Polls the pull request every $HARDLINE_MERGE_POLL_SECONDS (15) for at most
# $HARDLINE_MERGE_WAIT_SECONDS (600). Merged: dispatches WORKFLOW on the default branch and
# sets `dispatched=true`. Closed unmerged, or still open at the deadline: says so and leaves
# it to the weekly scan (`dispatched=false`); neither is an error.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

number=${1:?usage: dispatch-after-merge.sh PR_NUMBER [WORKFLOW]}
workflow=${2:-scan.yml}
[[ $number =~ ^[1-9][0-9]*$ ]] || { note "not a pull request number: $number"; exit 1; }
[[ $workflow =~ ^[A-Za-z0-9_.-]+\.ya?ml$ ]] || { note "not a workflow file name: $workflow"; exit 1; }
repo=$(repo_slug)
wait_for=${HARDLINE_MERGE_WAIT_SECONDS:-600}
poll=${HARDLINE_MERGE_POLL_SECONDS:-15}
branch=${DEFAULT_BRANCH:-}
if [ -z "$branch" ] && [ -n "${GITHUB_EVENT_PATH:-}" ]; then
    branch=$(jq -r '.repository.default_branch // ""' "$GITHUB_EVENT_PATH")
fi
[ -n "$branch" ] || { note "DEFAULT_BRANCH is unknown"; exit 1; }

deadline=$((SECONDS + wait_for))
while :; do
    if pr=$(gh_api GET "/repos/$repo/pulls/$number"); then
        if [ "$(jq -r '.merged' <<<"$pr")" = true ]; then
            break
        fi
        if [ "$(jq -r '.state' <<<"$pr")" = closed ]; then
            note "#$number was closed without merging: no scan to start"
            set_output dispatched false
            exit 0
        fi
    else
        note "reading #$number failed ($(gh_status)); trying again"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        warning "#$number has not merged within ${wait_for}s; the weekly scan will record it"
        set_output dispatched false
        exit 0
    fi
    sleep "$poll"
done

body=$(jq -nc --arg ref "$branch" --arg reason "merged #$number" '{ref: $ref, inputs: {reason: $reason}}')
if ! answer=$(gh_api POST "/repos/$repo/actions/workflows/$workflow/dispatches" "$body"); then
    error "could not start $workflow on $branch ($(gh_status)): $(jq -r '.message // empty' <<<"$answer" 2>/dev/null)"
    exit 1
fi
note "#$number merged: started $workflow on $branch"
summary "#$number merged: a scan of \`$branch\` was started so that the ledger records it now."
set_output dispatched true
