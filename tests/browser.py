#!/usr/bin/python3
"""browser.py - the HTML report in a real browser: Debian's headless
Chromium, driven over the DevTools protocol (python3-websocket), loads the
page with the network switched off and checks that

  - no request left the page (only the file itself is fetched),
  - nothing was written to the console as an error and no exception or
    dialog happened (the Content-Security-Policy forbids any script),
  - the charts render: every svg.chart has a non-zero size and the bars
    and points inside have non-zero size too,
  - a diagnostic holding "<script>" is shown as text: the page has no
    script element, and its text holds the diagnostic,

then keeps screenshots at 375 and 1280 px wide and an A4 print to PDF.

usage: tests/browser.py PAGE.html OUTDIR NEEDLE
NEEDLE: a text the page must show as text (the hostile diagnostic).
Exit 0 when every check holds; 1 with the failures on stderr.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

PAGE, OUT, NEEDLE = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def fail(what):
    failures.append(what)
    print("FAIL: browser: " + what, file=sys.stderr)


class Tab:
    """one page target over the DevTools protocol"""

    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=30)
        self.seq = 0
        self.events = []

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method,
                                 "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.seq:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.events.append(msg)

    def wait(self, method, seconds=20):
        end = time.time() + seconds
        while time.time() < end:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.ws.settimeout(max(0.1, end - time.time()))
            try:
                self.events.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                break
        return None


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("browser.py: no chromium (scripts/deps.sh installs it)")


def main():
    os.makedirs(OUT, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="rebound-chromium.")
    proc = subprocess.Popen(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--no-first-run", "--no-default-browser-check",
         "--user-data-dir=" + profile, "--remote-debugging-port=0",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(200):
            if os.path.exists(port_file) and os.path.getsize(port_file):
                break
            time.sleep(0.05)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(
            "http://127.0.0.1:%s/json/list" % port, timeout=10))
        page = [t for t in targets if t["type"] == "page"][0]
        tab = Tab(page["webSocketDebuggerUrl"])
        check(tab)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


def check(tab):
    url = "file://" + os.path.abspath(PAGE)
    for domain in ("Page", "Runtime", "Log", "Network"):
        tab.call(domain + ".enable")
    # no network at all: a request out would fail, and is counted anyway
    tab.call("Network.emulateNetworkConditions", offline=True, latency=0,
             downloadThroughput=-1, uploadThroughput=-1)
    tab.call("Emulation.setDeviceMetricsOverride", width=1280, height=900,
             deviceScaleFactor=1, mobile=False)
    tab.call("Page.navigate", url=url)
    if tab.wait("Page.loadEventFired") is None:
        fail("the page did not load")
        return
    time.sleep(0.3)
    tab.call("Runtime.evaluate", expression="1")  # drain pending events
    for e in tab.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Network.requestWillBeSent" and \
                p["request"]["url"] != url and \
                not p["request"]["url"].startswith("data:"):
            fail("a request left the page: " + p["request"]["url"])
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            fail("console error: %r" % p.get("args"))
        if m == "Runtime.exceptionThrown":
            fail("exception: %r" % p.get("exceptionDetails"))
        if m == "Log.entryAdded" and p["entry"].get("level") == "error":
            fail("console error: " + p["entry"].get("text", ""))
        if m == "Page.javascriptDialogOpening":
            fail("a dialog opened: " + p.get("message", ""))
    probe = tab.call("Runtime.evaluate", returnByValue=True, expression="""
        JSON.stringify({
          scripts: document.querySelectorAll('script').length,
          text: document.body.innerText,
          charts: [...document.querySelectorAll('svg.chart')].map(s => {
            const r = s.getBoundingClientRect();
            const marks = [...s.querySelectorAll('rect, circle, polyline')]
              .map(m => m.getBoundingClientRect())
              .filter(b => b.width > 0 && b.height > 0).length;
            return {id: s.id, w: r.width, h: r.height, marks: marks};
          })
        })""")
    got = json.loads(probe["result"]["value"])
    if got["scripts"] != 0:
        fail("%d script element(s) in the page" % got["scripts"])
    if NEEDLE not in got["text"]:
        fail("the hostile diagnostic is not shown as text: %r" % NEEDLE)
    ids = {c["id"]: c for c in got["charts"]}
    for want in ("daily", "rate"):
        c = ids.get(want)
        if c is None:
            fail("no chart " + want)
        elif c["w"] <= 0 or c["h"] <= 0 or c["marks"] == 0:
            fail("chart %s does not render: %r" % (want, c))
    # what a person sees: a phone, a desktop, and the page on A4
    for width in (375, 1280):
        tab.call("Emulation.setDeviceMetricsOverride", width=width,
                 height=900, deviceScaleFactor=1, mobile=width < 600)
        time.sleep(0.2)
        size = tab.call("Page.getLayoutMetrics")["cssContentSize"]
        if size["width"] > width + 1:
            fail("at %d px the page is %d px wide (it scrolls sideways)"
                 % (width, size["width"]))
        shot = tab.call("Page.captureScreenshot", format="png",
                        captureBeyondViewport=True,
                        clip={"x": 0, "y": 0, "width": width,
                              "height": size["height"], "scale": 1})
        with open(os.path.join(OUT, "report-%d.png" % width), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    pdf = tab.call("Page.printToPDF", paperWidth=8.27, paperHeight=11.69,
                   printBackground=True, preferCSSPageSize=True)
    data = base64.b64decode(pdf["data"])
    if not data.startswith(b"%PDF") or len(data) < 2000:
        fail("the A4 print is not a PDF")
    with open(os.path.join(OUT, "report-a4.pdf"), "wb") as f:
        f.write(data)


main()
sys.exit(1 if failures else 0)
