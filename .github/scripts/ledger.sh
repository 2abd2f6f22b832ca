#!/usr/bin/env bash
# hardline: where the ledger lives, reading it and committing to it. Run in the checkout.
#
#   ledger.sh read              bring the ledger into the working tree (before hardline runs)
#   ledger.sh commit MESSAGE    commit what hardline changed in it and push, exactly once
#   ledger.sh rev               print a git revision that holds the ledger (for `git show`),
#                               also as the step output `rev`
#
# The ledger is audit-logs/, cve-baseline/ and SECURITY_SUMMARY.md. Two documented modes, for
# a default branch that branch protection guards (auto-merge needs it to be):
#   - on the default branch ($HARDLINE_LEDGER_BRANCH empty): commits go to the default branch,
#     pushed with $GITHUB_TOKEN — which a protected branch refuses — or with a GitHub App
#     token that the protection lets bypass (the workflows create one with
#     actions/create-github-app-token when the repository variable HARDLINE_APP_CLIENT_ID is
#     set, and pass it here as GITHUB_TOKEN);
#   - on a dedicated branch ($HARDLINE_LEDGER_BRANCH, e.g. `hardline-ledger`, left
#     unprotected or writable by Actions): `read` lays that branch's ledger over the default
#     branch's checkout (hardline.toml and security/ stay the default branch's), and `commit`
#     commits only there. The branch is created on the first commit from the ledger the
#     default branch holds.
#
# `read` remembers the blob of every ledger file it laid down ($RUNNER_TEMP); `commit` applies
# exactly the files hardline changed since, on top of the branch's current tip, so a commit
# that landed meanwhile (a summary, say) is kept. If that commit changed one of the same files,
# `commit` refuses rather than overwrite it: nothing is ever lost, and the next run records
# again. The token only reaches git as an HTTP header for one command: checkout runs with
# persist-credentials: false, and nothing is written to .git/config.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PATHS=(audit-logs cve-baseline SECURITY_SUMMARY.md)
ledger_branch=${HARDLINE_LEDGER_BRANCH:-}
state_file="${RUNNER_TEMP:-/tmp}/hardline-ledger-base.tsv"
remote=${HARDLINE_LEDGER_REMOTE:-origin}

if [ -n "$ledger_branch" ]; then
    git check-ref-format --branch "$ledger_branch" >/dev/null 2>&1 ||
        { note "HARDLINE_LEDGER_BRANCH is not a branch name: $ledger_branch"; exit 1; }
fi

# git with the token as an HTTP header, for this one command only.
git_remote() {
    if [ -n "${GITHUB_TOKEN:-}" ]; then
        local auth
        auth=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 -w0)
        echo "::add-mask::$auth"
        git -c "http.${GITHUB_SERVER_URL:-https://github.com}/.extraheader=AUTHORIZATION: basic $auth" "$@"
    else
        git "$@"
    fi
}

target_branch() {
    if [ -n "$ledger_branch" ]; then printf '%s' "$ledger_branch"; return; fi
    local branch=${HARDLINE_DEFAULT_BRANCH:-${GITHUB_REF_NAME:-}}
    [ -n "$branch" ] || { note "the default branch is unknown (GITHUB_REF_NAME)"; return 1; }
    printf '%s' "$branch"
}

# Fetches BRANCH into refs/hardline/tip; fails when it does not exist.
fetch_tip() {
    git_remote fetch --quiet --no-tags "$remote" "+refs/heads/$1:refs/hardline/tip" 2>/dev/null
}

ledger_files() { git ls-files -co --exclude-standard -- "${PATHS[@]}" | sort; }

cmd_read() {
    if [ -n "$ledger_branch" ]; then
        if fetch_tip "$ledger_branch"; then
            rm -rf -- "${PATHS[@]}"
            local path
            for path in "${PATHS[@]}"; do
                if git cat-file -e "refs/hardline/tip:$path" 2>/dev/null; then
                    git restore --source=refs/hardline/tip --worktree -- "$path"
                fi
            done
            note "ledger: read from branch $ledger_branch ($(git rev-parse --short refs/hardline/tip))"
        else
            note "ledger: branch $ledger_branch does not exist yet; starting from the default branch's ledger"
        fi
    else
        note "ledger: on the default branch"
    fi
    snapshot
}

# Remembers the blob of every ledger file: what `commit` compares with.
snapshot() {
    local f
    : >"$state_file"
    while IFS= read -r f; do
        printf '%s\t%s\n' "$f" "$(git hash-object -- "$f")" >>"$state_file"
    done < <(ledger_files)
}

# The blob a path had when `read` ran ("-" when it did not exist).
base_blob() { awk -F'\t' -v f="$1" '$1 == f { print $2; found = 1 } END { if (!found) print "-" }' "$state_file"; }

# Applies the changed files onto a worktree at the tip. Returns 2 on a conflict.
apply_changes() {
    local tree=$1 tip=$2 f base now there
    for f in "${changed[@]}"; do
        base=$(base_blob "$f")
        there=$(git rev-parse --verify --quiet "$tip:$f" || echo -)
        now=-
        [ -e "$f" ] && now=$(git hash-object -- "$f")
        # already there (an earlier attempt of this run landed it): nothing to apply
        [ "$there" = "$now" ] && continue
        if [ "$tip" != none ] && [ "$there" != "$base" ]; then
            error "ledger: $f changed on the branch since this run read it; not overwriting it (run again)"
            return 2
        fi
        if [ -e "$f" ]; then
            mkdir -p "$tree/$(dirname "$f")"
            cp -- "$f" "$tree/$f"
            git -C "$tree" add -- "$f"
        else
            git -C "$tree" rm -q --ignore-unmatch -- "$f"
        fi
    done
}

cmd_commit() {
    local message=${1:?usage: ledger.sh commit MESSAGE}
    [ -f "$state_file" ] || { note "ledger: run 'ledger.sh read' before hardline writes"; exit 1; }
    local branch
    branch=$(target_branch)
    changed=()
    local f
    while IFS= read -r f; do
        [ -e "$f" ] && [ "$(git hash-object -- "$f")" = "$(base_blob "$f")" ] && continue
        changed+=("$f")
    done < <({ ledger_files; cut -f1 "$state_file"; } | sort -u)
    if [ "${#changed[@]}" -eq 0 ]; then
        note "ledger: unchanged"
        set_output committed false
        return 0
    fi
    note "ledger: ${#changed[@]} file(s) changed"
    local attempt tree tip
    for attempt in 1 2 3; do
        tree=$(mktemp -d)
        if fetch_tip "$branch"; then
            tip=$(git rev-parse refs/hardline/tip)
            git worktree add --quiet --detach "$tree" "$tip"
        elif [ -n "$ledger_branch" ]; then
            # A new ledger branch starts from the whole ledger, not from the changes alone.
            tip=none
            git worktree add --quiet --detach "$tree" HEAD
            git -C "$tree" checkout --quiet --orphan "hardline-new-ledger-$$-$attempt"
            git -C "$tree" rm -rq --cached . && git -C "$tree" clean -fdq
            mapfile -t changed < <(ledger_files)
        else
            note "ledger: cannot fetch $branch"
            return 1
        fi
        local code=0
        apply_changes "$tree" "$tip" || code=$?
        if [ "$code" -ne 0 ]; then git worktree remove --force "$tree"; return "$code"; fi
        if git -C "$tree" diff --cached --quiet; then
            note "ledger: the branch already holds these changes"
            git worktree remove --force "$tree"
            set_output committed false
            return 0
        fi
        git -C "$tree" -c user.name="${HARDLINE_GIT_NAME:-github-actions[bot]}" \
            -c user.email="${HARDLINE_GIT_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}" \
            commit --quiet -m "$message"
        if (cd "$tree" && git_remote push --quiet "$remote" "HEAD:refs/heads/$branch"); then
            note "ledger: pushed $(git -C "$tree" rev-parse --short HEAD) to $branch"
            git worktree remove --force "$tree"
            snapshot
            set_output committed true
            return 0
        fi
        note "ledger: push attempt $attempt was rejected; applying the changes to the new tip"
        git worktree remove --force "$tree"
        sleep "$attempt"
    done
    error "ledger: could not push to $branch"
    return 1
}

cmd_rev() {
    local rev
    if [ -n "$ledger_branch" ] && fetch_tip "$ledger_branch"; then
        rev=$(git rev-parse refs/hardline/tip)
    else
        rev=$(git rev-parse "${HARDLINE_LEDGER_BASE:-HEAD}")
    fi
    printf '%s\n' "$rev"
    set_output rev "$rev"
}

case ${1:-} in
    read) cmd_read ;;
    commit) shift; cmd_commit "$@" ;;
    rev) cmd_rev ;;
    *) note "usage: ledger.sh read | commit MESSAGE | rev"; exit 2 ;;
esac
