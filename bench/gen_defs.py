#!/usr/bin/env python3
"""Synthetic definitions for the validation benchmark (mk/bench_validate.mk).

gen_defs.py OUTDIR TICKETS [lines]: writes OUTDIR/export.json (the frontend export
shape, indented like the seeds) and OUTDIR/lines/{prizes,tickets,stores}.jsonl
(JSON Lines) with TICKETS tickets of realistic shape (10 scratch areas, a
10-prize pool, betting on every tenth), 200 prizes and one store per 100
tickets ("lines": the JSON Lines only). Deterministic: the same arguments give the same bytes."""
import json, os, random, sys

out, n = sys.argv[1], int(sys.argv[2])
lines_only = sys.argv[3:] == ["lines"]
rnd = random.Random(42)
os.makedirs(os.path.join(out, "lines"), exist_ok=True)
emojis = ["🏆", "🪙", "💎", "🎁", "🧪", "⭐", "🔑", "⚔️", "🛡️", "👑"]
prizes = [{"id": f"prize-{i}", "name": f"Prize {i}", "value": f"{i * 5} Gold",
           "emoji": emojis[i % 10] + str(i),
           "effects": {"stateEffects": [{"field": "currentGold", "operation": "add", "value": i * 5}],
                       **({"achievementId": "jackpot"} if i % 50 == 0 else {})}}
          for i in range(200)]


def ticket(i):
    areas = []
    for a in range(10):
        row, col = divmod(a, 5)
        areas.append({"id": f"area-{a + 1}", "topPercent": 0.1 + row * 0.4,
                      "leftPercent": round(0.02 + col * 0.19, 2), "widthPercent": 0.17,
                      "heightPercent": rnd.random() * 0.3 + 0.05, "canvasWidth": 85,
                      "canvasHeight": 120, "revealThreshold": 50 + a})
    pool = rnd.sample(range(200), 10)
    t = {"id": f"ticket-{i}", "name": f"Ticket {i}", "description": "Ten areas, find three of a kind",
         "type": "Core", "goldCost": 5 + i % 20, "scratchAreas": areas,
         "revealMechanic": "independent", "winCondition": "match-three",
         "ticketWidth": 500, "ticketHeight": 300,
         "prizeConfigs": [{"prizeId": f"prize-{p}", "weight": 1 + (p % 15)} for p in pool]}
    if i % 10 == 0:
        t["bettingConfig"] = {"enabled": True, "betOptions": [
            {"order": o, "betAmount": 5 * o, "description": f"x{o + 1}", "minPrizeThreshold": 100 * (o - 1),
             "winMultiplier": o + 1, "isRefundable": o == 1} for o in (1, 2, 3)]}
    return t


stores = [{"id": f"store-{s}", "name": f"Store {s}", "description": "Tickets",
           "unlockRequirement": s * 10, "ticketIds": [f"ticket-{i}" for i in range(s * 100, min(n, s * 100 + 100))],
           "icon": "🏪"} for s in range((n + 99) // 100)]

with open(os.path.join(out, "lines", "prizes.jsonl"), "w") as f:
    for p in prizes:
        f.write(json.dumps(p, ensure_ascii=False) + "\n")
with open(os.path.join(out, "lines", "stores.jsonl"), "w") as f:
    for s in stores:
        f.write(json.dumps(s, ensure_ascii=False) + "\n")
with open(os.devnull if lines_only else os.path.join(out, "export.json"), "w") as ex, \
        open(os.path.join(out, "lines", "tickets.jsonl"), "w") as tl:
    ex.write('{\n  "prizes": ' + json.dumps(prizes, indent=2, ensure_ascii=False).replace("\n", "\n  ")
             + ',\n  "scratchers": [],\n  "tickets": [\n')
    for i in range(n):
        t = ticket(i)
        tl.write(json.dumps(t, ensure_ascii=False) + "\n")
        if not lines_only:
            ex.write(("    " if i == 0 else ",\n    ")
                 + json.dumps(t, indent=2, ensure_ascii=False).replace("\n", "\n    "))
    ex.write('\n  ],\n  "stores": ' + json.dumps(stores, indent=2, ensure_ascii=False).replace("\n", "\n  ")
             + "\n}\n")
