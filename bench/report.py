#!/usr/bin/env python3
"""Turns bench/run.sh's raw.tsv (+ startup.json) into the markdown table. Usage:
report.py RAW_TSV STARTUP_JSON SIZE AZ_SIZE RCLONE_CHUNK"""
import csv
import json
import os
import platform
import statistics
import subprocess
import sys

raw, startup, size, az_size, rclone_chunk, commit = sys.argv[1:7]
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
print("\n".join(out))
