#!/usr/bin/env python3
"""Base-year element balance of data/default.json, computed from the data alone.

Supply: every mine operating in the base year (no `candidate`, no `pipeline` starting
after the base year; a `path` gives the base-year capacity) x its ore's normalised
composition x parameters.separation_recovery (oxide leaving separation).
Demand: oxide sectors (base x mix) plus magnet sectors (base t magnets x product_mix
share x the type's reo_per_tonne x recipe). Used for docs/data-notes-market.md.

Usage: python3 tools/base_year_balance.py [data/default.json]
"""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "data/default.json"
d = json.load(open(path))
by = d["base_year"]
rec = d["parameters"]["separation_recovery"]["value"]
ores = {o["id"]: o["composition"] for o in d["ores"]}


def norm(m):
    s = sum(m.values())
    return {k: v / s for k, v in m.items()}


def cap_in(u, key="capacity"):
    if u.get("candidate"):
        return 0.0
    p = u.get("pipeline")
    if p and p["online"] > by:
        return 0.0
    pts = (u.get("path") or {}).get("points")
    if pts and pts[0][0] <= by:
        v = pts[0][1]
        for y, c in pts:
            if y <= by:
                v = c
        return v
    return u[key]["value"]


supply, mined, by_region = {}, {}, {}
for m in d["mines"]:
    c = cap_in(m)
    by_region[m["region"]] = by_region.get(m["region"], 0) + c
    for e, s in norm(ores[m["ore"]]).items():
        mined[e] = mined.get(e, 0) + c * s
        supply[e] = supply.get(e, 0) + c * s * rec

types = {t["id"]: t for t in d["magnet_types"]}
demand, magnet_t = {}, {}
for s in d["sectors"]:
    b = s["base"]["value"]
    if s["product"] == "oxide":
        for e, x in norm(s["mix"]).items():
            demand[e] = demand.get(e, 0) + b * x
        continue
    mix = {k: v["value"] for k, v in s["product_mix"].items()} if s.get("product_mix") else {s["product"]: 1.0}
    for tid, share in mix.items():
        t = types[tid]
        magnet_t[tid] = magnet_t.get(tid, 0) + b * share
        for e, x in norm(t["recipe"]).items():
            demand[e] = demand.get(e, 0) + b * share * t["reo_per_tonne"]["value"] * x

print(f"base year {by}; separation recovery {rec}")
print("mine output by region (t REO):", {k: round(v) for k, v in sorted(by_region.items(), key=lambda kv: -kv[1])})
print(f"world mine output {sum(by_region.values()):,.0f} t REO")
print("magnet tonnage by type (t):", {k: round(v) for k, v in magnet_t.items()})
print(f"{'el':<4}{'mined':>10}{'oxide supply':>14}{'demand':>10}{'supply/demand':>15}")
for e in d["elements"]:
    sp, dm = supply.get(e, 0), demand.get(e, 0)
    ratio = f"{sp / dm:.2f}" if dm > 0 else "-"
    print(f"{e:<4}{mined.get(e, 0):>10,.0f}{sp:>14,.0f}{dm:>10,.0f}{ratio:>15}")
ndpr_s = supply.get("Nd", 0) + supply.get("Pr", 0)
ndpr_d = demand.get("Nd", 0) + demand.get("Pr", 0)
print(f"NdPr  oxide supply {ndpr_s:,.0f}  demand {ndpr_d:,.0f}  ratio {ndpr_s / ndpr_d:.3f}")
