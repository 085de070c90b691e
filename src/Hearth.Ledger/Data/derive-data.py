#!/usr/bin/env python3
"""Derives Hearth's small embedded data files from the open data in ../shared/carbon.

Run from the repository root:  python3 src/Hearth.Ledger/Data/derive-data.py ../shared/carbon
Writes zones.csv (grid intensity + water per zone) and cpu-tdp-families.csv (median TDP per CPU family).
Only derived figures are written; the raw files are not copied.
"""
import csv, json, statistics, sys, os

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/carbon"
out = os.path.dirname(os.path.abspath(__file__))

mix = json.load(open(os.path.join(src, "codecarbon-global_energy_mix.json")))
eco = {r["name"]: r for r in csv.DictReader(open(os.path.join(src, "ecologits-electricity_mixes.csv")))}
with open(os.path.join(out, "zones.csv"), "w", newline="") as f:
    f.write("# Grid carbon intensity per zone (ISO 3166-1 alpha-3), location-based, annual average.\n")
    f.write("# grid_gco2e_per_kwh, grid_year: Our World in Data via CodeCarbon global_energy_mix.json (MIT).\n")
    f.write("# water_l_per_kwh: EcoLogits electricity_mixes.csv 'wue' column (MPL-2.0), L of water per kWh generated; empty when not listed.\n")
    f.write("# WOR is the EcoLogits world mix; its grid intensity is CodeCarbon's world_average (IEA 2019).\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["zone", "name", "grid_gco2e_per_kwh", "grid_year", "water_l_per_kwh"])
    for iso in sorted(mix):
        r = mix[iso]
        ci = r.get("carbon_intensity")
        if ci is None:
            continue
        wue = eco.get(iso, {}).get("wue", "")
        w.writerow([iso, r.get("country_name", iso).replace(",", " "), round(float(ci), 3), r.get("year", ""), wue])
    per_source = json.load(open(os.path.join(src, "codecarbon-carbon_intensity_per_source.json")))
    w.writerow(["WOR", "World", per_source["world_average"], 2019, eco["WOR"]["wue"]])

fam = {}
for row in csv.DictReader(open(os.path.join(src, "codecarbon-cpu_power.csv"))):
    name = row["Name"].strip().strip('"')
    try:
        tdp = float(row["TDP"])
    except ValueError:
        continue
    t = name.split()
    if len(t) < 2:
        continue
    key = " ".join(t[:3]) if t[:2] in (["Intel", "Xeon"], ["Intel", "Core"], ["AMD", "Ryzen"]) and len(t) >= 3 else " ".join(t[:2])
    fam.setdefault(key, []).append(tdp)
    fam.setdefault(" ".join(t[:2]), []).append(tdp) if key != " ".join(t[:2]) else None
with open(os.path.join(out, "cpu-tdp-families.csv"), "w", newline="") as f:
    f.write("# Median thermal design power (W, whole package) per CPU family, derived from CodeCarbon cpu_power.csv (MIT).\n")
    f.write("# family is a prefix of /proc/cpuinfo 'model name' after removing (R), (TM) and 'CPU'; longest prefix wins.\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["family", "models", "median_tdp_w"])
    for k in sorted(fam):
        v = fam[k]
        if len(v) >= 5 and k[0].isalpha() and k.split()[0] in ("Intel", "AMD"):
            w.writerow([k, len(v), statistics.median(v)])
