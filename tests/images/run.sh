#!/usr/bin/env bash
# hardline: builds the hardened images with podman and proves every control against the running
# containers.
#
#   bash tests/images/run.sh [IMAGE]      (as root; IMAGE limits the run to one image)
#
# Environment (optional): HARDLINE_IMAGES_DIR builds from another copy of images/ (mutations.py
# does), HARDLINE_IMAGE_TAG tags the builds (default: test), HARDLINE_VCS_REF is the revision label
# (default: the checkout's HEAD). KEEP_WORK=1 keeps the temp directory.
#
# Installs podman, buildah, runc and debootstrap once (apt), makes the local debian:trixie-slim
# (base.sh, cached), builds each image from images/ with podman's layer cache, then for each:
#   1. the base: built with the Dockerfile's own default BASE_IMAGE, the build stops at once
#      unless that default is debian:trixie-slim pinned by a real digest;
#   2. .github/scripts/verify-image.sh, the same script the GitHub workflows run on the image;
#   3. pg.sh / php.sh: every control of the image's README, probed in the running container;
#   4. .github/scripts/sbom.sh, the SBOM step of the workflows (syft, CycloneDX), on the image.
# Prints one `ok - ` / `not ok - ` line per check, then `N passed, M failed`; exits 1 on any
# failure. Stops and removes every container it started on exit.
set -uo pipefail

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TESTS_DIR/../.." && pwd)
IMAGES_DIR=${HARDLINE_IMAGES_DIR:-$REPO/images}
TAG=${HARDLINE_IMAGE_TAG:-test}
VCS_REF=${HARDLINE_VCS_REF:-$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)}
ONLY=${1:-}
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8

if [ "$(id -u)" -ne 0 ]; then
    echo "tests/images/run.sh must run as root (rootful podman; it hands test keys to the images' uids)" >&2
    exit 2
fi

# --- packages (idempotent: nothing is fetched when all are installed)
PACKAGES=(podman buildah runc debootstrap openssl curl ca-certificates python3 python3-venv)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "# installing: ${missing[*]}"
    if ! { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
        echo "not ok - apt-get install ${missing[*]}"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi

# shellcheck source=tests/images/lib.sh
. "$TESTS_DIR/lib.sh"
# shellcheck source=tests/images/pg.sh
. "$TESTS_DIR/pg.sh"
# shellcheck source=tests/images/php.sh
. "$TESTS_DIR/php.sh"

WORK=$(mktemp -d /tmp/hardline-images.XXXXXX)
chmod 0755 "$WORK"
CERTS="$WORK/certs"
mkdir -m 0755 "$CERTS"

cleanup() {
    [ -n "${PGC:-}" ] && pg_cleanup
    [ -n "${PHPC:-}" ] && php_cleanup
    if [ -n "${KEEP_WORK:-}" ]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

reap_stale
make_ca "$CERTS" ca
make_ca "$CERTS" wrong-ca
make_server_cert "$CERTS" ca server "DNS:localhost,IP:127.0.0.1"
chmod 0644 "$CERTS/"*.crt

if ! BASE_IMAGE=$(bash "$TESTS_DIR/base.sh"); then
    notok "base: localhost/debian:trixie-slim made with debootstrap"
    echo "$PASSED passed, $FAILED failed"
    exit 1
fi

# base_is_pinned NAME : the Dockerfile's own default base, built as it is (no --build-arg).
base_is_pinned() {
    local dockerfile="$IMAGES_DIR/$1/Dockerfile" default out
    default=$(sed -nE 's/^ARG BASE_IMAGE=(.*)$/\1/p' "$dockerfile")
    grep -qx 'FROM ${BASE_IMAGE}' "$dockerfile" || { echo "the only FROM must be \${BASE_IMAGE}"; return 1; }
    if [[ $default =~ ^docker\.io/library/debian:trixie-slim@sha256:[0-9a-f]{64}$ ]]; then
        return 0 # pinned by Renovate: pulling it needs Docker Hub, which CI on GitHub has
    fi
    # Not a digest: the build must stop at its first step, before anything is pulled or run.
    if out=$(pm build --pull=never --format docker -f "$dockerfile" "$IMAGES_DIR/$1" 2>&1); then
        echo "built with BASE_IMAGE=$default"
        return 1
    fi
    grep -q 'invalid reference format' <<<"$out" && grep -qF "$default" <<<"$out" \
        || { echo "$out" | tail -n 5; return 1; }
}

# build_and_verify NAME : builds images/NAME, runs verify-image.sh on it. Returns 1 if the
# image could not be built (the functional checks are then skipped).
build_and_verify() {
    local name=$1 tag="localhost/hardline/$1:$TAG" started
    check "$name: the Dockerfile's default base is debian:trixie-slim pinned by digest, or a placeholder that stops the build" \
        base_is_pinned "$name"
    started=$(date +%s)
    if ! build_image "$IMAGES_DIR/$name" "$tag" "$WORK/build-$name.log" --build-arg VCS_REF="$VCS_REF"; then
        notok "$name: builds with podman from images/$name" "$(grep -v '^+' "$WORK/build-$name.log" | tail -n 15)"
        return 1
    fi
    ok "$name: builds with podman from images/$name ($(( $(date +%s) - started )) s)"
    CONTAINER_ENGINE="${PODMAN[*]}" CONTAINER_RUN_ARGS="${ULIMITS[*]}" VERIFY_ALLOW_LOCAL_BASE=1 \
        bash "$REPO/.github/scripts/verify-image.sh" "$name" "$tag" >"$WORK/verify-$name.out" 2>&1
    relay "$WORK/verify-$name.out"
}

# sbom_lists NAME PACKAGE… : .github/scripts/sbom.sh writes the CycloneDX SBOM of the built image,
# and it names these Debian packages (a leading ! : must not be there).
sbom_lists() {
    local name=$1 out="$WORK/$1.cdx.json"
    shift
    CONTAINER_ENGINE="${PODMAN[*]}" SYFT_VENV="${HARDLINE_SYFT_VENV:-/var/cache/hardline/syft-1.18.1}" \
        bash "$REPO/.github/scripts/sbom.sh" "localhost/hardline/$name:$TAG" "$out" || return 1
    python3 - "$out" "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
debs = {c["purl"].split("@")[0].rsplit("/", 1)[-1] for c in doc["components"] if c.get("purl", "").startswith("pkg:deb/debian/")}
wanted = [p for p in sys.argv[2:] if not p.startswith("!")]
unwanted = [p[1:] for p in sys.argv[2:] if p.startswith("!")]
wrong = [f"{p} missing" for p in wanted if p not in debs] + [f"{p} present" for p in unwanted if p in debs]
if wrong:
    sys.exit(f"{len(debs)} Debian packages; wrong: {wrong}")
PY
}

if [ -z "$ONLY" ] || [ "$ONLY" = postgres-secured ]; then
    if build_and_verify postgres-secured; then
        pg_tests "localhost/hardline/postgres-secured:$TAG"
        pg_cleanup
        check "postgres-secured: sbom.sh writes its CycloneDX SBOM (syft), naming postgresql-17 and postgresql-17-pgaudit" \
            sbom_lists postgres-secured postgresql-17 postgresql-17-pgaudit '!gcc' '!make'
    fi
fi
if [ -z "$ONLY" ] || [ "$ONLY" = php-mysql-secured ]; then
    if build_and_verify php-mysql-secured; then
        if check "fixture: the MariaDB test image builds" \
            build_image "$TESTS_DIR/mariadb" "localhost/hardline-test/mariadb:$TAG" "$WORK/build-mariadb.log"; then
            php_tests "localhost/hardline/php-mysql-secured:$TAG" "localhost/hardline-test/mariadb:$TAG"
        fi
        php_cleanup
        check "php-mysql-secured: sbom.sh writes its CycloneDX SBOM (syft), naming apache2, libapache2-mod-php8.4 and php8.4-mysql, not php8.4-curl" \
            sbom_lists php-mysql-secured apache2 libapache2-mod-php8.4 php8.4-mysql '!php8.4-curl' '!gcc' '!make'
    fi
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
