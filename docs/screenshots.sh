#!/usr/bin/env bash
# hardline: the pictures in the README's "Add it to your repository" — the pull request comment
# and the dashboard — made from the demo, so that they show what this version writes.
#
#   bash docs/screenshots.sh            (from anywhere; writes docs/pr-comment.png, docs/dashboard.png)
#
# Needs: hardline (HARDLINE, default: built with cargo), jq, cmark-gfm (Debian's package of
# GitHub's own Markdown renderer) and chromium (headless), e.g.
#   apt-get install -y jq cmark-gfm chromium fonts-noto-color-emoji
# Nothing is downloaded: the demo is generated offline and HARDLINE_NOW keeps it the same on
# every run, so regenerating changes the pictures only when the output changes.
#
# The comment is pull request #102 of the demo (a Renovate bump that adds a CRITICAL and a
# HIGH), gated against the rescan of the base branch's SBOM, in which the CRITICAL already is:
# the comment shows it apart, as on the base branch too.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
hardline=${HARDLINE:-}
if [ -z "$hardline" ]; then
    cargo build --quiet --locked --manifest-path "$repo/Cargo.toml" -p hardline
    hardline="$repo/target/debug/hardline"
fi
for tool in jq cmark-gfm chromium; do
    command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HARDLINE_NOW=2026-11-11T04:00:00Z

"$hardline" demo --out "$work/demo" >/dev/null
demo=$work/demo

# The base branch's SBOM rescanned with the pull request's database (the shape `trivy sbom`
# writes): the last recorded scan plus the CRITICAL published since.
jq '.ArtifactType = "cyclonedx" | .ArtifactName = "postgres-secured.cdx.json"
    | .Results |= map(if .Class == "os-pkgs" then .Vulnerabilities += [{
        VulnerabilityID: "CVE-2099-9300", PkgName: "openssl", InstalledVersion: "3.5.1-1+1",
        Status: "affected", Severity: "CRITICAL",
        Title: "openssl: use-after-free when a connection is reset",
        PrimaryURL: "https://avd.aquasec.com/nvd/cve-2099-9300"}] else . end)' \
    "$demo/reports/postgres-secured/2026-11-09.json" >"$work/base.json"
code=0
"$hardline" --root "$demo" --format markdown gate --image postgres-secured \
    --report "$demo/reports/pull-requests/pr-102-postgres-secured.json" --base-report "$work/base.json" \
    >"$work/comment.md" || code=$?
[ "$code" -eq 20 ] || { echo "screenshots.sh: expected the gate to block (exit 20), got $code" >&2; exit 1; }

# The comment as GitHub shows it: GitHub's Markdown renderer, a page styled like a comment.
{
    cat <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>pull request comment</title><style>
body{margin:0;background:#f6f8fa;font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;color:#1f2328}
.comment{max-width:860px;margin:16px auto;background:#fff;border:1px solid #d1d9e0;border-radius:6px}
.head{background:#f6f8fa;border-bottom:1px solid #d1d9e0;padding:8px 16px;border-radius:6px 6px 0 0;color:#59636e}
.head b{color:#1f2328}.body{padding:8px 16px}
h2{font-size:1.4em;border-bottom:1px solid #d1d9e0;padding-bottom:.3em}h3{font-size:1.15em}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px}th{background:#f6f8fa}
code{background:#eff1f3;border-radius:4px;padding:.1em .35em;font-size:85%}a{color:#0969da;text-decoration:none}
details{margin:8px 0}summary{cursor:pointer}sub{color:#59636e}
</style></head><body><div class="comment"><div class="head"><b>github-actions</b> bot commented</div><div class="body">
HTML
    cmark-gfm --unsafe --extension table --extension autolink --extension strikethrough "$work/comment.md"
    echo '</div></div></body></html>'
} >"$work/comment.html"

shot() { # shot PAGE OUT WIDTH HEIGHT
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
        --hide-scrollbars --force-device-scale-factor=1 --window-size="$3,$4" --screenshot="$2" \
        "file://$1" >/dev/null 2>&1
    [ -s "$2" ] || { echo "screenshots.sh: chromium wrote no $2" >&2; exit 1; }
}
shot "$work/comment.html" "$here/pr-comment.png" 900 700
shot "$demo/site/index.html" "$here/dashboard.png" 1200 900
ls -l "$here/pr-comment.png" "$here/dashboard.png"
