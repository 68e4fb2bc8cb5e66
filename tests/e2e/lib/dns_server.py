#!/usr/bin/env python3
"""A minimal authoritative DNS responder for tests, on UDP 127.0.0.1:53.

usage: dns_server.py RECORDS_FILE READY_FILE
RECORDS_FILE lines: 'NAME TYPE VALUE' with TYPE PTR, A or AAAA, e.g.
  79.113.0.203.in-addr.arpa PTR crawl-spoof.googlebot.com
  crawl-spoof.googlebot.com A 66.249.66.2
Any other question gets NXDOMAIN. Touches READY_FILE once listening.
"""
import ipaddress
import socket
import struct
import sys

TYPES = {"A": 1, "PTR": 12, "AAAA": 28}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rdata(rtype, value):
    if rtype == "A":
        return ipaddress.IPv4Address(value).packed
    if rtype == "AAAA":
        return ipaddress.IPv6Address(value).packed
    return encode_name(value)


def main():
    records = {}
    for line in open(sys.argv[1]):
        if line.strip():
            name, rtype, value = line.split()
            records.setdefault((name.lower().rstrip("."), TYPES[rtype]), []).append((rtype, value))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 53))
    open(sys.argv[2], "w").close()
    while True:
        query, peer = sock.recvfrom(512)
        qid, _flags, qdcount = struct.unpack(">HHH", query[:6])
        if qdcount != 1:
            continue
        pos, labels = 12, []
        while query[pos]:
            labels.append(query[pos + 1:pos + 1 + query[pos]].decode(errors="replace"))
            pos += 1 + query[pos]
        qtype = struct.unpack(">H", query[pos + 1:pos + 3])[0]
        question = query[12:pos + 5]
        answers = records.get((".".join(labels).lower(), qtype), [])
        flags = 0x8400 | (0 if answers else 3)  # response, authoritative; NXDOMAIN if none
        reply = struct.pack(">HHHHHH", qid, flags, 1, len(answers), 0, 0) + question
        for rtype, value in answers:
            data = rdata(rtype, value)
            reply += b"\xc0\x0c" + struct.pack(">HHIH", TYPES[rtype], 1, 60, len(data)) + data
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
