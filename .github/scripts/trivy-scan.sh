#!/usr/bin/env bash
# hardline: one Trivy scan with the flags every workflow uses, against the day's database.
#
#   trivy-scan.sh db                       download the vulnerability database (once a day)
#   trivy-scan.sh image REF OUT            scan a built image (vulnerabilities and secrets)
#   trivy-scan.sh sbom FILE OUT            scan a CycloneDX SBOM (vulnerabilities)
#
# The database lives in $TRIVY_CACHE_DIR (default ~/.cache/trivy), which the workflows restore
# with actions/cache under a key per day, so every job of a day — the pull request's image scan
# and the rescan of the base SBOM above all — uses the same database: a difference between the
# two is then the image's, never the database's. Scans never update the database when it is
# there; a job whose cache missed downloads it once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

trivy=${TRIVY:-trivy}
export TRIVY_CACHE_DIR=${TRIVY_CACHE_DIR:-$HOME/.cache/trivy}
export TRIVY_NO_PROGRESS=true TRIVY_DISABLE_VEX_NOTICE=true
have_db() { [ -f "$TRIVY_CACHE_DIR/db/metadata.json" ] && [ -f "$TRIVY_CACHE_DIR/db/trivy.db" ]; }
db_flags() {
    if have_db; then echo --skip-db-update; else note "no Trivy database in $TRIVY_CACHE_DIR: downloading it"; fi
}

case ${1:-} in
    db)
        if have_db; then
            note "Trivy database already present: $(jq -r '.UpdatedAt // "?"' "$TRIVY_CACHE_DIR/db/metadata.json")"
        else
            "$trivy" image --download-db-only
        fi
        ;;
    image)
        ref=${2:?usage: trivy-scan.sh image REF OUT}
        out=${3:?usage: trivy-scan.sh image REF OUT}
        mkdir -p "$(dirname "$out")"
        # shellcheck disable=SC2046 # db_flags prints zero or one word
        "$trivy" image $(db_flags) --scanners vuln,secret --format json --timeout 15m --output "$out" "$ref"
        ;;
    sbom)
        file=${2:?usage: trivy-scan.sh sbom FILE OUT}
        out=${3:?usage: trivy-scan.sh sbom FILE OUT}
        mkdir -p "$(dirname "$out")"
        # shellcheck disable=SC2046
        "$trivy" sbom $(db_flags) --scanners vuln --format json --timeout 15m --output "$out" "$file"
        ;;
    *) note "usage: trivy-scan.sh db | image REF OUT | sbom FILE OUT"; exit 2 ;;
esac
