#!/usr/bin/env bash
# hardline: may this pull request be auto-merged when the gate allows it?
#
#   automerge-eligible.sh PR_JSON        (the pull request as GitHub's API returns it)
#
# Decided by who wrote the pull request and what it updates, never by a label: anyone with
# triage rights can add a label. Eligible when
#   - the author (as the API reports it, not as an event or artifact says) is one of
#     $HARDLINE_AUTOMERGE_AUTHORS (default `renovate[bot]`; GitHub logins cannot contain `[`,
#     so no person can take that name), and
#   - the head branch is in this repository (not a fork), and
#   - Renovate's notes in the body name the update type of every upgrade
#     (`<!-- hardline:update-type=TYPE -->`, written by renovate.json's prBodyNotes), and each
#     type is in $HARDLINE_AUTOMERGE_UPDATE_TYPES (default: patch minor digest pin pinDigest).
#     Majors (Renovate may propose them for GitHub Actions) always wait for a person.
# Prints `eligible` or `not eligible: <why>`; exits 0 when eligible, 1 when not, 2 on bad input.
set -euo pipefail

pr=${1:?usage: automerge-eligible.sh PR_JSON}
authors=${HARDLINE_AUTOMERGE_AUTHORS:-renovate[bot]}
types=${HARDLINE_AUTOMERGE_UPDATE_TYPES:-patch minor digest pin pinDigest}

no() { printf 'not eligible: %s\n' "$*"; exit 1; }
jq -e '.number and .user.login and .head.repo and .base.repo' "$pr" >/dev/null 2>&1 || {
    printf 'not a pull request from the API: %s\n' "$pr" >&2
    exit 2
}

author=$(jq -r '.user.login' "$pr")
found=0
for a in $authors; do [ "$author" = "$a" ] && found=1; done
[ "$found" -eq 1 ] || no "author $author is not one of: $authors"

head_repo=$(jq -r '.head.repo.full_name' "$pr")
base_repo=$(jq -r '.base.repo.full_name' "$pr")
if [ "$(jq -r '.head.repo.fork' "$pr")" != false ] || [ "$head_repo" != "$base_repo" ]; then
    no "the head branch is in $head_repo, not in $base_repo"
fi

mapfile -t updates < <(jq -r '.body // ""' "$pr" | grep -oE '<!-- hardline:update-type=[A-Za-z]+ -->' |
    sed -E 's/.*=([A-Za-z]+) -->/\1/' | sort -u)
[ "${#updates[@]}" -gt 0 ] || no "the body names no update type (renovate.json's prBodyNotes write it)"
for u in "${updates[@]}"; do
    allowed=0
    for t in $types; do [ "$u" = "$t" ] && allowed=1; done
    [ "$allowed" -eq 1 ] || no "a $u update needs a person (auto-merge: $types)"
done
printf 'eligible (%s by %s)\n' "${updates[*]}" "$author"
