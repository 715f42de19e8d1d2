#!/usr/bin/env python3
"""Turns bench/run.sh's raw.tsv (+ startup.json, + the round-trip rows' round_trips.tsv) into the
markdown table. Usage:
report.py RAW_TSV STARTUP_JSON SIZE AZ_SIZE RCLONE_CHUNK COMMIT [ROUND_TRIPS_TSV]"""
import csv
import json
import os
import platform
import statistics
import subprocess
import sys

raw, startup, size, az_size, rclone_chunk, commit = sys.argv[1:7]
round_trips_tsv = sys.argv[7] if len(sys.argv) > 7 else ""
latency_ms = os.environ.get("BENCH_LATENCY_MS", "20")
rows = list(csv.DictReader(open(raw), delimiter="\t"))

LABELS = {
    "curl": "curl -o /dev/null (ceiling, download only)",
    "pe-dfs": "pigment-export -> discard (DFS API)",
    "pe-blob": "pigment-export -> discard (Blob API)",
    "rclone": f"curl \\| rclone rcat -> discard (Blob API, chunk {rclone_chunk})",
    "pe-file": "pigment-export -> local file (/dev/shm)",
    "pe-azurite": f"pigment-export -> Azurite (Blob API, {az_size})",
    "verify-pe-dfs": "MD5 pass: pigment-export -> discard --md5 (DFS)",
    "verify-pe-blob": "MD5 pass: pigment-export -> discard --md5 (Blob)",
    "verify-rclone": "MD5 pass: rclone -> discard --md5 (Blob)",
    "verify-pe-gzip": "decompression pass: pigment-export --compress gzip -> local file, gzip -t + MD5 of gzip -dc",
    "verify-pe-zstd": "decompression pass: pigment-export --compress zstd -> local file, zstd -t + MD5 of zstd -dc",
    "scale-1x": "memory scaling: pigment-export -> discard (DFS), 1x",
    "scale-8x": "memory scaling: pigment-export -> discard (DFS), 8x (generated on the fly)",
}


def agg(name):
    rs = [r for r in rows if r["name"] == name]
    if not rs:
        return None
    walls = [float(r["wall_s"]) for r in rs]
    cpus = [float(r["user_s"]) + float(r["sys_s"]) for r in rs]
    nbytes = int(rs[0]["bytes"])
    mbps = [nbytes / 1e6 / w for w in walls]
    firsts = [float(r["first_append_ms"]) for r in rs if r["first_append_ms"] not in ("-", "")]
    return {
        "n": len(rs),
        "bytes": nbytes,
        "mbps": statistics.median(mbps),
        "mbps_range": (min(mbps), max(mbps)),
        "wall": statistics.median(walls),
        "cpu_gib": statistics.median([c / (nbytes / 2**30) for c in cpus]),
        "rss_mib": max(int(r["rss_kib"]) for r in rs) / 1024,
        "rss_med": statistics.median(int(r["rss_kib"]) for r in rs) / 1024,
        "checks": sorted(set(r["check"] for r in rs)),
        "first_ms": statistics.median(firsts) if firsts else None,
    }


COMPRESSED = {
    "pe-gzip": "pigment-export --compress gzip (level 1) -> discard (Blob)",
    "pe-zstd": "pigment-export --compress zstd (level 1) -> discard (Blob)",
    "pigz": f"curl \\| pigz -1 \\| rclone rcat -> discard (Blob, chunk {rclone_chunk})",
    "gzip1": f"curl \\| gzip -1 \\| rclone rcat -> discard (Blob, chunk {rclone_chunk})",
    "zstd1": f"curl \\| zstd -1 -T2 \\| rclone rcat -> discard (Blob, chunk {rclone_chunk})",
}


def stored(name):
    sizes = [int(r["stored_bytes"]) for r in rows if r["name"] == name and r.get("stored_bytes", "-") not in ("-", "", None)]
    return statistics.median(sizes) if sizes else None


def fmt_size(b):
    return f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


out = []
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1"], capture_output=True, text=True).stdout.strip()
out.append(f"pigment-export {commit}, default settings unless noted. Machine: {os.cpu_count()} cores, {cpu}, kernel {platform.release()}; load average at report time "
           f"{open('/proc/loadavg').read().split()[:3]}")
md5_speed = os.environ.get("BENCH_MD5_SPEED", "").split()
if len(md5_speed) == 2:
    out.append("")
    out.append(f"OpenSSL MD5 on this CPU (`openssl speed -evp md5`, 4 MiB blocks) before / after the runs: {md5_speed[0]} / "
               f"{md5_speed[1]} MB/s — the tool's serial floor, and how fast this shared CPU was at the time.")
out.append("")
out.append("| Transfer | size | runs | MB/s (median) | MB/s min–max | wall s | CPU s/GiB (user+sys) | peak RSS MiB (max) | first append/block after first byte | check |")
out.append("|---|---|---|---|---|---|---|---|---|---|")
stats = {}
for name in LABELS:
    a = agg(name)
    if a is None:
        continue
    stats[name] = a
    first = f"{a['first_ms']:.0f} ms" if a["first_ms"] is not None else "–"
    out.append(f"| {LABELS[name]} | {fmt_size(a['bytes'])} | {a['n']} | **{a['mbps']:.0f}** | {a['mbps_range'][0]:.0f}–{a['mbps_range'][1]:.0f} "
               f"| {a['wall']:.2f} | {a['cpu_gib']:.2f} | {a['rss_mib']:.1f} | {first} | {', '.join(a['checks'])} |")
out.append("")


def ratio(a, b):
    if a in stats and b in stats:
        return f"{stats[a]['mbps'] / stats[b]['mbps']:.2f}x"
    return "n/a"


out.append("Ratios of median throughput (same run, same data, same discard endpoint):")
out.append("")
out.append(f"- pigment-export (DFS) / curl: {ratio('pe-dfs', 'curl')}; (Blob) / curl: {ratio('pe-blob', 'curl')}")
out.append(f"- pigment-export (DFS) / rclone: {ratio('pe-dfs', 'rclone')}; (Blob) / rclone: {ratio('pe-blob', 'rclone')}")
out.append("")

cstats = {}
if any(agg(n) for n in COMPRESSED):
    out.append("Compressed (MB/s of CSV in; ratio = CSV bytes / stored bytes; peak RSS of the largest process of a pipeline):")
    out.append("")
    out.append("| Transfer | CSV size | runs | MB/s of CSV (median) | MB/s min–max | stored MiB | ratio | CPU s/GiB of CSV | peak RSS MiB (max) | check |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for name, label in COMPRESSED.items():
        a = agg(name)
        if a is None:
            continue
        a["stored"] = stored(name)
        cstats[name] = a
        st = f"{a['stored'] / 2**20:.1f}" if a["stored"] else "–"
        rt = f"{a['bytes'] / a['stored']:.2f}" if a["stored"] else "–"
        out.append(f"| {label} | {fmt_size(a['bytes'])} | {a['n']} | **{a['mbps']:.0f}** | {a['mbps_range'][0]:.0f}–{a['mbps_range'][1]:.0f} "
                   f"| {st} | {rt} | {a['cpu_gib']:.2f} | {a['rss_mib']:.1f} | {', '.join(a['checks'])} |")
    gz6 = stored("gzip6")
    if gz6:
        out.append(f"| reference: gzip -6 of the same CSV (untimed) | | | | | {gz6 / 2**20:.1f} | {int(rows[0]['bytes']) / gz6:.2f} | | | |")
    out.append("")


LATENCY = {
    "pe-dfs-lat": ("pe-dfs", f"pigment-export -> discard (DFS API), {latency_ms} ms per request on source and sink"),
    "pe-blob-lat": ("pe-blob", f"pigment-export -> discard (Blob API), {latency_ms} ms per request on source and sink"),
}
COLD = {
    "cold-dfs": f"cold start, managed identity + Key Vault + DFS, {latency_ms} ms per request on every server",
    "cold-blob": f"cold start, managed identity + Key Vault + Blob, {latency_ms} ms per request on every server",
}


def chains():
    """name -> [(run, round_trips, requests, chain lines)] from round_trips.tsv and its chain files."""
    out = {}
    if not round_trips_tsv or not os.path.exists(round_trips_tsv):
        return out
    for name, run, path in csv.reader(open(round_trips_tsv), delimiter="\t"):
        lines = open(path).read().splitlines()
        head = lines[0].split() if lines else []
        if len(head) == 4 and head[0] == "round_trips":
            out.setdefault(name, []).append((run, int(head[1]), int(head[3]), lines[1:]))
    return out


def span(values):
    if not values:
        return "–"
    return str(values[0]) if min(values) == max(values) else f"{min(values)}–{max(values)}"


lstats = {}
if any(agg(n) for n in LATENCY):
    out.append(f"Latency ({latency_ms} ms before every response head; same run, alternating with the rows without latency):")
    out.append("")
    out.append("| Transfer | size | runs | MB/s (median) | MB/s min–max | wall s | / no latency | CPU s/GiB | peak RSS MiB (max) | check |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for name, (base, label) in LATENCY.items():
        a = agg(name)
        if a is None:
            continue
        a["vs"] = a["mbps"] / stats[base]["mbps"] if base in stats else None
        lstats[name] = a
        vs = f"{a['vs']:.2f}x" if a["vs"] is not None else "n/a"
        out.append(f"| {label} | {fmt_size(a['bytes'])} | {a['n']} | **{a['mbps']:.0f}** | {a['mbps_range'][0]:.0f}–{a['mbps_range'][1]:.0f} "
                   f"| {a['wall']:.2f} | {vs} | {a['cpu_gib']:.2f} | {a['rss_mib']:.1f} | {', '.join(a['checks'])} |")
    out.append("")

cold_chains = chains()
if any(agg(n) for n in COLD):
    out.append("Cold start (a new process: tokens, secret, export and commit; round trips = the longest chain of requests "
               "each made after the previous one was answered, from the servers' request logs):")
    out.append("")
    out.append("| Transfer | size | runs | wall s (median) | wall s min–max | sequential round trips | requests | check |")
    out.append("|---|---|---|---|---|---|---|---|")
    for name, label in COLD.items():
        a = agg(name)
        if a is None:
            continue
        walls = [float(r["wall_s"]) for r in rows if r["name"] == name]
        trips = [c[1] for c in cold_chains.get(name, [])]
        reqs = [c[2] for c in cold_chains.get(name, [])]
        out.append(f"| {label} | {fmt_size(a['bytes'])} | {a['n']} | **{a['wall']:.3f}** | {min(walls):.3f}–{max(walls):.3f} "
                   f"| **{span(trips)}** | {span(reqs)} | {', '.join(a['checks'])} |")
    out.append("")
    for name in COLD:
        for run, trips, _, lines in cold_chains.get(name, [])[:1]:
            out.append(f"Longest chain, {name} (run {run}, {trips} round trips):")
            out.append("")
            out.append("```")
            out.extend(lines)
            out.append("```")
            out.append("")


def ctarget(ours, peer, speed, size_ref, size_factor, size_label):
    if ours not in cstats:
        return None
    a = cstats[ours]
    parts = [f"- {ours}: {a['mbps']:.0f} MB/s of CSV"]
    if a["checks"] != ["ok"]:
        parts.append(f"checks {', '.join(a['checks'])}: FAIL")
    if peer in cstats:
        r = a["mbps"] / cstats[peer]["mbps"]
        parts.append(f"{r:.2f}x {peer} (target ≥{speed}x) {'PASS' if r >= speed else 'FAIL'}")
    ref = stored(size_ref)
    if ref and a["stored"]:
        q = a["stored"] / ref
        parts.append(f"stored {q:.3f}x {size_label} (target ≤{size_factor}x) {'PASS' if q <= size_factor else 'FAIL'}")
    parts.append(f"peak RSS {a['rss_mib']:.1f} MiB (target ≤64) {'PASS' if a['rss_mib'] <= 64 else 'FAIL'}")
    return "; ".join(parts)


# Targets from issue 6.
targets = []
for name in ("pe-dfs", "pe-blob"):
    if name in stats:
        s = stats[name]
        r = s["mbps"] / stats["rclone"]["mbps"] if "rclone" in stats else 0
        targets.append(f"- {name}: throughput {s['mbps']:.0f} MB/s (target 600–650, ≥2.4x rclone: {r:.2f}x) "
                       f"{'PASS' if r >= 2.4 else 'FAIL'}; CPU {s['cpu_gib']:.2f} s/GiB (target ≤2.5) "
                       f"{'PASS' if s['cpu_gib'] <= 2.5 else 'FAIL'}; peak RSS {s['rss_mib']:.1f} MiB (target ≤48) "
                       f"{'PASS' if s['rss_mib'] <= 48 else 'FAIL'}")
if "scale-1x" in stats and "scale-8x" in stats:
    a, b = stats["scale-1x"], stats["scale-8x"]
    targets.append(f"- memory scaling: peak RSS {a['rss_mib']:.1f} MiB at {fmt_size(a['bytes'])}, {b['rss_mib']:.1f} MiB at "
                   f"{fmt_size(b['bytes'])} ({'same' if abs(a['rss_mib'] - b['rss_mib']) < 4 else 'DIFFERENT'})")
if os.path.exists(startup):
    for res in json.load(open(startup)).get("results", []):
        cmd = res["command"]
        label = "--help" if cmd.endswith("--help") else "--dry-run"
        mean_ms = res["mean"] * 1000
        mx = res.get("max", res["mean"]) * 1000
        targets.append(f"- `pigment-export {label}`: mean {mean_ms:.1f} ms, max {mx:.1f} ms (target <20 ms) "
                       f"{'PASS' if mean_ms < 20 else 'FAIL'}")
out.append("Targets (issue 6):")
out.append("")
out.extend(targets)
ctargets = [t for t in (ctarget("pe-gzip", "pigz", 2, "gzip1", 1.15, "gzip -1's"),
                        ctarget("pe-zstd", "zstd1", 1.5, "gzip6", 1.0, "gzip -6's")) if t]
if ctargets:
    out.append("")
    out.append("Targets (issue 15, compression):")
    out.append("")
    out.extend(ctargets)
ltargets = [f"- {name}: {a['vs']:.2f}x its throughput without latency (target ≥0.90) {'PASS' if a['vs'] >= 0.9 else 'FAIL'}"
            for name, a in lstats.items() if a["vs"] is not None]
for name in COLD:
    trips = [c[1] for c in cold_chains.get(name, [])]
    if trips:
        worst = max(trips)
        ltargets.append(f"- {name}: {worst} sequential round trips (target ≤7) {'PASS' if worst <= 7 else 'FAIL'}")
if ltargets:
    out.append("")
    out.append(f"Targets (issue 15, round trips at {latency_ms} ms per request):")
    out.append("")
    out.extend(ltargets)
print("\n".join(out))
