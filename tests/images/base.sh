#!/usr/bin/env bash
# hardline: makes the local stand-in for debian:trixie-slim that the image tests build on.
#
#   bash tests/images/base.sh            (root; prints the image name, localhost/debian:trixie-slim)
#
# Docker Hub cannot be reached from these machines, so the base is made here the way Debian's
# official image is made: debootstrap --variant=minbase, then the "slim" cleanup (no docs, man
# pages or translations; no apt lists), with the same apt sources as the official image (trixie,
# trixie-updates, trixie-security). The Dockerfiles must build on either.
#
# Cache: the root filesystem is kept as a tarball in $HARDLINE_BASE_CACHE (default
# /var/cache/hardline), named after the mirror and the ISO week, so a machine debootstraps at most
# once a week per mirror (~20-50 s) and imports the tarball only when podman's copy is gone.
# Keeping the same image ID all week is what keeps podman's layer cache of the image builds valid.
# Older tarballs of the same base are deleted when a new one is made.
set -euo pipefail

BASE_TAG=localhost/debian:trixie-slim
CACHE=${HARDLINE_BASE_CACHE:-/var/cache/hardline}
P=(podman --runtime /usr/sbin/runc)

sources=/etc/apt/sources.list.d/debian.sources
mirror=$(awk '/^URIs:/{print $2; exit}' "$sources" 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
# The security suite lives beside the main archive (deb.debian.org/debian-security); a host
# that names its own security mirror is followed.
security=$(awk '/^URIs:/{u=$2} /^Suites:.*-security/{print u; exit}' "$sources" 2>/dev/null || true)
security=${security:-${mirror%/debian}/debian-security}

slug=$(printf '%s' "$mirror" | sed -E 's#^[a-z]+://##; s#[^A-Za-z0-9.]+#_#g; s#_+$##')
week=$(date -u +%G-W%V)
key="trixie-minbase-slim-$slug-$week"
tarball="$CACHE/debian-$key.tar"
stamp="$CACHE/debian-trixie-slim.imported"   # "<key> <image id>" of the last import

log() { printf '# base: %s\n' "$*" >&2; }

make_tarball() {
    local work root
    work=$(mktemp -d /tmp/hardline-base.XXXXXX)
    root="$work/trixie"
    log "debootstrap --variant=minbase trixie from $mirror (once per week and mirror)"
    if ! debootstrap --variant=minbase trixie "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
        tail -n 30 "$work/debootstrap.log" >&2
        rm -rf "$work"
        return 1
    fi
    # The official image's apt sources: point updates and security fixes, not only the release.
    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.pgp

Types: deb
URIs: $security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.pgp
EOF
    # "slim": packages installed later leave no documentation, manuals or translations either.
    cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
# documentation, manuals and translations are not installed (as in debian:*-slim)
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$root/usr/share/man/"* "$root/usr/share/groff/"* "$root/usr/share/info/"* \
        "$root/usr/share/lintian/"* "$root/usr/share/linda/"*
    find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
    # Nothing of this machine or of the bootstrap run stays in the image.
    rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/cache/apt/archives/"*.deb \
        "$root/var/log/bootstrap.log" "$root/var/log/apt/"* "$root/var/log/dpkg.log" \
        "$root/var/log/alternatives.log" "$root/etc/resolv.conf" "$root/etc/hostname" \
        "$root/tmp/"* "$root/root/.bash_history"
    : >"$root/etc/machine-id"
    mkdir -p "$CACHE"
    tar --numeric-owner -C "$root" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$work"
    # One tarball per base: drop the ones of earlier weeks or other mirrors.
    find "$CACHE" -maxdepth 1 -name 'debian-trixie-minbase-slim-*.tar' ! -name "$(basename "$tarball")" -delete
}

current_id=$("${P[@]}" image inspect --format '{{.Id}}' "$BASE_TAG" 2>/dev/null || true)
if [ -n "$current_id" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key $current_id" ]; then
    log "$BASE_TAG is current ($key)"
    echo "$BASE_TAG"
    exit 0
fi

if ! command -v debootstrap >/dev/null || ! command -v podman >/dev/null; then
    echo "base.sh: needs podman and debootstrap (apt-get install podman buildah runc debootstrap)" >&2
    exit 2
fi
[ -f "$tarball" ] || make_tarball
log "podman import $tarball as $BASE_TAG"
"${P[@]}" import --quiet --change 'CMD ["bash"]' "$tarball" "$BASE_TAG" >/dev/null
new_id=$("${P[@]}" image inspect --format '{{.Id}}' "$BASE_TAG")
printf '%s %s\n' "$key" "$new_id" >"$stamp"
if [ -n "$current_id" ] && [ "$current_id" != "$new_id" ]; then
    # The previous base and every cached layer built on it can no longer be used: free them.
    log "removing the previous base and its build cache"
    "${P[@]}" image prune --force >/dev/null 2>&1 || true
fi
echo "$BASE_TAG"
