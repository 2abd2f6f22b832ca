#!/usr/bin/env bash
# hardline: pushes the current branch's new commit to the default branch with GITHUB_TOKEN given
# only to this process (checkout runs with persist-credentials: false, so the token is never
# written to .git/config where a later step or an artifact could pick it up).
# Rebases and retries when another commit landed in the meantime.
set -euo pipefail
: "${GITHUB_TOKEN:?}" "${GITHUB_REF_NAME:?}" "${GITHUB_SERVER_URL:?}"
auth=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 -w0)
echo "::add-mask::$auth"
git_auth() { git -c "http.${GITHUB_SERVER_URL}/.extraheader=AUTHORIZATION: basic $auth" "$@"; }
for attempt in 1 2 3; do
    if git_auth push origin "HEAD:refs/heads/$GITHUB_REF_NAME"; then exit 0; fi
    echo "push attempt $attempt rejected; rebasing on the branch tip"
    git_auth pull --rebase origin "$GITHUB_REF_NAME"
done
exit 1
