#!/usr/bin/env bash
# hardline: records one scan run in the ledger (the scan workflow's record job).
#
#   HARDLINE=path/to/hardline record-reports.sh REPORTS_DIR
#
# REPORTS_DIR/<image>/image.json is the Trivy report of the image; REPORTS_DIR/<image>/sbom.cdx.json
# its CycloneDX SBOM (sbom.sh). Each image is recorded with `hardline record`; its SBOM is kept
# as cve-baseline/<image>.cdx.json, the SBOM pr-gate rescans, only once its scan is recorded,
# so the SBOM and the baseline always describe the same build. An image whose report is
# missing or refused does not stop the others: it is named in the `failed` output (and the
# workflow fails after committing what was recorded). Writes `recorded` and `failed` outputs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reports=${1:?usage: record-reports.sh REPORTS_DIR}
hardline=${HARDLINE:-hardline}
recorded=()
failed=()
shopt -s nullglob
dirs=("$reports"/*/)
[ "${#dirs[@]}" -gt 0 ] || { error "no reports in $reports: nothing was scanned"; set_output failed all; exit 1; }
for dir in "${dirs[@]}"; do
    image=$(basename "$dir")
    if ! valid_image_name "$image"; then
        error "not a valid image name: $image"
        failed+=("$image")
        continue
    fi
    if [ ! -f "$dir/image.json" ]; then
        error "$image: no Trivy report"
        failed+=("$image")
        continue
    fi
    if ! "$hardline" record --image "$image" --report "$dir/image.json"; then
        error "$image: hardline record refused the report"
        failed+=("$image")
        continue
    fi
    if [ -f "$dir/sbom.cdx.json" ]; then
        mkdir -p cve-baseline
        cp "$dir/sbom.cdx.json" "cve-baseline/$image.cdx.json"
    else
        warning "$image: no SBOM; pr-gate will gate against the ledger alone until the next scan"
    fi
    recorded+=("$image")
done
set_output recorded "${recorded[*]}"
set_output failed "${failed[*]}"
summary "recorded: ${recorded[*]:-none}${failed:+; failed: ${failed[*]}}"
