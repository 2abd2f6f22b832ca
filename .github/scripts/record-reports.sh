#!/usr/bin/env bash
# hardline: records one scan run in the ledger (the scan workflow's record job).
#
#   HARDLINE=path/to/hardline record-reports.sh REPORTS_DIR
#
# REPORTS_DIR/<image>/image.json is the Trivy report of the image; beside it, the static scans
# of its sources (lint-scan.sh: config.json, hadolint.sarif, semgrep.sarif); sbom.cdx.json its
# CycloneDX SBOM (sbom.sh). All reports of an image are recorded together, as one scan
# (`hardline record --report … --report …`; hadolint's and Trivy's readings of one Dockerfile
# line are one finding), refusing a report of another image (--strict-artifact). A folder that
# is no image (REPORTS_DIR/workflows: zizmor's audit of the workflows) is recorded under its
# own name from the reports it holds. The scan's time is the Trivy report's; a folder of SARIF
# logs alone gives it in the scanned-at file lint-scan.sh writes (`--scanned-at`: hardline
# records no scan without a time). Each image's SBOM is kept as cve-baseline/<image>.cdx.json,
# the SBOM pr-gate rescans, only once its scan is recorded, so the SBOM and the baseline always
# describe the same build. An image whose report is missing or refused does not stop the
# others: it is named in the `failed` output (and the workflow fails after committing what was
# recorded). Run from the repository root. Writes `recorded` and `failed` outputs.
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
    args=(record --image "$image" --strict-artifact)
    if [ -f "$dir/image.json" ]; then
        args+=(--report "$dir/image.json")
    elif [ -f "images/$image/Dockerfile" ]; then
        error "$image: no Trivy report"
        failed+=("$image")
        continue
    fi
    mapfile -t lint < <(lint_reports "$dir")
    for report in "${lint[@]}"; do args+=(--report "$report"); done
    if [ "${#args[@]}" -eq 4 ]; then
        error "$image: no report"
        failed+=("$image")
        continue
    fi
    if [ -f "$dir/scanned-at" ] && [ ! -L "$dir/scanned-at" ]; then
        args+=(--scanned-at "$(head -c 64 "$dir/scanned-at")")
    fi
    if ! "$hardline" "${args[@]}"; then
        error "$image: hardline record refused the reports"
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
