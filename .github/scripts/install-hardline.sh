#!/usr/bin/env bash
# hardline: installs a released hardline binary for this runner (the composite action's
# install steps; usable on its own too).
#
#   install-hardline.sh sums        find the release's checksum of this runner's archive
#   install-hardline.sh install     install it, from the cache directory or by downloading it
#
# Environment: HARDLINE_VERSION (X.Y.Z, required), HARDLINE_REPOSITORY (owner/name of the
# releases, default hardline-sec/hardline), HARDLINE_SHA256 (optional: the archive's expected
# SHA-256, pinned by the caller; then SHA256SUMS must agree with it), HARDLINE_INSTALL_DIR
# (default $RUNNER_TOOL_CACHE/hardline/VERSION/TARGET), HARDLINE_VERIFY_PROVENANCE (true:
# `gh attestation verify` the archive against the release workflow's build provenance),
# HARDLINE_DOWNLOAD_URL (default $GITHUB_SERVER_URL/REPOSITORY/releases/download), RUNNER_OS,
# RUNNER_ARCH.
#
# `sums` writes the outputs target, archive, sha256 and dir; the action caches `dir` under a
# key made of the target and that checksum. `install` checks the archive in `dir` (restored
# from the cache, or downloaded now) against the checksum before extracting it, so a cache
# entry is trusted no more than a download. Fails closed on any mismatch.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version=${HARDLINE_VERSION:?HARDLINE_VERSION must be set (X.Y.Z)}
version=${version#v}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || { error "not a release version: $version"; exit 1; }
repository=${HARDLINE_REPOSITORY:-hardline-sec/hardline}
[[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || { error "not owner/name: $repository"; exit 1; }
case "${RUNNER_OS:-Linux}/${RUNNER_ARCH:-X64}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    *) error "hardline is released for Linux x64 and arm64 runners, not ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"; exit 1 ;;
esac
archive="hardline-$version-$target.tar.gz"
base_url=${HARDLINE_DOWNLOAD_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download}
base_url="$base_url/v$version"
dir=${HARDLINE_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-$HOME/.cache}/hardline/$version/$target}

# HTTPS only (redirects too), except to a server on loopback, which is how the tests serve releases.
proto='=https'
case $base_url in http://127.0.0.1:* | http://localhost:*) proto='=http' ;; esac
download() { curl --fail --silent --show-error --location --proto "$proto" --proto-redir "$proto" --retry 3 --max-time 300 -o "$2" "$1"; }

expected_sum() {
    local sums line
    sums=$(mktemp)
    # called inside $(…): messages go to stderr, not into the checksum
    download "$base_url/SHA256SUMS" "$sums" || { error "cannot download $base_url/SHA256SUMS" >&2; return 1; }
    # exactly one well-formed line must name our archive
    line=$(grep -E "^[0-9a-f]{64}  ${archive//./\\.}\$" "$sums" || true)
    rm -f "$sums"
    [ -n "$line" ] && [ "$(wc -l <<<"$line")" -eq 1 ] || { error "SHA256SUMS has no single line for $archive" >&2; return 1; }
    line=${line%% *}
    if [ -n "${HARDLINE_SHA256:-}" ] && [ "$line" != "$HARDLINE_SHA256" ]; then
        error "SHA256SUMS says $line for $archive, but the pinned checksum is $HARDLINE_SHA256" >&2
        return 1
    fi
    printf '%s' "$line"
}

case ${1:-} in
    sums)
        sum=$(expected_sum) || exit 1
        set_output target "$target"
        set_output archive "$archive"
        set_output sha256 "$sum"
        set_output dir "$dir"
        note "hardline $version for $target: $archive sha256 $sum"
        ;;
    install)
        sum=${HARDLINE_ARCHIVE_SHA256:-}
        [ -n "$sum" ] || sum=$(expected_sum)
        mkdir -p "$dir"
        if [ -f "$dir/$archive" ] && [ "$(sha256sum "$dir/$archive" | cut -d' ' -f1)" = "$sum" ]; then
            note "hardline $version: archive from the cache matches its checksum"
        else
            rm -rf "${dir:?}"/*
            download "$base_url/$archive" "$dir/$archive" || { error "cannot download $base_url/$archive"; exit 1; }
            actual=$(sha256sum "$dir/$archive" | cut -d' ' -f1)
            if [ "$actual" != "$sum" ]; then
                rm -f "$dir/$archive"
                error "checksum mismatch for $archive: expected $sum, got $actual"
                exit 1
            fi
        fi
        if [ "${HARDLINE_VERIFY_PROVENANCE:-false}" = true ]; then
            gh attestation verify "$dir/$archive" --repo "$repository" \
                --signer-workflow "$repository/.github/workflows/release.yml" >/dev/null ||
                { error "the build provenance of $archive does not verify"; exit 1; }
            note "hardline $version: build provenance verified"
        fi
        rm -rf "${dir:?}/bin"
        mkdir -p "$dir/bin"
        tar -xzf "$dir/$archive" -C "$dir/bin" --no-same-owner hardline
        chmod 0755 "$dir/bin/hardline"
        got=$("$dir/bin/hardline" --version)
        [ "$got" = "hardline $version" ] || { error "the archive holds '$got', not hardline $version"; exit 1; }
        if [ -n "${GITHUB_PATH:-}" ]; then printf '%s\n' "$dir/bin" >>"$GITHUB_PATH"; fi
        set_output path "$dir/bin/hardline"
        note "installed $got at $dir/bin/hardline"
        ;;
    *) note "usage: install-hardline.sh sums | install"; exit 2 ;;
esac
