#!/usr/bin/env bash
# Fuzzes every parser an attacker can reach (fuzz/fuzz_targets/), each for a bounded time, and
# fails on the first crash, naming the input that caused it.
#
#   bash fuzz/run.sh                 # every target, FUZZ_SECONDS (default 25) each
#   bash fuzz/run.sh report openvex  # some targets
#
# Installs cargo-fuzz (pinned) once into ${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}, and keeps
# there the fuzz build (so a later run rebuilds only what changed) and each target's growing
# corpus (so later runs start from what earlier ones found); the committed seeds in
# fuzz/seeds/<target>/ are read, never written. A crash's input is left in the cache's
# artifacts folder: copy it into fuzz/regressions/<target>/ (where `cargo test` replays it for
# ever, crates/fuzzing/tests/regressions.rs), then fix the bug.
#
# Uses a nightly toolchain when rustup has one (AddressSanitizer on); otherwise (or with
# FUZZ_TOOLCHAIN=stable) the stable one with RUSTC_BOOTSTRAP=1 and no sanitizer: coverage-guided
# all the same, and the code is `unsafe`-free, so a sanitizer mostly watches dependencies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET=${FUZZ_SECONDS:-25}
CACHE=${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}
FUZZ_BIN="$CACHE/cargo-fuzz/bin"
CORPORA="$CACHE/fuzz-corpus"
ARTIFACTS="$CACHE/fuzz-artifacts"
ALL_TARGETS=(report exceptions_toml trivyignore_yaml trivyignore openvex cyclonedx_vex hardline_toml ledger_log)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

mkdir -p "$CACHE"
if ! "$FUZZ_BIN/cargo-fuzz" --version 2>/dev/null | grep -q " $CARGO_FUZZ_VERSION\$"; then
    echo "installing cargo-fuzz $CARGO_FUZZ_VERSION into $CACHE/cargo-fuzz (once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$CACHE/cargo-fuzz" \
        >"$CACHE/cargo-fuzz-install.log" 2>&1 || { tail -n 20 "$CACHE/cargo-fuzz-install.log"; exit 1; }
fi
export PATH="$FUZZ_BIN:$PATH"

TOOLCHAIN_WANTED=${FUZZ_TOOLCHAIN:-nightly}
if [ "$TOOLCHAIN_WANTED" = nightly ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    TOOLCHAIN=(+nightly)
    SANITIZER=address
else
    export RUSTC_BOOTSTRAP=1
    TOOLCHAIN=()
    SANITIZER=none
fi
FUZZ=(cargo "${TOOLCHAIN[@]}" fuzz)
# One build folder per sanitizer: the two builds never overwrite each other.
TARGET_DIR="$CACHE/fuzz-target-$SANITIZER"
echo "fuzzing with $(cargo-fuzz --version), $(rustc "${TOOLCHAIN[@]}" -V), sanitizer $SANITIZER, ${SECONDS_PER_TARGET}s per target"

# fuzz/ is a workspace of its own (cargo-fuzz builds it with flags of its own), so it has a lock
# of its own. It follows the project's: every package the two share at the version Cargo.lock
# pins (a dependency added or bumped there needs no step here), the fuzzer's own packages
# (libfuzzer-sys and what it needs) as fuzz/Cargo.lock pins them; Cargo then drops what the
# fuzz build does not use. Without this, a package new in Cargo.lock would be resolved afresh,
# to whatever version is latest that day.
python3 - <<'PY'
import re

def packages(path):
    head, *blocks = open(path, encoding="utf-8").read().split("\n[[package]]\n")
    field = lambda block, key: re.search(rf'^{key} = "([^"]+)"', block, re.M).group(1)
    return head, {(field(b, "name"), field(b, "version")): b.rstrip("\n") for b in blocks}

head, project = packages("Cargo.lock")
_, fuzz = packages("fuzz/Cargo.lock")
shared = {name for name, _ in project}
own = {key: block for key, block in fuzz.items() if key[0] not in shared}
merged = head.rstrip("\n") + "\n" + "".join(f"\n[[package]]\n{b}\n" for b in {**project, **own}.values())
open("fuzz/Cargo.lock", "w", encoding="utf-8").write(merged)
PY

BUILD_FLAGS=(--sanitizer "$SANITIZER" --target-dir "$TARGET_DIR" --debug-assertions)
"${FUZZ[@]}" build "${BUILD_FLAGS[@]}" >"$CACHE/fuzz-build.log" 2>&1 || { tail -n 40 "$CACHE/fuzz-build.log"; exit 1; }

failed=0
for target in "${TARGETS[@]}"; do
    corpus="$CORPORA/$target"
    artifacts="$ARTIFACTS/$target/"
    mkdir -p "$corpus" "$artifacts"
    log="$CACHE/fuzz-$target.log"
    if "${FUZZ[@]}" run "${BUILD_FLAGS[@]}" "$target" "$corpus" "fuzz/seeds/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
        stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n1; }
        inputs=$(find "$corpus" -type f | wc -l)
        echo "$target: $(stat number_of_executed_units) runs in ${SECONDS_PER_TARGET}s" \
            "($(stat average_exec_per_sec) exec/s, peak RSS $(stat peak_rss_mb) MB), corpus $inputs inputs, no crash"
    else
        failed=1
        echo "$target: CRASH (log: $log)"
        grep -E "^(==[0-9]+==|thread '|panicked|SUMMARY|artifact_prefix|Test unit written)" "$log" | head -n 20 || tail -n 30 "$log"
        echo "  keep the input: cp $artifacts<file> fuzz/regressions/$target/ and fix the bug"
    fi
done
exit "$failed"
