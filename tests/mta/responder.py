#!/usr/bin/env python3
"""responder.py - the receiving SMTP server of tests/mta/: it answers each
RCPT TO with the reply its local part names, so that a real MTA in front
of it writes the bounces and delay notices it writes for that reply; and
it takes in the reports an MTA sends back to the list's domain.

usage: tests/mta/responder.py MBOX ADDR:PORT...

The local part (before "@") picks the reply from REPLIES (answered to
RCPT TO) or DATA_REPLIES (RCPT TO accepted, the reply given at the end of
DATA, as content filters and DMARC checks do); any other is accepted and
the message thrown away.  Mail to the list's domain (lists.example.com)
is appended to MBOX: that is where MTAs that relay their reports by SMTP
(Sendmail, dma, Courier) deliver them.  Logs to stderr.
"""
import socketserver
import sys
import threading
import time

LIST_DOMAIN = "@lists.example.com"

# local part -> the reply to RCPT TO, as receivers write it
REPLIES = {
    "unknown": "550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table",
    "nocode": "550 User unknown",
    "full": "552 5.2.2 <{a}>: Mailbox full",
    "full4": "452 4.2.2 <{a}>: Mailbox full, try again later",
    "disabled": "550 5.2.1 <{a}>: The email account that you tried to reach is disabled",
    "blocked": "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.example",
    "greylist": "450 4.7.1 <{a}>: Recipient address rejected: Greylisted, try again later",
    "policy": "550 5.7.1 <{a}>: Recipient address rejected: Message rejected due to local policy",
    # Microsoft 365's Directory Based Edge Blocking: an address it does not know
    "dbeb": "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5EUR03FT.eop-EUR03.prod.protection.outlook.com]",
    "multiline": "550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 Please try double-checking the recipient's email address.",
    "relay": "554 5.7.1 <{a}>: Relay access denied",
    "moved": "550 5.1.6 <{a}>: Recipient has moved; no forwarding address known",
    "temp": "451 4.3.0 <{a}>: Temporary lookup failure",
    "toomany": "452 4.5.3 Too many recipients in this session",
    # greylisting again, for the delay notices (the MTA keeps trying)
    "delay": "450 4.2.0 <{a}>: Recipient address rejected: Greylisted for 5 minutes",
}

# local part -> the reply at the end of DATA (one such recipient a message)
DATA_REPLIES = {
    "spam": "550 5.7.1 Message rejected as spam by Content Filtering",
    "dmarc": "550-5.7.26 Unauthenticated email from lists.example.com is not accepted due to\r\n550-5.7.26 domain's DMARC policy. Please contact the administrator of\r\n550 5.7.26 lists.example.com domain if this was a legitimate mail.",
    "size": "552 5.3.4 Message size exceeds fixed maximum message size",
    "ratelimit": "421-4.7.28 Our system has detected an unusual rate of unsolicited mail\r\n421 4.7.28 originating from your IP address. Try again later.",
}

MBOX_LOCK = threading.Lock()


class Session(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())

    def handle(self):
        self.reply("220 dest.example ESMTP responder")
        rcpts = []
        sender = ""
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 dest.example")
            elif verb == "MAIL":
                rcpts = []
                sender = cmd.split(":", 1)[1].strip().split(" ")[0].strip("<>")
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                addr = cmd.split(":", 1)[1].strip().strip("<>").split(">")[0]
                local = addr.split("@")[0].lower()
                if local in REPLIES and not addr.lower().endswith(LIST_DOMAIN):
                    self.reply(REPLIES[local].format(a=addr))
                else:
                    rcpts.append(addr)
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("554 5.5.1 Error: no valid recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    if chunk.startswith(b".."):
                        chunk = chunk[1:]
                    data.append(chunk.replace(b"\r\n", b"\n"))
                self.data(sender, rcpts, data)
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            elif verb == "RSET":
                rcpts = []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            else:
                self.reply("502 5.5.2 Error: command not recognized")

    def data(self, sender, rcpts, data):
        """the reply to a whole message: the first DATA_REPLIES recipient
        decides; mail to the list's domain goes into the mbox"""
        for r in rcpts:
            local = r.split("@")[0].lower()
            if local in DATA_REPLIES and not r.lower().endswith(LIST_DOMAIN):
                self.reply(DATA_REPLIES[local])
                return
        if any(r.lower().endswith(LIST_DOMAIN) for r in rcpts):
            with MBOX_LOCK, open(sys.argv[1], "ab") as f:
                f.write(b"From MAILER-DAEMON " +
                        time.asctime().encode() + b"\n")
                for chunk in data:
                    if chunk.lstrip(b">").startswith(b"From "):
                        chunk = b">" + chunk
                    f.write(chunk)
                f.write(b"\n")
        self.reply("250 2.0.0 Ok: queued")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


for spec in sys.argv[2:]:
    host, port = spec.rsplit(":", 1)
    srv = Server((host, int(port)), Session)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
threading.Event().wait()
