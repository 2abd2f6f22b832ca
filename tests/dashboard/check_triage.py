#!/usr/bin/env python3
"""The dashboard's triage table in a real browser: headless Chromium, driven over the DevTools
protocol on a pipe (--remote-debugging-pipe: no port, no websocket library), loading the demo's
site from a loopback HTTP server, as GitHub Pages serves it.

Usage: check_triage.py SITE_DIR

Proves, printing one `ok - ` / `not ok - ` line per check:
  - with scripts disabled the page is whole: every finding is a visible row, no control;
  - with scripts on, the filter works (text, least severity, KEV, overdue, fix available,
    a link with the filter in its fragment) and the columns sort;
  - no Content-Security-Policy violation and no script error, on the index and image pages and
    the customer report the site publishes (whose stylesheet applies, and whose print stylesheet
    repeats header rows);
  - and, so that the CSP check can fail, a copy of a page (and of the report) with an inline
    script is caught.
"""

import fcntl
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

CHROMIUM = os.environ.get("CHROMIUM", "chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--mute-audio", "--remote-debugging-pipe",
]
# Records every CSP violation the page reports, before any script of the page runs. Injected by
# the DevTools protocol, which the page's CSP does not govern.
RECORDER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""

PASSED = 0
FAILED = 0


def check(description, condition, detail=""):
    global PASSED, FAILED
    if condition:
        PASSED += 1
        print(f"ok - {description}")
    else:
        FAILED += 1
        print(f"not ok - {description}")
        if detail:
            text = str(detail)
            text = text if len(text) <= 1500 else text[:1500] + " …"
            for line in text.splitlines()[:30]:
                print(f"#   {line}")


def high(fd):
    """`fd` moved to 10 or above, so that it can never be the 3 or 4 it is put on."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (answers out)."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="hardline-chromium-")
        commands_r, self.commands_w = (high(fd) for fd in os.pipe())
        self.answers_r, answers_w = (high(fd) for fd in os.pipe())
        # bash (dash takes single-digit descriptors only) puts the two pipe ends on fds 3 and 4,
        # then becomes Chromium.
        script = f'exec "$0" "$@" 3<&{commands_r} 4>&{answers_w} {commands_r}<&- {answers_w}>&-'
        self.process = subprocess.Popen(
            ["bash", "-c", script, CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(commands_r, answers_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(commands_r)
        os.close(answers_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            for reply in self._read(deadline):
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
                self.events.append(reply)

    def _read(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from Chromium")
            import select
            ready, _, _ = select.select([self.answers_r], [], [], 0.5)
            if ready:
                chunk = os.read(self.answers_r, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium went away: " + self.process.stderr.read().decode(errors="replace")[-2000:])
                self.buffer += chunk
        messages = []
        while b"\0" in self.buffer:
            raw, self.buffer = self.buffer.split(b"\0", 1)
            messages.append(json.loads(raw))
        return messages

    def wait_for(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(index)
            self.events.extend(self._read(deadline))

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.commands_w)
        os.close(self.answers_r)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """One tab: navigated, evaluated in, and watched for errors."""

    def __init__(self, browser, scripts=True):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ["Page", "Runtime", "Log"]:
            browser.send(f"{domain}.enable", session=self.session)
        browser.send("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER}, session=self.session)
        self.scripts = scripts
        if not scripts:
            browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, session=self.session)

    def open(self, url):
        self.browser.events.clear()
        self.browser.send("Page.navigate", {"url": url}, session=self.session)
        self.browser.wait_for("Page.loadEventFired", self.session)
        if not self.scripts:
            return True
        # `defer` scripts have run by the load event; give the event loop one more turn.
        return self.eval("new Promise(function (r) { setTimeout(function () { r(true); }, 50); })")

    def eval(self, expression):
        result = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def problems(self):
        """CSP violations recorded in the page, and errors Chromium logged about it."""
        found = list(self.eval("window.__violations || []") or [])
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry'].get('text')}")
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                found.append(f"console: {params.get('args')}")
        return found


def serve(directory):
    handler = functools.partial(QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


VISIBLE = "Array.from(document.querySelectorAll('#open-findings tbody tr')).filter(function (r) { return !r.hidden; })"


def visible_rows(page, field="textContent"):
    return page.eval(f"{VISIBLE}.map(function (r) {{ return r.{field}; }})")


def visible_attribute(page, name):
    return page.eval(f"{VISIBLE}.map(function (r) {{ return r.getAttribute('{name}'); }})")


def set_control(page, selector, value, event):
    page.eval(
        f"(function () {{ var c = document.querySelector('#open-findings').previousElementSibling.querySelector({json.dumps(selector)});"
        f" if (c.type === 'checkbox') {{ c.checked = {json.dumps(value)}; }} else {{ c.value = {json.dumps(value)}; }}"
        f" c.dispatchEvent(new Event({json.dumps(event)})); return true; }})()"
    )


def main(site):
    image = "postgres-secured"
    html = open(os.path.join(site, "images", f"{image}.html"), encoding="utf-8").read()
    table = html.split('id="open-findings"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr data-severity=\"(\d)\" data-kev=\"(\d)\" data-overdue=\"(\d)\" data-fix=\"(\d)\">(.*?)</tr>", table)
    check(f"the page lists open findings ({len(rows)})", len(rows) > 3, table[:500])
    kev_rows = [r for r in rows if r[1] == "1"]
    check("the demo has a finding in KEV to filter on", len(kev_rows) >= 1)

    workdir = tempfile.mkdtemp(prefix="hardline-site-")
    try:
        shutil.copytree(site, os.path.join(workdir, "site"))
        root = os.path.join(workdir, "site")
        # The negative control: the same page with an inline script, which the CSP must refuse.
        with open(os.path.join(root, "images", "inline.html"), "w", encoding="utf-8") as bad:
            bad.write(html.replace("</body>", "<script>document.title = 'inline ran';</script></body>"))
        report = open(os.path.join(site, "reports", f"{image}.html"), encoding="utf-8").read()
        with open(os.path.join(root, "reports", "inline.html"), "w", encoding="utf-8") as bad:
            bad.write(report.replace("</body>", "<script>document.title = 'inline ran';</script></body>"))
        server = serve(root)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        browser = Browser()
        try:
            run(browser, base, image, rows)
        finally:
            browser.close()
            server.shutdown()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


def run(browser, base, image, rows):
    url = f"{base}/images/{image}.html"

    plain = Page(browser, scripts=False)
    plain.open(url)
    count = plain.eval("document.querySelectorAll('#open-findings tbody tr').length")
    hidden = plain.eval("document.querySelectorAll('#open-findings tbody tr[hidden]').length")
    controls = plain.eval("document.querySelectorAll('.controls').length")
    check("without scripts every finding is a visible row and no dead control is shown",
          (count, hidden, controls) == (len(rows), 0, 0), (count, hidden, controls))

    page = Page(browser)
    page.open(url)
    problems = page.problems()
    check("the image page loads its script with no CSP violation and no error", not problems, problems)
    check("the script added the filter controls",
          page.eval("document.querySelectorAll('.controls input[type=search]').length") == 2)
    check("every row is shown at first", len(visible_rows(page)) == len(rows))

    set_control(page, "input[type=search]", "libc6", "input")
    shown = visible_rows(page)
    expected = sum(1 for r in rows if "libc6" in re.sub(r"<[^>]+>", "", r[4]).lower())
    check(f"the text filter keeps exactly the rows that mention libc6 ({expected})",
          len(shown) == expected and all("libc6" in s.lower() for s in shown), shown)
    set_control(page, "input[type=search]", "", "input")

    set_control(page, "select", "3", "change")
    severities = visible_attribute(page, "data-severity")
    expected = sum(1 for r in rows if int(r[0]) >= 3)
    check(f"the severity filter keeps HIGH and above ({expected})",
          len(severities) == expected and all(int(s) >= 3 for s in severities), severities)
    set_control(page, "select", "0", "change")

    set_control(page, "input[data-filter=kev]", True, "change")
    kev = visible_attribute(page, "data-kev")
    check("the KEV filter keeps the findings in KEV", kev == ["1"] * sum(1 for r in rows if r[1] == "1") and kev, kev)
    check("the filter is in the link", page.eval("location.hash") == "#kev=1", page.eval("location.hash"))
    shown_text = page.eval("document.querySelector('#open-findings').previousElementSibling.querySelector('[data-shown]').textContent")
    check("the count says what is shown", shown_text == f"showing {len(kev)} of {len(rows)}", shown_text)
    set_control(page, "input[data-filter=kev]", False, "change")

    set_control(page, "input[data-filter=overdue]", True, "change")
    overdue = visible_attribute(page, "data-overdue")
    check("the overdue filter keeps the overdue findings", overdue == ["1"] * sum(1 for r in rows if r[2] == "1"), overdue)
    set_control(page, "input[data-filter=overdue]", False, "change")

    set_control(page, "input[data-filter=fix]", True, "change")
    fix = visible_attribute(page, "data-fix")
    check("the fix filter keeps the fixable findings", fix == ["1"] * sum(1 for r in rows if r[3] == "1"), fix)
    set_control(page, "input[data-filter=fix]", False, "change")

    # Sorting by EPSS (column 7), highest first.
    page.eval("document.querySelector('#open-findings thead th:nth-child(7) button').click()")
    epss = page.eval("Array.from(document.querySelectorAll('#open-findings tbody tr td:nth-child(7)')).map(function (c) { return Number(c.getAttribute('data-v')); })")
    check("EPSS sorts highest first on a click", epss == sorted(epss, reverse=True) and len(epss) == len(rows), epss)
    page.eval("document.querySelector('#open-findings thead th:nth-child(7) button').click()")
    epss = page.eval("Array.from(document.querySelectorAll('#open-findings tbody tr td:nth-child(7)')).map(function (c) { return Number(c.getAttribute('data-v')); })")
    check("and lowest first on a second click", epss == sorted(epss), epss)

    linked = Page(browser)
    linked.open(f"{url}#kev=1&min=3")
    kev = visible_attribute(linked, "data-kev")
    check("a link with a filter opens filtered", kev and all(k == "1" for k in kev), kev)

    for path in ["index.html", f"images/{image}.html"]:
        fresh = Page(browser)
        fresh.open(f"{base}/{path}")
        problems = fresh.problems()
        check(f"{path}: no CSP violation, no error", not problems, problems)

    # The customer report the site publishes: its stylesheet is allowed by its hash and applies,
    # nothing is refused, and printed its tables repeat their header rows and its badges lose
    # their fill (the print stylesheet).
    report = Page(browser)
    report.open(f"{base}/reports/{image}.html")
    problems = report.problems()
    check(f"reports/{image}.html: no CSP violation, no error", not problems, problems)
    border = report.eval("getComputedStyle(document.querySelector('h2')).borderBottomStyle")
    check("the report's stylesheet applies (its hash is the one in the CSP)", border == "solid", border)
    browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=report.session)
    printed = report.eval(
        "[getComputedStyle(document.querySelector('thead')).display,"
        " getComputedStyle(document.querySelector('.sev')).backgroundColor]"
    )
    check("printed, header rows repeat and badges are outlined", printed == ["table-header-group", "rgba(0, 0, 0, 0)"], printed)
    inline_report = Page(browser)
    inline_report.open(f"{base}/reports/inline.html")
    problems = inline_report.problems()
    check("the report's CSP refuses an inline script (negative control)",
          any("script-src" in p for p in problems) and inline_report.eval("document.title") != "inline ran", problems)

    bad = Page(browser)
    bad.open(f"{base}/images/inline.html")
    problems = bad.problems()
    check("the CSP check catches an inline script (negative control)",
          any("script-src" in p for p in problems) and bad.eval("document.title") != "inline ran", problems)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
