#!/usr/bin/env bash
# hardline: installs what the report tests need, once, and says where it is.
#
#   bash tests/reports/install.sh       (as root for apt; Debian 12)
#
# - poppler-utils from Debian: pdftoppm renders every page of the PDF reports, pdftotext and
#   pdfinfo read their text and page count;
# - a venv with cyclonedx-python-lib and its JSON validation (pinned in requirements.txt beside
#   this file), for the official CycloneDX 1.6 schema the exports are validated against. The
#   schema is read from the installed package, never copied into the repository.
#
# The venv lives in ${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}/venv-reports; the Rust tests
# find it there (or at $HARDLINE_REPORT_PYTHON). Nothing is fetched when all is in place.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}
VENV="$CACHE/venv-reports"
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "# installing from Debian: ${missing[*]}"
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$CACHE"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
want=$(grep -v '^#' "$HERE/requirements.txt" | sort -f | tr 'A-Z_' 'a-z-')
have=$("$VENV/bin/python" -m pip freeze 2>/dev/null | sort -f | tr 'A-Z_' 'a-z-')
if [ "$want" != "$have" ]; then
    echo "# installing the pinned schema validator into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt"
fi
"$VENV/bin/python" -c 'from cyclonedx.validation.json import JsonStrictValidator; from cyclonedx.schema import SchemaVersion; JsonStrictValidator(SchemaVersion.V1_6)'
echo "pdftoppm: $(command -v pdftoppm); schema validator: $VENV/bin/python"
