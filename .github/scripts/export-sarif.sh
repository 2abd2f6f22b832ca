#!/usr/bin/env bash
# hardline: each recorded image's open findings as SARIF 2.1.0, for GitHub code scanning.
#
#   HARDLINE=path/to/hardline export-sarif.sh OUT_DIR
#
# Writes OUT_DIR/<image>.sarif for every image with a baseline (cve-baseline/<image>.json),
# with `hardline export sarif --image NAME`. The upload (one per image, `category:
# hardline/<image>`) is github/codeql-action/upload-sarif's job in the workflow. Prints the
# images as a JSON array and sets it as the `images` output.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=${1:?usage: export-sarif.sh OUT_DIR}
hardline=${HARDLINE:-hardline}
mkdir -p "$out"
names=()
shopt -s nullglob
for baseline in cve-baseline/*.json; do
    case $baseline in *.cdx.json) continue ;; esac
    image=$(basename "$baseline" .json)
    valid_image_name "$image" || { warning "skipping $baseline: not an image name"; continue; }
    "$hardline" export sarif --image "$image" >"$out/$image.sarif"
    jq -e '.version == "2.1.0" and (.runs | length == 1)' "$out/$image.sarif" >/dev/null ||
        { error "$image: hardline export sarif did not write one SARIF 2.1.0 run"; exit 1; }
    names+=("$image")
done
if [ "${#names[@]}" -eq 0 ]; then images='[]'; else images=$(printf '%s\n' "${names[@]}" | jq -R . | jq -sc .); fi
set_output images "$images"
printf '%s\n' "$images"
