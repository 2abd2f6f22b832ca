#!/usr/bin/env bash
# hardline: the pull request's decision, in the pull request's own run (read-only token).
#
#   IMAGES='["a"]' HARDLINE=path/to/hardline gate-pr.sh REPORTS_DIR OUT_DIR
#
# REPORTS_DIR/<image>/candidate.json is the Trivy report of the pull request's image, and beside
# it the static scans of its sources (lint-scan.sh: config.json, hadolint.sarif, semgrep.sarif),
# gated together as one candidate (the ledger holds the same kinds of findings);
# REPORTS_DIR/<image>/base.json, when present, is the rescan of the base branch's recorded
# SBOM with the same Trivy database (so CVEs published since the last weekly scan are shown as
# base-branch drift, not blamed on the pull request). For each image this runs
# `hardline gate --format json` (hardline writes `decision=` and the comment to
# $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY itself), then writes OUT_DIR, the artifact that the
# trusted workflow (pr-gate-publish.yml) reads as data:
#   OUT_DIR/pr.json                     the pull request, commits, images and decisions
#   OUT_DIR/decisions/<image>.json      hardline's JSON decision (version 1)
#   OUT_DIR/reports/<image>/*           the reports the decision was made on
#   OUT_DIR/reports/<image>/sources/…   the pull request's files the SARIF reports flag
#                                       (lint-scan.sh copied them in the scan job), by which
#                                       both sides identify those results (`gate --sources`):
#                                       this job and the trusted one check out the base commit
# Sets `decision=<worst>` as the step's output. Exits 0 on allow or review, 1 on block or
# on any error, so that the check fails when the gate blocks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reports=${1:?usage: gate-pr.sh REPORTS_DIR OUT_DIR}
out=${2:?usage: gate-pr.sh REPORTS_DIR OUT_DIR}
hardline=${HARDLINE:-hardline}
event=${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH must point at the pull_request event}
images_json=${IMAGES:?IMAGES must hold the JSON array of changed images}

number=$(jq -er '.pull_request.number' "$event")
head_sha=$(jq -er '.pull_request.head.sha' "$event")
base_sha=$(jq -er '.pull_request.base.sha' "$event")
mapfile -t images < <(jq -r '.[]' <<<"$images_json")

mkdir -p "$out/decisions" "$out/reports"
decisions='{}'
failed=0
for image in "${images[@]}"; do
    valid_image_name "$image" || { error "not a valid image name: $image"; failed=1; continue; }
    candidate="$reports/$image/candidate.json"
    base="$reports/$image/base.json"
    if [ ! -f "$candidate" ]; then
        error "$image: no scan report ($candidate): the scan did not finish"
        failed=1
        continue
    fi
    mkdir -p "$out/reports/$image"
    cp "$candidate" "$out/reports/$image/candidate.json"
    args=(gate --image "$image" --report "$candidate" --format json)
    mapfile -t lint < <(lint_reports "$reports/$image")
    for report in "${lint[@]}"; do
        cp "$report" "$out/reports/$image/"
        args+=(--report "$report")
    done
    # This job checks out the base commit: the pull request's flagged files came with the scan.
    if [ -d "$reports/$image/sources" ]; then
        cp -R "$reports/$image/sources" "$out/reports/$image/sources"
        args+=(--sources "$reports/$image/sources")
    fi
    if [ -f "$base" ]; then
        cp "$base" "$out/reports/$image/base.json"
        args+=(--base-report "$base")
    else
        note "$image: no recorded SBOM on the base branch; gating against the ledger's baseline"
    fi
    code=0
    "$hardline" "${args[@]}" >"$out/decisions/$image.json" || code=$?
    case $code in
        0 | 10 | 20) ;;
        *) error "$image: hardline gate failed (exit $code)"; failed=1; continue ;;
    esac
    decision=$(jq -er '.decision' "$out/decisions/$image.json")
    expected=$(case $code in 0) echo allow ;; 10) echo review ;; 20) echo block ;; esac)
    if [ "$decision" != "$expected" ]; then
        error "$image: hardline said $decision but exited $code"
        failed=1
        continue
    fi
    note "$image: $decision"
    decisions=$(jq -c --arg i "$image" --arg d "$decision" '. + {($i): $d}' <<<"$decisions")
done

jq -n --argjson number "$number" --arg head "$head_sha" --arg base "$base_sha" \
    --argjson images "$images_json" --argjson decisions "$decisions" \
    '{version: 1, pull_request: $number, head_sha: $head, base_sha: $base, images: $images, decisions: $decisions}' \
    >"$out/pr.json"

if [ "$failed" -ne 0 ]; then
    set_output decision error
    exit 1
fi
mapfile -t all < <(jq -r '.[]' <<<"$decisions")
worst=$(worst_decision "${all[@]}")
set_output decision "$worst"
summary "**hardline gate: $worst** for ${#images[@]} image(s) of #$number"
if [ "$worst" = block ]; then
    error "the gate blocks this pull request"
    exit 1
fi
