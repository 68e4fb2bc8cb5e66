#!/usr/bin/env python3
"""Sends N malformed, oversized or slow requests to defender-scan serve while
another thread keeps asking /api/check about a banned and an unbanned
client. Prints one line of counts; exits 1 if any check was answered wrong
or not at all.

usage: abuse.py PORT BANNED_IP FREE_IP [N]
"""
import random
import resource
import socket
import sys
import threading
import time

port, banned, free = int(sys.argv[1]), sys.argv[2], sys.argv[3]
total = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
rng = random.Random(42)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def junk(i):
    """The i-th bad request: bytes to send, and whether to dribble them slowly."""
    kind = i % 12
    if kind == 0:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2000))), False
    if kind == 1:  # a header far over the limit
        return b"GET /api/check HTTP/1.1\r\nHost: x\r\nX-Junk: " + b"a" * 20000 + b"\r\n\r\n", False
    if kind == 2:  # a body over the limit
        return (b"POST /api/block HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n" + b"{" * 70000), False
    if kind == 3:  # JSON that is not
        body = rng.choice([b"{", b"[1,2", b'{"ip":', b"\xff\xfe", b'{"ip":"1.2.3.4"', b"null"])
        return b"POST /api/block HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body, False
    if kind == 4:  # addresses that are not
        ip = rng.choice(["1.2.3.4;} include /etc/passwd;", "localhost", "0.0.0.0/0", "::/0", "01.2.3.4",
                         "1.2.3.4\r\nX: y", "$(reboot)", "a" * 300, "127.0.0.1", "::1"])
        body = ('{"ip":"%s","duration":"1h"}' % ip.replace("\r\n", "\\r\\n")).encode()
        return b"POST /api/block HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body, False
    if kind == 5:  # a broken request line
        return rng.choice([b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00",
                           b"GET /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n",
                           b"POST /api/analyze HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"]), False
    if kind == 6:  # slow: half a request, then silence
        return b"GET /api/check HTTP/1.1\r\nHost: x\r\nX-Real-IP: 1.2.3.4\r\n", True
    if kind == 7:  # a bad X-Real-IP
        return b"GET /api/check HTTP/1.1\r\nHost: x\r\nX-Real-IP: 999.1.1.1\r\nConnection: close\r\n\r\n", False
    if kind == 8:  # unknown endpoint and method
        return rng.choice([b"PUT /api/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                           b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                           b"DELETE /api/block/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]), False
    if kind == 9:  # many headers
        return b"GET /api/check HTTP/1.1\r\n" + b"X-A: b\r\n" * 3000 + b"\r\n", False
    if kind == 10:  # an analyze line that does not parse
        body = b'{"log_entry":"\\u0000 not a log line"}'
        return b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(
            body) + body, False
    return b"\r\n" * rng.randint(1, 50), False  # only blank lines


def send(i, held):
    data, slow = junk(i)
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(data)
        if slow:
            held.append(s)  # left open; the server must time it out
            return
        s.shutdown(socket.SHUT_WR)  # no more requests on this connection
        s.settimeout(5)
        try:
            while s.recv(65536):
                pass
        except OSError:
            pass
        s.close()
    except OSError:
        pass  # the server may close on us mid-send: that is fine


def check(ip):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /api/check HTTP/1.1\r\nHost: x\r\nX-Real-IP: %s\r\nConnection: close\r\n\r\n" % ip.encode())
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    s.close()
    return answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/1.1 ") else b"none"


wrong = []
checks = [0]
done = threading.Event()


def checker():
    while not done.is_set():
        for ip, want in ((banned, b"403"), (free, b"200")):
            try:
                got = check(ip)
            except OSError as e:
                got = str(e).encode()
            checks[0] += 1
            if got != want:
                wrong.append((ip, got))
        time.sleep(0.01)


held = []
t = threading.Thread(target=checker)
t.start()
start = time.time()
workers = []
lock = threading.Lock()
next_i = [0]


def worker():
    while True:
        with lock:
            i = next_i[0]
            next_i[0] += 1
        if i >= total:
            return
        send(i, held)


for _ in range(32):
    w = threading.Thread(target=worker)
    w.start()
    workers.append(w)
for w in workers:
    w.join()
done.set()
t.join()
# The server closes a connection whose request does not come in time.
timed_out = 0
for s in held[:20]:
    s.settimeout(15)
    try:
        timed_out += s.recv(100) == b""
    except OSError:
        pass
for s in held:
    s.close()
print("abuse: %d bad requests (%d held open, %d of 20 closed by the server) in %.1f s; %d checks during them, %d wrong %s" %
      (total, len(held), timed_out, time.time() - start, checks[0], len(wrong), wrong[:5]))
sys.exit(1 if wrong or checks[0] == 0 or timed_out != 20 else 0)
