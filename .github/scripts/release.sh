#!/usr/bin/env bash
# hardline: the steps of a release (release.yml), kept here so that they are tested.
#
#   release.sh version TAG              check that TAG is v<the workspace version>; print it
#   release.sh package TARGET BIN OUT   OUT/hardline-<version>-<TARGET>.tar.gz with the binary
#   release.sh sums DIR                 DIR/SHA256SUMS over DIR/*.tar.gz (sha256sum -c format)
#
# Archives are reproducible: fixed owner, mode and mtime (the commit's time), sorted entries,
# gzip without a name or timestamp. The binary must be static and print `hardline <version>`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

workspace_version() {
    awk '/^\[workspace.package\]/ { p = 1; next } /^\[/ { p = 0 } p && /^version *=/ { gsub(/[" ]/, "", $0); sub(/version=/, ""); print; exit }' Cargo.toml
}

case ${1:-} in
    version)
        tag=${2:?usage: release.sh version TAG}
        version=$(workspace_version)
        [ -n "$version" ] || { error "no version in Cargo.toml's [workspace.package]"; exit 1; }
        if [ "$tag" != "v$version" ]; then
            error "the tag $tag does not match the workspace version $version (tag v$version)"
            exit 1
        fi
        set_output version "$version"
        printf '%s\n' "$version"
        ;;
    package)
        target=${2:?usage: release.sh package TARGET BIN OUT}
        bin=${3:?}
        out=${4:?}
        [[ $target =~ ^(x86_64|aarch64)-unknown-linux-musl$ ]] || { error "not a release target: $target"; exit 1; }
        version=$(workspace_version)
        got=$("$bin" --version 2>/dev/null || true)
        if [ -n "$got" ] && [ "$got" != "hardline $version" ]; then
            error "$bin says '$got', not hardline $version"
            exit 1
        fi
        if file "$bin" | grep -q 'dynamically linked'; then
            error "$bin is dynamically linked; a release binary must be static"
            exit 1
        fi
        stage=$(mktemp -d)
        HL_CLEANUP+=("$stage")
        install -m 0755 "$bin" "$stage/hardline"
        install -m 0644 README.md "$stage/README.md"
        mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
        mkdir -p "$out"
        archive="$out/hardline-$version-$target.tar.gz"
        tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
            -C "$stage" -cf - hardline README.md | gzip -9n >"$archive"
        note "packaged $archive"
        printf '%s\n' "$archive"
        ;;
    sums)
        dir=${2:?usage: release.sh sums DIR}
        shopt -s nullglob
        archives=("$dir"/hardline-*.tar.gz)
        [ "${#archives[@]}" -gt 0 ] || { error "no archives in $dir"; exit 1; }
        (cd "$dir" && sha256sum -- "${archives[@]##*/}" | LC_ALL=C sort -k2 >SHA256SUMS)
        cat "$dir/SHA256SUMS"
        ;;
    *) note "usage: release.sh version TAG | package TARGET BIN OUT | sums DIR"; exit 2 ;;
esac
