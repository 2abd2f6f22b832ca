#!/usr/bin/env bash
# hardline: the threat feeds the gate's rules (kev-present, epss-above) and the views (issues,
# dashboard, summary) read — CISA's KEV catalog and FIRST's EPSS scores — fetched once a day and
# kept in .hardline/feeds/, the folder every hardline command reads them from when no --kev or
# --epss names another (README, "Threat feeds"). Run from the repository root.
#
#   feeds.sh key       the cache key of the UTC day, `hardline-feeds-YYYY-MM-DD` (printed, and
#                      the step output `key`): a workflow restores .hardline/feeds/ under it,
#                      and fetches only when the day has no entry yet (feeds.yml)
#   feeds.sh update    `hardline feeds update` into .hardline/feeds/, from the hosts hardline.toml
#                      names (`[feeds] kev_url`, `epss_url`; the publishers by default). A feed
#                      restored from an earlier day is asked for conditionally (its ETag and
#                      Last-Modified are kept beside it), so an unchanged feed costs a 304.
#                      Step output `kept`: the feeds .hardline/feeds/ holds now (`kev epss`),
#                      empty when there is nothing to cache.
#
# A feed that cannot be fetched is a warning, not a failed scan: the previous file, when the
# cache had one, stays and is read; without one, the views leave the feed out and the gate lists
# the rules that need it as "not checked" (never a silent pass). hardline that cannot run, or
# that answers with anything but its report, is an error. The step summary lists each feed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hardline=${HARDLINE:-hardline}

# Where `feeds update` keeps a feed (hardline_feeds::store::Store::path; named as its publisher
# names it). A failed update keeps the file that was there.
feed_file() {
    case $1 in
        kev) printf '.hardline/feeds/known_exploited_vulnerabilities.json' ;;
        epss) printf '.hardline/feeds/epss_scores-current.csv.gz' ;;
        *) printf '.hardline/feeds/%s' "$1" ;;
    esac
}

case ${1:-} in
    key)
        key="hardline-feeds-$(date -u +%Y-%m-%d)"
        printf '%s\n' "$key"
        set_output key "$key"
        ;;
    update)
        out=$(mktemp)
        HL_CLEANUP+=("$out")
        code=0
        "$hardline" feeds update --format json >"$out" || code=$?
        # 0: every feed is current; 1: at least one could not be fetched (the report says which)
        case $code in 0 | 1) ;; *) error "hardline feeds update failed (exit $code)"; exit 1 ;; esac
        if ! json_is '.version == 1 and (.feeds | type == "array" and length > 0)' "$out"; then
            error "hardline feeds update wrote no report (exit $code)"
            exit 1
        fi
        summary "**Threat feeds** ($(date -u +%Y-%m-%d))"
        # Fields joined by the unit separator: tabs are whitespace to `read`, and empty fields
        # between two of them would vanish. What a host answered reaches the log and the step
        # summary (Markdown) only as plain text: control characters and Markdown's active
        # characters become spaces.
        while IFS=$'\x1f' read -r name outcome about problem; do
            case $outcome in
                failed)
                    if [ -f "$(feed_file "$name")" ]; then
                        warning "$name: not updated, the previous file stays in use: $problem"
                        summary "- $name: not updated ($problem); the previous file stays in use"
                    else
                        warning "$name: not available, what needs it is left out or not checked: $problem"
                        summary "- $name: not available ($problem)"
                    fi
                    ;;
                *)
                    note "$name: $outcome, $about"
                    summary "- $name: $outcome, $about"
                    ;;
            esac
        done < <(jq -r '.feeds[] | [.name, .outcome,
            (if .feed then "version \(.feed.version) of \(.feed.date[0:10]), \(.feed.entries) \(if .feed.entries == 1 then "entry" else "entries" end)" else "" end),
            (.error // "")] | map(gsub("[[:cntrl:]`<>\\[\\]!|*@#\\\\]"; " ")) | join("\u001f")' "$out")
        kept=()
        for name in $(jq -r '.feeds[].name' "$out"); do
            if [ -f "$(feed_file "$name")" ]; then kept+=("$name"); fi
        done
        set_output kept "${kept[*]}"
        ;;
    *)
        error "usage: feeds.sh key | update"
        exit 2
        ;;
esac
