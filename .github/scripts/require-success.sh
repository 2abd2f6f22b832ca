#!/usr/bin/env bash
# hardline: the gate of a required check. A job that `needs:` a matrix is skipped when the
# matrix fails, and GitHub counts a skipped required check as passed; so the gate job runs
# with `if: ${{ !cancelled() }}` and calls this first: it fails unless every job it needs
# succeeded. The one allowed skip is the scan of a pull request that changes no image.
#
#   NEEDS='${{ toJSON(needs) }}' IMAGES='["a","b"]' require-success.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

needs=${NEEDS:?NEEDS must hold toJSON(needs)}
images=${IMAGES-}
jq -e 'type == "object"' <<<"$needs" >/dev/null 2>&1 || { error "NEEDS is not a JSON object"; exit 1; }
[ "$(jq 'length' <<<"$needs")" -gt 0 ] || { error "NEEDS is empty: the gate must need the scan jobs"; exit 1; }

failed=0
while IFS=$'\t' read -r job result; do
    if [ "$result" = success ]; then
        note "ok: $job succeeded"
    elif [ "$result" = skipped ] && [ "$images" = '[]' ]; then
        note "ok: $job was skipped because no image changed"
    else
        error "$job: $result — the gate cannot decide without it"
        summary "- **$job**: $result (the gate fails: every scan must succeed)"
        failed=1
    fi
done < <(jq -r 'to_entries[] | [.key, (.value.result // "missing")] | @tsv' <<<"$needs")
exit "$failed"
