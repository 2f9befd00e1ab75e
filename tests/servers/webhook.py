#!/usr/bin/env python3
"""webhook.py - a receiver for rebound's http connector, for the tests.

usage: tests/servers/webhook.py PORT DIR SECRET

Listens on 127.0.0.1:PORT.  Each POST is appended to DIR/received.jsonl as
one JSON object: path, the Idempotency-Key, whether the X-Rebound-Signature
is right for SECRET over "TIMESTAMP.BODY" (and the timestamp within five
minutes), whether the key was seen before, the body.  What to answer comes
from DIR/plan, one line per request, consumed in order: "STATUS [DELAY]"
(seconds to wait before answering); once it is empty, 200.  A request
that is answered 2xx sets the state its body names in DIR/state.json
(address -> state), as a list manager would: a second delivery of the
same key changes nothing.  Writes DIR/port once it listens.
"""
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, DIR, SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
LOCK = threading.Lock()
SEEN = set()
STATE = {}


def next_plan():
    """The next line of DIR/plan (removed), or None."""
    path = os.path.join(DIR, "plan")
    with LOCK:
        try:
            with open(path) as f:
                lines = [l for l in f.read().splitlines() if l.strip()]
        except FileNotFoundError:
            return None
        if not lines:
            return None
        with open(path, "w") as f:
            f.write("\n".join(lines[1:]) + ("\n" if lines[1:] else ""))
        return lines[0].split()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # connections kept alive, as rebound asks
    disable_nagle_algorithm = True  # or each answer waits for an ACK

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        ts = self.headers.get("X-Rebound-Timestamp", "")
        sig = self.headers.get("X-Rebound-Signature", "")
        want = "sha256=" + hmac.new(SECRET, ts.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300
        key = self.headers.get("Idempotency-Key", "")
        plan = next_plan()
        status = int(plan[0]) if plan else 200
        delay = float(plan[1]) if plan and len(plan) > 1 else 0
        signature_ok = hmac.compare_digest(sig, want) and fresh
        if not signature_ok:
            status = 401
        with LOCK:
            duplicate = key in SEEN
            entry = {"path": self.path, "key": key, "status": status,
                     "signature_ok": signature_ok,
                     "duplicate": duplicate,
                     "body": json.loads(body or b"null")}
            with open(os.path.join(DIR, "received.jsonl"), "a") as f:
                f.write(json.dumps(entry) + "\n")
        time.sleep(delay)
        if 200 <= status < 300:
            with LOCK:
                SEEN.add(key)
                b = entry["body"]
                if not duplicate and b.get("event") in ("suppress",
                                                         "unsuppress"):
                    STATE[b["address"] + " " + str(b.get("list"))] = \
                        b["state"]
                with open(os.path.join(DIR, "state.json"), "w") as f:
                    json.dump(STATE, f, sort_keys=True)
        try:
            reply = b"ok\n" if status < 300 else b"no\n"
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
        except BrokenPipeError:
            pass  # the client was killed (tests/notify.sh does that)


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
with open(os.path.join(DIR, "port"), "w") as f:
    f.write(str(PORT))
server.serve_forever()
