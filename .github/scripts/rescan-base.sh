#!/usr/bin/env bash
# hardline: rescans the base branch's recorded SBOM of an image with the Trivy database of
# this run, for `hardline gate --base-report`: seconds, and no second image build.
#
#   rescan-base.sh IMAGE OUT          (in the checkout; LEDGER_REV: where the ledger is read)
#
# Reads cve-baseline/IMAGE.cdx.json at $LEDGER_REV (the base commit, or the ledger branch: see
# ledger.sh rev). Without a recorded SBOM (a new image, or a ledger older than SBOMs) it writes
# nothing and says so: the gate then compares with the ledger's baseline.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/lib.sh"

image=${1:?usage: rescan-base.sh IMAGE OUT}
out=${2:?usage: rescan-base.sh IMAGE OUT}
rev=${LEDGER_REV:?LEDGER_REV must name the revision holding the ledger}
valid_image_name "$image" || { error "not a valid image name: $image"; exit 1; }
sbom=$(mktemp --suffix=.cdx.json)
HL_CLEANUP+=("$sbom")
if ! git cat-file -e "$rev:cve-baseline/$image.cdx.json" 2>/dev/null; then
    note "$image: no SBOM recorded at ${rev:0:12}; the gate compares with the ledger's baseline"
    set_output base_report ""
    exit 0
fi
git show "$rev:cve-baseline/$image.cdx.json" >"$sbom"
bash "$here/trivy-scan.sh" sbom "$sbom" "$out"
set_output base_report "$out"
