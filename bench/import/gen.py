#!/usr/bin/env python3
"""Synthetic game definitions at scale for the import benchmark.

    gen.py defs N OUTDIR
        writes OUTDIR/defs/{prizes,scratchers,tickets,stores}.json (JSON
        arrays, the files `wwseed validate|import DIR` read) and
        OUTDIR/items.jsonl (one
        line per definition: {"kind": K, "item": <DynamoDB JSON item>}, the
        item wwseed writes minus its `_wwseed` metadata map), deterministic
        for a given N.
    gen.py cli-requests ITEMS.jsonl OUTDIR KIND=TABLE... [--every K]
        writes the 25-item request files for `aws dynamodb batch-write-item
        --request-items file://...`, one kind per file (as people split them
        by hand), numbered req-000001.json...; with --every K only every K-th
        batch (an evenly spread sample, for sizes too large to run in full).

The field mix follows ../shared/game-data/frontend-export.json: prizes with
state effects (and some achievement or hand effects), scratchers with a
style, tickets with 10 scratch areas, a prize pool of 10 prizes, the win
conditions and their required fields, a betting config on some, and stores
that list 4 to 8 tickets. Every id is unique kebab-case and every reference
resolves. Emojis within one ticket's prize pool are distinct (a shared emoji
would make a "match" between different prizes, which the validator warns
about).
"""
import json
import os
import sys

# Share of each kind in N definitions (the rest are tickets).
SHARE = {"prizes": 0.30, "scratchers": 0.10, "stores": 0.10}
POOL = 10      # prizes per ticket pool
AREAS = 10     # scratch areas per ticket

EMOJI = ["\U0001F3C6", "\U0001FA99", "\U0001F48E", "\U0001F381", "\U0001F9EA",
         "\u2B50", "\U0001F511", "\u2694\uFE0F", "\U0001F6E1\uFE0F", "\U0001F451",
         "\U0001F340", "\U0001F3B2", "\U0001F4B0", "\U0001F308", "\U0001F6AB",
         "\U0001F525"]
ADJ = ["golden", "lucky", "silver", "mystic", "royal", "ancient", "shiny",
       "cursed", "blessed", "hidden", "frozen", "burning", "secret", "grand"]
NOUN = ["coin", "chest", "crown", "potion", "star", "key", "sword", "shield",
        "gem", "clover", "dragon", "scroll", "goblet", "relic", "lantern"]
ACHIEVEMENTS = ["first-scratch", "gold-hoarder", "lucky-streak", "scratch-master",
                "scratch-legend", "big-winner", "jackpot", "collector",
                "ticket-variety", "dedicated-player"]
COLORS = ["#667eea", "#764ba2", "#a8edea", "#fed6e3", "#f093fb", "#f5576c",
          "#4facfe", "#00f2fe", "#43e97b", "#38f9d7"]


def slug(prefix, i):
    return "%s-%s-%s-%d" % (ADJ[i % len(ADJ)], NOUN[(i // len(ADJ)) % len(NOUN)], prefix, i + 1)


def title(s):
    return " ".join(w.capitalize() for w in s.split("-"))


def prize(i):
    pid = slug("prize", i)
    gold = [5, 10, 25, 50, 75, 100, 150, 200, 250, 500, 1000][i % 11]
    p = {"id": pid, "name": title(pid), "value": "%d Gold" % gold,
         "emoji": EMOJI[i % len(EMOJI)]}
    if i % 17 == 16:  # a no-prize, as the export has
        p["value"] = "$0"
        return p
    if i % 9 == 3:    # a free ticket
        eff = {"stateEffects": [{"field": "availableTickets", "operation": "add", "value": 1}]}
        p["value"] = "Free Ticket"
    else:
        eff = {"stateEffects": [{"field": "currentGold", "operation": "add", "value": gold}]}
    if i % 4 == 0:
        eff["achievementId"] = ACHIEVEMENTS[i % len(ACHIEVEMENTS)]
    if i % 7 == 5:
        eff["handEffect"] = {"operation": "multiply", "target": "next", "amount": 2,
                             "conditions": [{"type": "greater", "target": "hand",
                                             "operation": "add", "amount": 10}]}
    p["effects"] = eff
    return p


def scratcher(i):
    sid = slug("scratcher", i)
    s = {"id": sid, "name": title(sid),
         "description": "Scratcher number %d - scratch with style" % (i + 1),
         "symbol": EMOJI[i % len(EMOJI)], "scratchRadius": 15 + (i % 6) * 5}
    if i % 3 != 2:
        s["style"] = {"overlayColor": "linear-gradient(135deg, %s 0%%, %s 100%%)"
                      % (COLORS[i % 10], COLORS[(i + 3) % 10]),
                      "overlayPattern": "SCRATCH"}
    return s


def ticket(i, prize_ids, nprizes):
    tid = slug("ticket", i)
    areas = []
    for a in range(AREAS):  # two columns of five rows
        row, col = a // 2, a % 2
        areas.append({"id": "area-%d" % (a + 1), "topPercent": round(row * 0.2, 3),
                      "leftPercent": col * 0.5, "widthPercent": 0.5, "heightPercent": 0.2,
                      "canvasWidth": 200, "canvasHeight": 54, "revealThreshold": 50})
    # a window of POOL consecutive prizes: their emojis are all distinct
    start = (i * 7) % max(1, nprizes - POOL + 1)
    pool = [{"prizeId": prize_ids[start + k], "weight": 1 + (k * 3 + i) % 15}
            for k in range(min(POOL, nprizes))]
    conds = ["match-three", "match-two", "find-one", "find-one-dynamic",
             "total-value-threshold", "no-win-condition", "match-all"]
    wc = conds[i % len(conds)]
    t = {"id": tid, "name": title(tid),
         "description": "Ten areas, each hides a prize (%d)" % (i + 1),
         "type": ["Core", "Hand", "Crawl"][i % 3], "goldCost": (i % 6) * 5,
         "scratchAreas": areas, "revealMechanic": "independent", "winCondition": wc,
         "ticketWidth": 500, "ticketHeight": 300, "prizeConfigs": pool}
    if wc == "find-one":
        t["targetPrizeId"] = pool[0]["prizeId"]
    elif wc == "find-one-dynamic":
        t["winningSymbolAreaId"] = "area-%d" % (1 + i % AREAS)
    elif wc == "total-value-threshold":
        t["valueThreshold"] = 100 + (i % 10) * 50
    if i % 5 == 0:
        t["backgroundImage"] = "/assets/tickets/%s.png" % tid
    if i % 8 == 1:
        t["bettingConfig"] = {"enabled": True, "betOptions": [
            {"order": 1, "betAmount": 5, "description": "Double any win",
             "minPrizeThreshold": 0, "winMultiplier": 2, "isRefundable": True, "badge": "Safe Bet"},
            {"order": 2, "betAmount": 10, "description": "Triple wins over 100 gold",
             "minPrizeThreshold": 100, "winMultiplier": 3, "isRefundable": False},
            {"order": 3, "betAmount": 30, "description": "5x wins over 200 gold",
             "minPrizeThreshold": 200, "winMultiplier": 5, "isRefundable": False,
             "badge": "High Roller"}],
            "insufficientFundsMessage": "You need at least 5 gold to play this ticket!"}
    return t


def store(i, ticket_ids, nst):
    sid = slug("store", i)
    nt = len(ticket_ids)
    # every ticket is sold somewhere: ticket j is in store j % nst; then a
    # few more picked across the range, 4 to 8 in all
    ids = [ticket_ids[j] for j in range(i, nt, nst)]
    n = max(len(ids), 4 + i % 5)
    k = 0
    while len(ids) < n and k < 50:
        t = ticket_ids[(i * 13 + k * 101) % nt]
        if t not in ids:
            ids.append(t)
        k += 1
    return {"id": sid, "name": title(sid), "description": "Store number %d" % (i + 1),
            "unlockRequirement": (i % 10) * 100, "ticketIds": ids,
            "icon": EMOJI[(i + 5) % len(EMOJI)]}


def ddb(v):
    """Plain JSON to DynamoDB JSON, as wwseed and lib-dynamodb marshal it."""
    if isinstance(v, bool):
        return {"BOOL": v}
    if isinstance(v, str):
        return {"S": v}
    if isinstance(v, (int, float)):
        return {"N": repr(v) if isinstance(v, float) else str(v)}
    if isinstance(v, list):
        return {"L": [ddb(x) for x in v]}
    if isinstance(v, dict):
        return {"M": {k: ddb(x) for k, x in v.items()}}
    if v is None:
        return {"NULL": True}
    raise TypeError(type(v))


def gen_defs(n, out):
    np_ = max(POOL, int(n * SHARE["prizes"]))
    ns = max(1, int(n * SHARE["scratchers"]))
    nst = max(1, int(n * SHARE["stores"]))
    nt = n - np_ - ns - nst
    prizes = [prize(i) for i in range(np_)]
    pids = [p["id"] for p in prizes]
    scratchers = [scratcher(i) for i in range(ns)]
    tickets = [ticket(i, pids, np_) for i in range(nt)]
    tids = [t["id"] for t in tickets]
    stores = [store(i, tids, nst) for i in range(nst)]
    ddir = os.path.join(out, "defs")
    os.makedirs(ddir, exist_ok=True)
    kinds = [("prizes", prizes), ("scratchers", scratchers), ("tickets", tickets),
             ("stores", stores)]
    raw = 0
    for name, defs in kinds:
        with open(os.path.join(ddir, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(defs, f, ensure_ascii=False, indent=1)
            f.write("\n")
    with open(os.path.join(out, "items.jsonl"), "w", encoding="utf-8") as f:
        for name, defs in kinds:
            for d in defs:
                line = json.dumps({"kind": name, "item": ddb(d)["M"]},
                                  ensure_ascii=False, separators=(",", ":"))
                raw += len(line.encode())
                f.write(line + "\n")
    print("%d definitions: %d prizes, %d scratchers, %d tickets, %d stores -> %s"
          % (n, np_, ns, nt, nst, ddir), file=sys.stderr)


def cli_requests(items_path, out, mapping, every):
    os.makedirs(out, exist_ok=True)
    batches = {}
    nbatch = 0
    nfile = 0

    def flush(kind):
        nonlocal nbatch, nfile
        nbatch += 1
        if (nbatch - 1) % every == 0:
            nfile += 1
            req = {mapping[kind]: [{"PutRequest": {"Item": it}} for it in batches[kind]]}
            with open(os.path.join(out, "req-%06d.json" % nbatch), "w", encoding="utf-8") as f:
                json.dump(req, f, ensure_ascii=False, separators=(",", ":"))
        batches[kind] = []

    with open(items_path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            b = batches.setdefault(rec["kind"], [])
            b.append(rec["item"])
            if len(b) == 25:
                flush(rec["kind"])
    for kind in list(batches):
        if batches[kind]:
            flush(kind)
    print(nfile)


def main(argv):
    if len(argv) >= 3 and argv[0] == "defs":
        gen_defs(int(argv[1]), argv[2])
    elif len(argv) >= 3 and argv[0] == "cli-requests":
        every = 1
        rest = argv[3:]
        if "--every" in rest:
            k = rest.index("--every")
            every = max(1, int(rest[k + 1]))
            rest = rest[:k] + rest[k + 2:]
        mapping = dict(a.split("=", 1) for a in rest)
        cli_requests(argv[1], argv[2], mapping, every)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
