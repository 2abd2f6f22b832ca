#!/usr/bin/env python3
"""hardline: static checks of images/*/Dockerfile (python3 stdlib only).

These are the controls that only a built image would show at run time (user, healthcheck,
labels, setuid removal, pinning). The pipeline checks the built image too (see
.github/workflows/scan.yml); here they are checked from the source.

Usage: check_dockerfiles.py IMAGES_DIR   — prints ok/not ok lines; exit 1 on any failure.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

FROM_PINNED = re.compile(
    r"^FROM\s+(?P<name>[a-z0-9./_-]+):(?P<tag>[A-Za-z0-9._-]+)@(?P<digest>sha256:[0-9a-f]{64})(\s+AS\s+\S+)?$",
    re.IGNORECASE,
)
REQUIRED_LABELS = (
    "org.opencontainers.image.source",
    "org.opencontainers.image.revision",
    "org.opencontainers.image.licenses",
    "org.opencontainers.image.base.name",
    "org.opencontainers.image.base.digest",
)
SETUID_STRIP = "find / -xdev -perm /6000 -type f -exec chmod a-s {} +"

results: list[tuple[bool, str, str]] = []


def check(cond: bool, desc: str, detail: str = "") -> None:
    results.append((bool(cond), desc, detail))


def instructions(text: str) -> list[tuple[str, str]]:
    """Joins continuation lines and drops comments: [(INSTRUCTION, arguments)]."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        if buf.strip():
            word, _, rest = buf.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
        buf = ""
    return out


def labels_of(args: str) -> dict[str, str]:
    return {k: v for k, v in re.findall(r'([A-Za-z0-9._-]+)="([^"]*)"', args)}


def check_image(dockerfile: Path) -> None:
    name = dockerfile.parent.name
    text = dockerfile.read_text(encoding="utf-8")
    ins = instructions(text)
    froms = [a for i, a in ins if i == "FROM"]
    m = FROM_PINNED.match("FROM " + froms[-1]) if froms else None
    check(bool(froms) and all(FROM_PINNED.match("FROM " + f) for f in froms),
          f"{name}: every FROM is pinned by tag and sha256 digest", ", ".join(froms))

    labels: dict[str, str] = {}
    for i, a in ins:
        if i == "LABEL":
            labels.update(labels_of(a))
    missing = [k for k in REQUIRED_LABELS if not labels.get(k)]
    check(not missing, f"{name}: OCI labels source, revision, licenses, base.name, base.digest", f"missing: {missing}")
    if m:
        check(labels.get("org.opencontainers.image.base.digest") == m["digest"],
              f"{name}: label base.digest matches the FROM digest",
              f'{labels.get("org.opencontainers.image.base.digest")} != {m["digest"]}')
        check(labels.get("org.opencontainers.image.base.name") == f'{m["name"]}:{m["tag"]}',
              f"{name}: label base.name matches the FROM image:tag")
    check("${VCS_REF}" in labels.get("org.opencontainers.image.revision", ""),
          f"{name}: revision label comes from the VCS_REF build argument")

    users = [a for i, a in ins if i == "USER"]
    last_user = users[-1] if users else ""
    um = re.fullmatch(r"(\d+):(\d+)", last_user)
    check(bool(um) and um[1] != "0" and um[2] != "0",
          f"{name}: final USER is numeric uid:gid and not root", last_user or "no USER")
    # nothing after the final USER switches back or runs as root
    if users:
        idx = max(k for k, (i, _) in enumerate(ins) if i == "USER")
        check(not any(i == "RUN" for i, _ in ins[idx + 1:]), f"{name}: no RUN after the final USER")

    hc = [a for i, a in ins if i == "HEALTHCHECK"]
    check(bool(hc) and not hc[-1].upper().startswith("NONE"), f"{name}: HEALTHCHECK is defined")
    runs = " ".join(a for i, a in ins if i == "RUN")
    check(SETUID_STRIP in runs, f"{name}: setuid/setgid bits are removed at build time")
    check(not any(i == "ADD" for i, _ in ins), f"{name}: no ADD (COPY only, nothing fetched at build)")
    envs = " ".join(a for i, a in ins if i in ("ENV", "ARG"))
    leaked = re.findall(r"\b([A-Z_]*(?:PASSWORD|SECRET|TOKEN)[A-Z_]*)=(?!/run/secrets/)", envs)
    check(not leaked, f"{name}: secrets only through *_FILE paths under /run/secrets", f"{leaked}")
    check(not re.search(r"\bcurl\b[^;&|]*\|\s*(ba)?sh", runs), f"{name}: no curl | sh")

    keys = [p for p in dockerfile.parent.rglob("*") if p.is_file() and (
        p.suffix in (".key", ".pem", ".p12", ".pfx") or b"PRIVATE KEY-----" in p.read_bytes())]
    check(not keys, f"{name}: no certificate or private key is committed in the image context", f"{keys}")

    if name == "postgres-secured":
        check("POSTGRES_PASSWORD_FILE=/run/secrets/" in envs, f"{name}: POSTGRES_PASSWORD_FILE is the password source")
        check("POSTGRES_HOST_AUTH_METHOD" not in text, f"{name}: POSTGRES_HOST_AUTH_METHOD is never set")
        check("pgaudit" in runs, f"{name}: pgaudit package is installed")
        check("config_file=/etc/postgresql/postgresql.conf" in text, f"{name}: CMD loads the image's postgresql.conf")
    if name == "php-mysql-secured":
        build = [a for i, a in ins if i == "RUN" and "docker-php-ext-install" in a]
        check(bool(build) and "apt-get purge" in build[0] and build[0].index("apt-get purge") > build[0].index("docker-php-ext-install"),
              f"{name}: build tools are purged in the same layer that compiles the extensions")
        check(bool(build) and "pdo_mysql" in build[0] and "mysqli" in build[0], f"{name}: pdo_mysql and mysqli are built")
        check('php.ini-production' in runs, f"{name}: php.ini comes from the production template")


def main() -> int:
    images = Path(sys.argv[1] if len(sys.argv) > 1 else "images")
    dockerfiles = sorted(images.glob("*/Dockerfile"))
    check(len(dockerfiles) >= 2, "found the image Dockerfiles", str(images))
    for d in dockerfiles:
        check_image(d)
    failed = 0
    for good, desc, detail in results:
        print(("ok - " if good else "not ok - ") + "static: " + desc)
        if not good:
            failed += 1
            if detail:
                print("#   " + detail)
    print(f"# static checks: {len(results) - failed} of {len(results)} ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
