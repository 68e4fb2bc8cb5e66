#!/usr/bin/env python3
"""Compares defender-scan's JSON decisions with loggen's ground truth.

usage: evaluate.py TRUTH.tsv DECISIONS.jsonl
Prints one line per missed attacker or falsely banned client, then a summary
line 'evaluate: N attackers, N caught by their scenario, N late, N missed,
N false bans; precision P, recall R' (precision: banned attackers over banned
clients; recall: banned attackers over attackers). Exit 1 if any attacker was missed or late, or any benign client banned.
"""
import ipaddress
import json
import sys
from datetime import datetime, timezone

# How long after its first request an attacker may take to be caught.
ALLOWED_DELAY_S = {"http-generic-bf-slow": 900, "http-bf-login-slow": 3600}
DEFAULT_DELAY_S = 60


def key(text):
    """An address or a /64, as the decision's value would write it."""
    if "/" in text:
        return str(ipaddress.ip_network(text, strict=False))
    return str(ipaddress.ip_address(text))


def main():
    truth = {}
    for line in open(sys.argv[1]):
        client, scenario, start = line.rstrip("\n").split("\t")
        truth[key(client)] = (scenario, int(start))
    alerts = {}  # client -> {scenario: first time}
    bans = {}
    for line in open(sys.argv[2]):
        d = json.loads(line)
        if d.get("event", {}).get("action") not in ("ban", "detect"):
            continue
        ip = d["source"]["ip"]
        addr = ipaddress.ip_address(ip)
        client = str(addr) if addr.version == 4 else str(ipaddress.ip_network(f"{ip}/64", strict=False))
        t = datetime.strptime(d["@timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
        alerts.setdefault(client, {}).setdefault(d["rule"]["name"], t)
        if d["event"]["action"] == "ban":
            bans.setdefault(client, d["rule"]["name"])
    caught = late = missed = 0
    for client, (scenario, start) in sorted(truth.items()):
        seen = alerts.get(client, {})
        if client not in bans or scenario not in seen:
            missed += 1
            print(f"missed: {client} ({scenario}); alerts: {sorted(seen)}")
            continue
        delay = seen[scenario] - start
        if delay > ALLOWED_DELAY_S.get(scenario, DEFAULT_DELAY_S):
            late += 1
            print(f"late: {client} ({scenario}) after {delay:.0f} s")
        else:
            caught += 1
    false_bans = [c for c in bans if c not in truth]
    for c in false_bans:
        print(f"false ban: {c} by {bans[c]}")
    banned_attackers = sum(1 for c in truth if c in bans)
    precision = banned_attackers / len(bans) if bans else 1.0
    recall = banned_attackers / len(truth) if truth else 1.0
    print(f"evaluate: {len(truth)} attackers, {caught} caught by their scenario, {late} late, "
          f"{missed} missed, {len(false_bans)} false bans; precision {precision:.3f}, recall {recall:.3f}")
    return 1 if missed or late or false_bans else 0


if __name__ == "__main__":
    sys.exit(main())
