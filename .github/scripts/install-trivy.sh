#!/usr/bin/env bash
# hardline: installs the Trivy release named by TRIVY_VERSION (pinned in the workflows and kept
# current by Renovate) into $RUNNER_TEMP/trivy/bin, after checking the tarball's SHA-256 against
# the checksum list published with that release. Fails closed on any mismatch.
set -euo pipefail

: "${TRIVY_VERSION:?TRIVY_VERSION must be set (e.g. 0.76.0)}"
if [[ ! "$TRIVY_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "TRIVY_VERSION is not a plain X.Y.Z version: $TRIVY_VERSION" >&2
    exit 1
fi
dest="${RUNNER_TEMP:-/tmp}/trivy"
base="https://github.com/aquasecurity/trivy/releases/download/v${TRIVY_VERSION}"
tarball="trivy_${TRIVY_VERSION}_Linux-64bit.tar.gz"
sums="trivy_${TRIVY_VERSION}_checksums.txt"

mkdir -p "$dest/bin"
cd "$dest"
curl -fsSL --proto '=https' --tlsv1.2 --retry 3 -o "$tarball" "$base/$tarball"
curl -fsSL --proto '=https' --tlsv1.2 --retry 3 -o "$sums" "$base/$sums"
# exactly one line for our tarball must be present and must match
grep -E "^[0-9a-f]{64}  ${tarball//./\\.}\$" "$sums" >"$tarball.sha256"
test "$(wc -l <"$tarball.sha256")" -eq 1
sha256sum -c "$tarball.sha256"
tar -xzf "$tarball" -C "$dest/bin" trivy
"$dest/bin/trivy" --version
if [ -n "${GITHUB_PATH:-}" ]; then echo "$dest/bin" >>"$GITHUB_PATH"; fi
