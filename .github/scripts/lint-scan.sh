#!/usr/bin/env bash
# hardline: the static scans beside Trivy's scan of a built image — the Dockerfile's lint and
# misconfigurations, the app's SAST, the workflows' audit. Run from the repository root, so
# that every report names files as the repository does: hardline identifies a SARIF result by
# the lines it flags in that file.
#
#   lint-scan.sh image IMAGE OUT_DIR   hadolint (SARIF) and `trivy config` (JSON) on
#                                      images/IMAGE/Dockerfile, and semgrep with the project's
#                                      rules (security/semgrep/php-app.yml) when the image holds
#                                      PHP: OUT_DIR/hadolint.sarif, config.json, semgrep.sarif;
#                                      and OUT_DIR/sources/…, a copy of the files of images/IMAGE
#                                      the SARIF reports flag, at their repository paths: a gate
#                                      that runs in another checkout (the pull request's, gated
#                                      from the base commit) reads them (`hardline gate --sources`)
#   lint-scan.sh workflows OUT_DIR     zizmor (offline) on .github/workflows: OUT_DIR/zizmor.sarif
#
# Both write OUT_DIR/scanned-at, when the scan started (RFC 3339, UTC): a SARIF log says no scan
# time, and hardline records no scan without one (record-reports.sh passes it as --scanned-at).
#
# Tools come from PATH (install-linters.sh, install-trivy.sh), or $HADOLINT, $TRIVY, $SEMGREP,
# $ZIZMOR. A tool that fails is an error, never an empty report: an empty report would read as
# "everything fixed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hadolint=${HADOLINT:-hadolint}
trivy=${TRIVY:-trivy}
semgrep=${SEMGREP:-semgrep}
zizmor=${ZIZMOR:-zizmor}
export TRIVY_CACHE_DIR=${TRIVY_CACHE_DIR:-$HOME/.cache/trivy}
export TRIVY_NO_PROGRESS=true SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

# run OUT COMMAND...: the command's standard output into OUT, which must then be a JSON document.
run() {
    local out=$1
    shift
    if ! "$@" >"$out.tmp"; then
        rm -f "$out.tmp"
        error "$(basename "$1") failed: $*"
        return 1
    fi
    if ! json_is 'type == "object"' "$out.tmp"; then
        rm -f "$out.tmp"
        error "$(basename "$1") wrote no JSON report: $*"
        return 1
    fi
    mv "$out.tmp" "$out"
}

# started_at OUT: the time the scans start, into OUT/scanned-at.
started_at() {
    date -u +%Y-%m-%dT%H:%M:%SZ >"$1/scanned-at"
}

# copy_flagged SARIF IMAGE DEST: the regular files of images/IMAGE/ that SARIF's results name,
# copied under DEST at their repository paths. Anything else a report names is left out.
copy_flagged() {
    local sarif=$1 image=$2 dest=$3 uri
    jq -r '[.runs[]?.results[]?.locations[]?.physicalLocation.artifactLocation.uri // empty] | unique | .[]' \
        "$sarif" | while IFS= read -r uri; do
        case $uri in "images/$image/"*) ;; *) continue ;; esac
        case "/$uri/" in */../* | */./*) continue ;; esac
        if [ -f "$uri" ] && [ ! -L "$uri" ]; then
            mkdir -p "$dest/$(dirname "$uri")"
            cp "$uri" "$dest/$uri"
        fi
    done
}

case ${1:-} in
    image)
        image=${2:?usage: lint-scan.sh image IMAGE OUT_DIR}
        out=${3:?usage: lint-scan.sh image IMAGE OUT_DIR}
        valid_image_name "$image" || { error "not a valid image name: $image"; exit 1; }
        dockerfile="images/$image/Dockerfile"
        [ -f "$dockerfile" ] || { error "$dockerfile does not exist (run from the repository root)"; exit 1; }
        mkdir -p "$out"
        started_at "$out"
        run "$out/hadolint.sarif" "$hadolint" --no-fail --no-color --format sarif "$dockerfile"
        # The checks embedded in the pinned Trivy: the same checks on every run.
        run "$out/config.json" "$trivy" config --quiet --skip-check-update --format json "$dockerfile"
        if [ -n "$(find "images/$image" -name '*.php' -type f -print -quit)" ]; then
            run "$out/semgrep.sarif" "$semgrep" scan --quiet --metrics off --disable-version-check \
                --config security/semgrep/php-app.yml --sarif "images/$image"
        fi
        for sarif in "$out"/*.sarif; do copy_flagged "$sarif" "$image" "$out/sources"; done
        note "$image: $(find "$out" -maxdepth 1 -type f -printf '%f ')"
        ;;
    workflows)
        out=${2:?usage: lint-scan.sh workflows OUT_DIR}
        mkdir -p "$out"
        started_at "$out"
        run "$out/zizmor.sarif" "$zizmor" --offline --no-progress --no-exit-codes --format sarif .github/workflows
        ;;
    *) note "usage: lint-scan.sh image IMAGE OUT_DIR | workflows OUT_DIR"; exit 2 ;;
esac
