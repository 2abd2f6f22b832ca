#!/usr/bin/env bash
# hardline: sets the `hardline/gate` commit status on a pull request's head commit. This
# status, set by the trusted workflow (pr-gate-publish.yml, run from the default branch), is
# the check that branch protection should require: the pull request's own workflow file can
# be rewritten by the pull request, this one cannot.
#
#   commit-status.sh SHA STATE DESCRIPTION      STATE: success | failure | error | pending
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sha=${1:?usage: commit-status.sh SHA STATE DESCRIPTION}
state=${2:?}
description=${3:?}
context=${HARDLINE_STATUS_CONTEXT:-hardline/gate}
[[ $sha =~ ^[0-9a-f]{40}$ ]] || { note "not a commit SHA: $sha"; exit 1; }
case $state in success | failure | error | pending) ;; *) note "bad state: $state"; exit 1 ;; esac
# GitHub refuses descriptions over 140 characters.
description=${description:0:140}
repo=$(repo_slug)
url="${GITHUB_SERVER_URL:-https://github.com}/$repo/actions/runs/${GITHUB_RUN_ID:-0}"
body=$(jq -nc --arg s "$state" --arg d "$description" --arg c "$context" --arg u "$url" \
    '{state: $s, description: $d, context: $c, target_url: $u}')
if ! answer=$(gh_api POST "/repos/$repo/statuses/$sha" "$body"); then
    error "could not set the $context status ($(gh_status)): $(jq -r '.message // empty' <<<"$answer" 2>/dev/null)"
    exit 1
fi
note "$context: $state — $description"
