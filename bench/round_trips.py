#!/usr/bin/env python3
"""Sequential round trips of one run, from the request logs of its bench servers (--request-log).

    round_trips.py LOG...          prints "round_trips N", then one longest chain, a request a line

A chain is a list of requests r1, r2, ... where each arrived after the previous one's response
was sent: each had to wait for the one before it. Requests that overlap in time are not in one
chain, so the length of the longest chain is the number of round trips a client pays for in a
row however many requests it makes in parallel. The servers share the machine's steady clock.
Lines name a request by service, operation, method and path; the logs carry no query string, so
no SAS or other secret.
"""
import json
import sys


def load(paths):
    reqs = []
    for path in paths:
        with open(path) as f:
            reqs.extend(json.loads(line) for line in f if line.strip())
    return sorted(reqs, key=lambda r: (r["start_us"], r["end_us"]))


def longest_chain(reqs):
    # Longest path in the "j starts after i ended" order, by start time: O(n^2), n is small.
    best = [1] * len(reqs)
    prev = [-1] * len(reqs)
    for j, rj in enumerate(reqs):
        for i in range(j):
            if reqs[i]["end_us"] <= rj["start_us"] and best[i] + 1 > best[j]:
                best[j], prev[j] = best[i] + 1, i
    if not reqs:
        return []
    k = max(range(len(reqs)), key=lambda n: best[n])
    chain = []
    while k >= 0:
        chain.append(reqs[k])
        k = prev[k]
    return chain[::-1]


def main():
    reqs = load(sys.argv[1:])
    chain = longest_chain(reqs)
    print(f"round_trips {len(chain)} requests {len(reqs)}")
    t0 = reqs[0]["start_us"] if reqs else 0
    for n, r in enumerate(chain, 1):
        print(f"{n}\t{r['service']}\t{r['op']}\t{r['method']} {r['path']}\t"
              f"+{(r['start_us'] - t0) / 1000:.1f}..{(r['end_us'] - t0) / 1000:.1f} ms")


if __name__ == "__main__":
    main()
