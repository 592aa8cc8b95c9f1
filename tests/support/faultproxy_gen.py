#!/usr/bin/env python3
"""Synthetic definitions for the reliability scenarios, and the comparison
of what a table holds with what was meant to land.

  faultproxy_gen.py gen N OUTDIR [--variant a|b]
      writes OUTDIR/{prizes,scratchers,tickets,stores}.jsonl (JSON Lines,
      one definition per line, what `wwseed validate|import OUTDIR` reads),
      about N definitions in all, deterministic for (N, variant). Variant
      "b" has the same ids with different names, descriptions and numbers,
      so an import of b over a is an update of every definition.

  faultproxy_gen.py compare DEFSDIR SCANDIR [--json]
      SCANDIR holds <kind>.json, the output of `aws dynamodb scan --output
      json` of each kind's table. Unmarshals every item, drops the `_wwseed`
      metadata map and compares with the definitions by id. Prints one line
      "expected=E landed=L missing=M extra=X mismatched=D duplicated=U"
      (duplicated: ids seen more than once across the scans) and, after it,
      the first differences; exit 0 only when the table is exactly the
      definitions. With --ids-missing FILE writes the missing "kind id"
      pairs, one a line, sorted.

  faultproxy_gen.py report REPORT.json [--list OUTCOMES]
      An import's --report file: prints "created=N updated=N ..." (every
      outcome, items summed over kinds, sorted by name) and checks that the
      per-kind summary agrees with the items list (exit 1 if not). With
      --list failed,pending prints instead the "kind id" pairs (plural kind,
      as compare writes them) of the items with those outcomes, sorted.
"""
import argparse
import json
import os
import sys
from decimal import Decimal

KINDS = ["prizes", "scratchers", "tickets", "stores"]
EMOJI = ["\U0001F3C6", "\U0001FA99", "\U0001F48E", "\U0001F381", "\U0001F9EA",
         "\u2B50", "\U0001F511", "\U0001F451", "\U0001F340", "\U0001F3B2", "\U0001F4B0",
         "\U0001F308"]
ACH = ["first-scratch", "gold-hoarder", "lucky-streak", "scratch-master", "big-winner",
       "jackpot", "collector"]
POOL = 5


def gen(n, variant):
    b = variant == "b"
    np_, ns, nst = max(POOL, n * 3 // 10), max(1, n // 10), max(1, n // 10)
    nt = max(1, n - np_ - ns - nst)
    tag = " (b)" if b else ""
    prizes = []
    for i in range(np_):
        gold = (i % 20 + 1) * (10 if b else 5)
        p = {"id": "rel-prize-%d" % i, "name": "Prize %d%s" % (i, tag), "value": "%d Gold" % gold,
             "emoji": EMOJI[i % len(EMOJI)],
             "effects": {"stateEffects": [{"field": "currentGold", "operation": "add", "value": gold}]}}
        if i % 5 == 0:
            p["effects"]["achievementId"] = ACH[i % len(ACH)]
        prizes.append(p)
    scratchers = [{"id": "rel-scratcher-%d" % i, "name": "Scratcher %d%s" % (i, tag),
                   "description": "A coin to scratch with%s" % tag, "symbol": EMOJI[i % len(EMOJI)],
                   "scratchRadius": 20 + i % 10 + (5 if b else 0)} for i in range(ns)]
    tickets = []
    for i in range(nt):
        start = (i * 3) % (np_ - POOL + 1)  # POOL consecutive prizes: distinct emoji
        areas = [{"id": "area-%d" % (a + 1), "topPercent": round(a / 3, 3), "leftPercent": 0,
                  "widthPercent": 1, "heightPercent": 0.333, "canvasWidth": 400, "canvasHeight": 90,
                  "revealThreshold": 60 if b else 50} for a in range(3)]
        t = {"id": "rel-ticket-%d" % i, "name": "Ticket %d%s" % (i, tag),
             "description": "Three areas, one prize each%s" % tag, "type": "Core",
             "goldCost": (i % 4) * 5 + (1 if b else 0), "scratchAreas": areas,
             "revealMechanic": "independent", "winCondition": "match-three",
             "ticketWidth": 500, "ticketHeight": 300,
             "prizeConfigs": [{"prizeId": "rel-prize-%d" % (start + k), "weight": 1 + (k + i + (2 if b else 0)) % 7}
                              for k in range(POOL)]}
        tickets.append(t)
    stores = []
    for i in range(nst):
        ids = ["rel-ticket-%d" % j for j in range(i, nt, nst)]  # every ticket sold somewhere
        stores.append({"id": "rel-store-%d" % i, "name": "Store %d%s" % (i, tag),
                       "description": "Sells tickets%s" % tag, "unlockRequirement": (i % 10) * (200 if b else 100),
                       "ticketIds": ids or ["rel-ticket-0"], "icon": EMOJI[(i + 3) % len(EMOJI)]})
    return {"prizes": prizes, "scratchers": scratchers, "tickets": tickets, "stores": stores}


def plain(av):
    """DynamoDB JSON to plain values (numbers as Decimal, exact)."""
    (t, v), = av.items()
    if t == "S":
        return v
    if t == "N":
        return Decimal(v)
    if t == "BOOL":
        return v
    if t == "NULL":
        return None
    if t == "M":
        return {k: plain(x) for k, x in v.items()}
    if t == "L":
        return [plain(x) for x in v]
    if t in ("SS", "BS", "B"):
        return sorted(v) if isinstance(v, list) else v
    if t == "NS":
        return sorted(Decimal(x) for x in v)
    raise ValueError(t)


def load_defs(d):
    out = {}
    for k in KINDS:
        p = os.path.join(d, k + ".jsonl")
        if not os.path.exists(p):
            continue
        with open(p, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    o = json.loads(line, parse_float=Decimal, parse_int=Decimal)
                    out[(k, o["id"])] = o
    return out


def compare(a):
    want = load_defs(a.defs)
    got, seen, dup = {}, set(), 0
    for k in KINDS:
        p = os.path.join(a.scans, k + ".json")
        if not os.path.exists(p):
            continue
        with open(p, encoding="utf-8") as f:
            text = f.read().strip()
        items = json.loads(text)["Items"] if text else []
        for it in items:
            o = plain({"M": it})
            o.pop("_wwseed", None)
            key = (k, o.get("id"))
            if key in seen:
                dup += 1
            seen.add(key)
            got[key] = o
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    mism = sorted(k for k in set(want) & set(got) if want[k] != got[k])
    print("expected=%d landed=%d missing=%d extra=%d mismatched=%d duplicated=%d"
          % (len(want), len(got), len(missing), len(extra), len(mism), dup))
    for k in missing[:5]:
        print("missing %s %s" % k)
    for k in extra[:5]:
        print("extra %s %s" % k)
    for k in mism[:3]:
        print("mismatch %s %s: want %s got %s" % (k[0], k[1], want[k], got[k]))
    if a.ids_missing:
        with open(a.ids_missing, "w") as f:
            for k in missing:
                f.write("%s %s\n" % k)
    return 0 if not (missing or extra or mism or dup) else 1


def report(a):
    with open(a.report, encoding="utf-8") as f:
        r = json.load(f)
    items = r.get("items", [])
    counts = {}
    for it in items:
        counts[it["outcome"]] = counts.get(it["outcome"], 0) + 1
    if a.list:
        want = set(a.list.split(","))
        plural = {"prize": "prizes", "scratcher": "scratchers", "ticket": "tickets", "store": "stores"}
        for line in sorted("%s %s" % (plural.get(it["kind"], it["kind"]), it["id"])
                           for it in items if it["outcome"] in want):
            print(line)
        return 0
    summed = {}
    for kind, per in (r.get("summary") or {}).items():
        if isinstance(per, dict):
            for o, n in per.items():
                if isinstance(n, int):
                    summed[o] = summed.get(o, 0) + n
    print(" ".join("%s=%d" % (o, counts[o]) for o in sorted(counts)))
    bad = {o: (counts.get(o, 0), n) for o, n in summed.items() if n != counts.get(o, 0)}
    if bad:
        print("summary disagrees with items: %s" % bad)
        return 1
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("n", type=int)
    g.add_argument("out")
    g.add_argument("--variant", default="a", choices=["a", "b"])
    c = sub.add_parser("compare")
    c.add_argument("defs")
    c.add_argument("scans")
    c.add_argument("--ids-missing")
    r = sub.add_parser("report")
    r.add_argument("report")
    r.add_argument("--list")
    a = p.parse_args()
    if a.cmd == "report":
        return report(a)
    if a.cmd == "gen":
        os.makedirs(a.out, exist_ok=True)
        defs = gen(a.n, a.variant)
        for k in KINDS:
            with open(os.path.join(a.out, k + ".jsonl"), "w", encoding="utf-8") as f:
                for d in defs[k]:
                    f.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
        print(" ".join("%s=%d" % (k, len(defs[k])) for k in KINDS))
        return 0
    return compare(a)


if __name__ == "__main__":
    sys.exit(main())
