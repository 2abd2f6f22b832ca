#!/usr/bin/env bash
# hardline: runs one hardline command — or one of the pipeline's scripts — for the composite
# action, from inputs passed as environment variables (never interpolated into the script).
#
#   HARDLINE_COMMAND='gate' HARDLINE_ARGS=$'--image\npostgres-secured\n--report\nr.json' run-hardline.sh
#   HARDLINE_SCRIPT='gate-publish' HARDLINE_ARGS='pr-artifact' run-hardline.sh
#
# HARDLINE_SCRIPT names one of the workflow scripts shipped with the action (the same ones this
# repository's workflows run, tested here), so that a repository that adopts hardline gets the
# trusted pull request gate, the ledger modes and the rest without copying any script; they
# find the installed binary as $HARDLINE. Only the scripts listed below can be named.
# HARDLINE_COMMAND is one or two words (`gate`, `issues sync`, `export sarif`); HARDLINE_ARGS
# holds one argument per line (no shell quoting, no word splitting, no globbing: a value with
# spaces is one line). HARDLINE_FAIL_ON decides which gate decisions fail the step: `block`
# (default: block fails, review and allow pass), `review` (review fails too) or `never`.
# Errors (exit 1, 2, 3) always fail. Writes `exit-code`; `hardline gate` writes `decision`
# itself to $GITHUB_OUTPUT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

hardline=${HARDLINE:-hardline}
script=${HARDLINE_SCRIPT:-}
command=${HARDLINE_COMMAND:-}
SCRIPTS=" changed-images require-success gate-pr gate-publish dispatch-after-merge automerge-eligible
    commit-status ledger record-reports export-sarif rescan-base trivy-scan install-trivy "
if [ -n "$script" ]; then
    [ -z "$command" ] || { error "give the action a command or a script, not both"; exit 2; }
    [[ $script =~ ^[a-z-]+$ && $SCRIPTS == *" $script "* ]] || { error "not a hardline workflow script: $script"; exit 2; }
    words=()
else
    [ -n "$command" ] || { error "the action needs a command (gate, record, issues sync, ...) or a script"; exit 2; }
    [[ $command =~ ^[a-z][a-z-]*( [a-z][a-z-]*)?$ ]] || { error "not a hardline command: $command"; exit 2; }
    read -r -a words <<<"$command"
fi
args=()
if [ -n "${HARDLINE_ARGS:-}" ]; then
    mapfile -t args <<<"$HARDLINE_ARGS"
    # a trailing newline in a YAML block scalar is not an argument
    while [ "${#args[@]}" -gt 0 ] && [ -z "${args[-1]}" ]; do unset 'args[-1]'; done
fi
fail_on=${HARDLINE_FAIL_ON:-block}
case $fail_on in block | review | never) ;; *) error "fail-on must be block, review or never: $fail_on"; exit 2 ;; esac

code=0
if [ -n "$script" ]; then
    HARDLINE=$hardline bash "$(dirname "${BASH_SOURCE[0]}")/$script.sh" "${args[@]}" || code=$?
    set_output exit-code "$code"
    [ "$code" -eq 0 ] || { error "$script failed (exit $code)"; exit 1; }
    exit 0
fi
"$hardline" "${words[@]}" "${args[@]}" || code=$?
set_output exit-code "$code"
case $code in
    0) exit 0 ;;
    10) [ "$fail_on" = review ] && { error "hardline: review (fail-on: review)"; exit 1; }; exit 0 ;;
    20) [ "$fail_on" = never ] && exit 0; error "hardline: block"; exit 1 ;;
    *) error "hardline $command failed (exit $code)"; exit 1 ;;
esac
