#!/usr/bin/env python3
"""responder.py - a receiving SMTP server for tests/mta/: it answers each
RCPT TO with the reply its local part names, so that a real MTA in front
of it writes the bounces and delay notices it writes for that reply.

usage: tests/mta/responder.py PORT

The local part (before "@") picks the reply from REPLIES below; any other
is accepted.  A recipient whose reply is 2xx gets the message (DATA is
then accepted and thrown away).  Writes nothing; logs to stderr.
"""
import socketserver
import sys

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
}


class Session(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())

    def handle(self):
        self.reply("220 dest.example ESMTP responder")
        accepted = 0
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 dest.example")
            elif verb == "MAIL":
                accepted = 0
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                addr = cmd.split(":", 1)[1].strip().strip("<>").split(">")[0]
                local = addr.split("@")[0].lower()
                if local in REPLIES:
                    self.reply(REPLIES[local].format(a=addr))
                else:
                    accepted += 1
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if not accepted:
                    self.reply("554 5.5.1 Error: no valid recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                self.reply("250 2.0.0 Ok: queued")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            elif verb == "RSET":
                self.reply("250 2.0.0 Ok")
            else:
                self.reply("502 5.5.2 Error: command not recognized")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True


Server(("127.0.0.1", int(sys.argv[1])), Session).serve_forever()
