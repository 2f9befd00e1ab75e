#!/usr/bin/env python3
"""hostile.py - a misbehaving IMAP or POP3 server over TLS, for the tests.

usage: hostile.py MODE PORT CERT KEY READY

Listens on 127.0.0.1:PORT and writes READY once it does.  Every connection
is served the same way: a dialogue just good enough to reach the point where
MODE misbehaves.  The server stops by itself after 60 seconds, whatever
happens, and never sends anywhere but to the client that connected.

IMAP modes:
  endless-greeting   the greeting line never ends
  endless-untagged   LOGIN is answered by untagged lines that never stop
  huge-literal       the body is announced as a 4 GB literal, then streamed
  trickle            the body arrives one byte every half second
  garbage            the body FETCH answer is malformed
POP3 modes:
  pop3-endless-list  LIST never ends
  pop3-endless-retr  RETR sends header lines forever
  pop3-endless-retr-pipelined  the same from a server that announces
                     PIPELINING (RETRs are sent in groups)
"""
import socket
import ssl
import sys
import threading
import time

LIFETIME = 60
END = time.time() + LIFETIME


def readline(conn):
    """One command line from the client, without its CRLF."""
    buf = b''
    while not buf.endswith(b'\n'):
        b = conn.recv(1)
        if not b:
            raise EOFError
        buf += b
        if len(buf) > 65536:
            raise EOFError
    return buf.decode('latin-1').strip()


def flood(conn, chunk):
    """Send chunk again and again until the client goes or time is up."""
    while time.time() < END:
        conn.sendall(chunk)


def trickle(conn, data):
    """Send data one byte every half second."""
    for i in range(len(data)):
        if time.time() >= END:
            return
        conn.sendall(data[i:i + 1])
        time.sleep(0.5)


def imap(conn, mode):
    if mode == 'endless-greeting':
        conn.sendall(b'* OK ')
        flood(conn, b'A' * 65536)
        return
    conn.sendall(b'* OK [CAPABILITY IMAP4rev1] hostile server ready\r\n')
    while True:
        line = readline(conn)
        words = line.split(' ')
        tag = words[0]
        cmd = words[1].upper() if len(words) > 1 else ''
        sub = words[2].upper() if len(words) > 2 else ''

        def ok(untagged=b''):
            conn.sendall(untagged + tag.encode() + b' OK done\r\n')

        if cmd == 'CAPABILITY':
            ok(b'* CAPABILITY IMAP4rev1\r\n')
        elif cmd == 'LOGIN':
            if mode == 'endless-untagged':
                flood(conn, b'* OK still thinking about it\r\n' * 1024)
                return
            ok()
        elif cmd in ('SELECT', 'EXAMINE'):
            ok(b'* 1 EXISTS\r\n* 0 RECENT\r\n'
               b'* OK [UIDVALIDITY 7] valid\r\n* OK [UIDNEXT 2] next\r\n')
        elif cmd == 'UID' and sub == 'SEARCH':
            ok(b'* SEARCH 1\r\n')
        elif cmd == 'UID' and sub == 'FETCH' and 'RFC822.SIZE' in line.upper():
            ok(b'* 1 FETCH (UID 1 RFC822.SIZE 120)\r\n')
        elif cmd == 'UID' and sub == 'FETCH':
            if mode == 'huge-literal':
                conn.sendall(b'* 1 FETCH (UID 1 BODY[] {4000000000}\r\n')
                flood(conn, b'x' * 65536)
                return
            if mode == 'trickle':
                conn.sendall(b'* 1 FETCH (UID 1 BODY[] {120}\r\n')
                trickle(conn, b'y' * 120)
                return
            # garbage: not IMAP at all, then a tagged OK
            ok(b'* 1 FETCH (UID 1 BODY[] ((((( \x00\xff\x7f )))\r\n'
               b'* 1 FETCH {99999999999999999999}\r\n')
        elif cmd == 'LOGOUT':
            conn.sendall(b'* BYE\r\n' + tag.encode() + b' OK bye\r\n')
            return
        else:
            conn.sendall(tag.encode() + b' BAD what\r\n')


def pop3(conn, mode):
    conn.sendall(b'+OK hostile server ready\r\n')
    while True:
        cmd = readline(conn).split(' ')[0].upper()
        if cmd in ('USER', 'PASS', 'NOOP', 'DELE', 'RSET'):
            conn.sendall(b'+OK\r\n')
        elif cmd == 'CAPA' and mode.endswith('-pipelined'):
            conn.sendall(b'+OK\r\nUIDL\r\nPIPELINING\r\n.\r\n')
        elif cmd == 'STAT':
            conn.sendall(b'+OK 1 120\r\n')
        elif cmd == 'LIST':
            if mode == 'pop3-endless-list':
                conn.sendall(b'+OK\r\n')
                flood(conn, b'1 120\r\n' * 8192)
                return
            conn.sendall(b'+OK\r\n1 120\r\n.\r\n')
        elif cmd == 'UIDL':
            conn.sendall(b'+OK\r\n1 hostile-1\r\n.\r\n')
        elif cmd == 'RETR':
            conn.sendall(b'+OK\r\n')
            flood(conn, b'X-Junk: never ending\r\n' * 2048)
            return
        elif cmd == 'QUIT':
            conn.sendall(b'+OK bye\r\n')
            return
        else:
            conn.sendall(b'-ERR what\r\n')


def serve(raw, ctx, mode):
    try:
        with ctx.wrap_socket(raw, server_side=True) as conn:
            conn.settimeout(LIFETIME)
            (pop3 if mode.startswith('pop3-') else imap)(conn, mode)
    except (OSError, EOFError, ssl.SSLError):
        pass            # the client gave up: that is the point


def main():
    mode, port, cert, key, ready = sys.argv[1:6]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', int(port)))
    srv.listen(4)
    srv.settimeout(1)
    with open(ready, 'w') as f:
        f.write(port + '\n')
    while time.time() < END:
        try:
            raw, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(raw, ctx, mode),
                         daemon=True).start()
    srv.close()


if __name__ == '__main__':
    main()
