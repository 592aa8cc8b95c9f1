#!/usr/bin/env python3
"""The import benchmark: wwseed against what users would otherwise run.

    run.py [--sizes 10000,100000] [--work DIR] [--tools wwseed,node1,node8,cli]
           [--backends dynalite,sink] [--cli-sample 200] [--conc 1,2,4,8,16]
           [--sweep-size 10000] [--repeat 1] [--png docs/bench-concurrency.png]

For each size it generates the definitions (gen.py), checks them with
`wwseed validate`, then for each backend (a fresh in-memory dynalite with
fresh tables, or the null sink) runs every tool on a fresh server and
measures wall time, client CPU (user+sys of the tool and its children, from
wait4), peak RSS (the largest process), the server's CPU over the run, and
for the real server a re-run of the unchanged data. Then wwseed's items/s
against --concurrency on both backends, plotted with gnuplot. Results go to
WORK/results.json and WORK/results.md (the table docs/benchmarks.md quotes).

Everything is on loopback; every load is bounded (a fixed number of items)
and every server started here is stopped here, by pid.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
KINDS = ["prizes", "scratchers", "tickets", "stores"]
LEDGER = "wwseed-ledger"
TICK = os.sysconf("SC_CLK_TCK")

ENV = dict(os.environ)
ENV.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""})
for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    ENV.pop(k, None)


def log(*a):
    print("[bench-import %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def measure(cmd, out_path, err_path, env=None, cwd=ROOT):
    """Run cmd; wall time, user+sys CPU and max RSS of it and its waited-for
    descendants, exit status. The command runs under GNU time when there is
    one: a child forked straight from this (large) Python process would
    carry this process's RSS into its own max RSS until it execs."""
    gnu_time = "/usr/bin/time"
    tfile = err_path + ".time"
    if os.access(gnu_time, os.X_OK):
        cmd = [gnu_time, "-q", "-f", "%U %S %M", "-o", tfile] + list(cmd)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env or ENV, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)
    user, sys_, rss = ru.ru_utime, ru.ru_stime, ru.ru_maxrss
    if cmd[0] == gnu_time:
        try:
            f = open(tfile).read().split()
            user, sys_, rss = float(f[-3]), float(f[-2]), int(f[-1])
        except (OSError, ValueError, IndexError):
            pass
    return {"wall": wall, "user": user, "sys": sys_, "cpu": user + sys_, "maxrss_kb": rss, "rc": rc}


def proc_cpu(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except OSError:
        return float("nan")


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def write_template(path):
    """A CloudFormation template of the benchmark's tables, for `wwseed
    tables create`: per kind, key id (S); the ledger pk (S) + sk (S); all
    PAY_PER_REQUEST."""
    res = {}
    for t in KINDS + [LEDGER]:
        keys = [("pk", "HASH"), ("sk", "RANGE")] if t == LEDGER else [("id", "HASH")]
        res["T" + t.replace("-", "")] = {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": t, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": k, "KeyType": kt} for k, kt in keys],
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k, _ in keys]}}
    with open(path, "w") as f:
        json.dump({"AWSTemplateFormatVersion": "2010-09-09", "Resources": res}, f, indent=1)


class Dynalite:
    name = "dynalite"

    def __init__(self, state, wwseed=None):
        self.state = state
        self.wwseed = wwseed

    def start(self):
        shutil.rmtree(self.state, ignore_errors=True)
        self.endpoint = subprocess.check_output(
            [os.path.join(ROOT, "scripts", "local-ddb.sh"), "start", self.state, "--memory",
             "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
            env=ENV).decode().strip()
        self.pid = int(open(os.path.join(self.state, "pid")).read())
        # the tables: `wwseed tables create` from a template of the five (one
        # process, a third of a second), else the AWS CLI
        if self.wwseed and os.access(self.wwseed, os.X_OK):
            tpl = os.path.join(self.state, "tables.template.json")
            write_template(tpl)
            rc = subprocess.call([self.wwseed, "tables", "create", "--template", tpl, "--quiet",
                                  "--endpoint-url", self.endpoint], stdout=subprocess.DEVNULL, env=ENV)
            if rc == 0:
                return self
        procs = [self._create(t, [("id", "HASH")]) for t in KINDS]
        procs.append(self._create(LEDGER, [("pk", "HASH"), ("sk", "RANGE")]))
        for p in procs:
            if p.wait() != 0:
                raise SystemExit("bench-import: create-table failed")
        for _ in range(100):  # wait until all are ACTIVE
            out = subprocess.check_output(
                ["aws", "dynamodb", "list-tables", "--endpoint-url", self.endpoint,
                 "--output", "json"], env=ENV)
            names = json.loads(out)["TableNames"]
            if all(t in names for t in KINDS + [LEDGER]):
                st = subprocess.check_output(
                    ["aws", "dynamodb", "describe-table", "--endpoint-url", self.endpoint,
                     "--table-name", LEDGER, "--query", "Table.TableStatus", "--output", "text"],
                    env=ENV).decode().strip()
                if st == "ACTIVE":
                    break
            time.sleep(0.1)
        return self

    def _create(self, table, keys):
        cmd = ["aws", "dynamodb", "create-table", "--endpoint-url", self.endpoint,
               "--table-name", table, "--billing-mode", "PAY_PER_REQUEST",
               "--attribute-definitions"]
        cmd += ["AttributeName=%s,AttributeType=S" % k for k, _ in keys]
        cmd += ["--key-schema"] + ["AttributeName=%s,KeyType=%s" % kt for kt in keys]
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=ENV)

    def cpu(self):
        return proc_cpu(self.pid)

    def count(self, table):
        out = subprocess.check_output(
            ["aws", "dynamodb", "scan", "--endpoint-url", self.endpoint, "--table-name", table,
             "--select", "COUNT", "--output", "json"], env=ENV)
        return json.loads(out)["Count"]

    def stop(self):
        subprocess.call([os.path.join(ROOT, "scripts", "local-ddb.sh"), "stop", self.state])


class Sink:
    name = "sink"

    def __init__(self, state):
        self.state = state

    def start(self):
        shutil.rmtree(self.state, ignore_errors=True)
        os.makedirs(self.state)
        self.log = open(os.path.join(self.state, "sink.log"), "wb")
        self.proc = subprocess.Popen(["node", os.path.join(HERE, "null-sink.js"), self.state],
                                     stdout=self.log, stderr=self.log)
        self.pid = self.proc.pid
        for _ in range(100):
            if os.path.exists(os.path.join(self.state, "endpoint")):
                break
            time.sleep(0.05)
        self.endpoint = open(os.path.join(self.state, "endpoint")).read().strip()
        return self

    def stats(self):
        with urllib.request.urlopen(self.endpoint + "/__stats") as r:
            return json.loads(r.read())

    def cpu(self):
        return proc_cpu(self.pid)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def table_args(flag):
    a = []
    for k in KINDS:
        a += [flag, "%s=%s" % (k, k)]
    return a


def wwseed_cmd(args, d, endpoint, report, conc):
    cmd = [args.wwseed, "import", d, "--endpoint-url", endpoint, "--quiet",
           "--report", report] + table_args("--table") + ["--table", "ledger=" + LEDGER]
    if conc:
        cmd += ["--concurrency", str(conc)]
    return cmd


def read_report(path):
    """Write requests and items written from wwseed's --report, whatever its
    exact shape: the first keys that look like them."""
    try:
        rep = json.load(open(path))
    except (OSError, ValueError):
        return {}
    found = {}

    def walk(o, pre=""):
        if isinstance(o, dict):
            for k, v in o.items():
                walk(v, pre + "." + k if pre else k)
        elif isinstance(o, (int, float)) and not isinstance(o, bool):
            found[pre] = o
    walk(rep)
    return found


def pick(found, *names):
    for n in names:
        for k, v in found.items():
            if k.lower().endswith(n.lower()):
                return v
    return None


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows = []
        self.sweep = []
        self.notes = []
        os.makedirs(args.work, exist_ok=True)
        # a snapshot of the binary: a rebuild during the run changes nothing
        self.ww_tables = None
        if os.access(args.wwseed, os.X_OK):
            snap = os.path.join(args.work, "wwseed")
            shutil.copy2(args.wwseed, snap)
            args.wwseed = snap
            if subprocess.run([snap, "tables", "--help"], capture_output=True).returncode == 0:
                self.ww_tables = snap

    def backend(self, name):
        st = os.path.join(self.args.work, "state-" + name)
        return Dynalite(st, self.ww_tables) if name == "dynalite" else Sink(st)

    def gen(self, n):
        g = os.path.join(self.args.work, "gen-%d" % n)
        stamp = os.path.join(g, ".gen-" + str(os.path.getmtime(os.path.join(HERE, "gen.py"))))
        if not os.path.exists(stamp):
            shutil.rmtree(g, ignore_errors=True)
            subprocess.check_call([sys.executable, os.path.join(HERE, "gen.py"), "defs", str(n), g])
            open(stamp, "w").close()
        return os.path.join(g, "defs")

    def cli_files(self, n, d, every):
        rd = os.path.join(self.args.work, "cli-%d-every%d" % (n, every))
        stamp = os.path.join(rd, ".done")
        if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(os.path.join(d, "..", "items.jsonl")):
            shutil.rmtree(rd, ignore_errors=True)
            subprocess.check_call([sys.executable, os.path.join(HERE, "gen.py"), "cli-requests",
                                   os.path.join(d, "..", "items.jsonl"), rd, "--every", str(every)]
                                  + ["%s=%s" % (k, k) for k in KINDS], stdout=subprocess.DEVNULL)
            open(stamp, "w").close()
        files = sorted(f for f in os.listdir(rd) if f.endswith(".json"))
        items = 0
        for f in files:
            items += sum(len(v) for v in json.load(open(os.path.join(rd, f))).values())
        return rd, files, items

    def validate(self, n, d):
        if not self.wwseed_has("validate"):
            self.notes.append("wwseed validate not available: data not checked by it at %d" % n)
            return None
        m = measure([self.args.wwseed, "validate", d], os.path.join(self.args.work, "validate-%d.out" % n),
                    os.path.join(self.args.work, "validate-%d.err" % n))
        if m["rc"] != 0:
            sys.stderr.write(open(os.path.join(self.args.work, "validate-%d.err" % n)).read()[-3000:])
            sys.stderr.write(open(os.path.join(self.args.work, "validate-%d.out" % n)).read()[-3000:])
            raise SystemExit("bench-import: wwseed validate rejects the generated data (%d)" % n)
        log("validate %d: %.2fs %.0f MB" % (n, m["wall"], m["maxrss_kb"] / 1024))
        self.rows.append(dict(backend="-", size=n, tool="wwseed validate", items=n, **m))
        return m

    def wwseed_has(self, sub):
        if not os.access(self.args.wwseed, os.X_OK):
            return False
        p = subprocess.run([self.args.wwseed, sub, "--help"], capture_output=True, env=ENV)
        return p.returncode == 0

    def run_tool(self, be, tool, n, d, rerun_of=None, conc=None, tag=""):
        a = self.args
        w = a.work
        base = os.path.join(w, "%s-%s-%d%s" % (be.name, tool, n, tag))
        items = n
        extra = {}
        if tool in ("wwseed", "wwseed-ow"):
            report = base + ".report.json"
            cmd = wwseed_cmd(a, d, be.endpoint, report, conc)
            if tool == "wwseed-ow":
                cmd += ["--on-conflict", "overwrite"]
        elif tool.startswith("node"):
            cmd = ["node", os.path.join(HERE, "seed-sdk.js"), d, "--endpoint-url", be.endpoint,
                   "--inflight", tool[4:]] + table_args("--table")
        elif tool == "cli":
            limit = a.cli_sample if (n > a.cli_full_max or be.name == "sink") else 0
            if be.name == "sink":
                limit = min(a.cli_sample, a.cli_sink_sample)
            total_files = self.batches(d)
            every = max(1, total_files // limit) if limit else 1
            rd, files, items = self.cli_files(n, d, every)
            script = ('for f in "$1"/req-*.json; do aws dynamodb batch-write-item --endpoint-url "$2" '
                      '--request-items "file://$f" --output json > "$3" || exit 1; '
                      'grep -q "\\"UnprocessedItems\\": {}" "$3" || { echo "unprocessed items in $f" >&2; exit 1; }; done')
            cmd = ["bash", "-c", script, "cli", rd, be.endpoint, base + ".last.json"]
            extra = {"files": len(files), "total_files": total_files,
                     "extrapolated": len(files) < total_files}
        else:
            raise ValueError(tool)
        la = loadavg()
        c0 = be.cpu()
        if be.name == "sink":
            s0 = be.stats()
        m = measure(cmd, base + ".out", base + ".err")
        c1 = be.cpu()
        if m["rc"] != 0:
            sys.stderr.write(open(base + ".err").read()[-4000:])
            raise SystemExit("bench-import: %s failed against %s (exit %d); logs in %s.*"
                             % (tool, be.name, m["rc"], base))
        row = dict(backend=be.name, size=n, tool=tool + (" re-run" if rerun_of else ""), items=items,
                   server_cpu=c1 - c0, load=la, **m, **extra)
        if conc:
            row["concurrency"] = conc
        if be.name == "sink":
            s1 = be.stats()
            ops = {k: s1["ops"].get(k, 0) - s0["ops"].get(k, 0) for k in s1["ops"]}
            row["requests"] = sum(ops.values())
            row["write_requests"] = ops.get("BatchWriteItem", 0) + ops.get("PutItem", 0)
            row["batch_bytes"] = s1["opBytes"].get("BatchWriteItem", 0) - s0["opBytes"].get("BatchWriteItem", 0)
            row["items_written"] = s1["itemsWritten"] - s0["itemsWritten"]
            row["ops"] = ops
        if tool in ("wwseed", "wwseed-ow"):
            rep = read_report(report)
            row["report"] = rep
            wr = pick(rep, "figures.writeRequests", "writeRequests")
            if wr is not None and "write_requests" not in row:
                row["write_requests"] = wr
            row["items_written"] = pick(rep, "figures.itemsWritten", "itemsWritten")
            row["ledger_writes"] = pick(rep, "figures.ledgerWriteRequests")
            row["all_requests"] = pick(rep, "figures.requests")
        if tool.startswith("node"):
            try:
                o = json.loads(open(base + ".out").read().strip().splitlines()[-1])
                row["write_requests"] = o["requests"]
            except (ValueError, IndexError, KeyError):
                pass
        if tool == "cli" and "write_requests" not in row:
            row["write_requests"] = extra["files"]
        row["items_per_s"] = items / m["wall"] if m["wall"] else 0
        row["cpu_us_per_item"] = 1e6 * m["cpu"] / items if items else 0
        log("%-8s %-14s %6d items: %7.2fs wall %7.2fs cpu %6.0f MB  %7.0f items/s  server %.2fs cpu  load %.1f"
            % (be.name, row["tool"] + ("@%d" % conc if conc else ""), items, m["wall"], m["cpu"],
               m["maxrss_kb"] / 1024, row["items_per_s"], row["server_cpu"], la))
        return row

    def batches(self, d):
        n = 0
        for k in KINDS:
            c = len(json.load(open(os.path.join(d, k + ".json"))))
            n += (c + 24) // 25
        return n

    def best(self, rows):
        """Of repeated runs, the one with the least wall time."""
        return min(rows, key=lambda r: r["wall"])

    def one(self, bname, tool, n, d, rerun=False, conc=None, tag=""):
        reps = []
        for _ in range(self.args.repeat):
            be = self.backend(bname).start()
            try:
                r = self.run_tool(be, tool, n, d, conc=conc, tag=tag)
                rr = None
                if rerun:
                    rr = self.run_tool(be, tool, n, d, rerun_of=r, conc=conc, tag=tag + "-rerun")
                if bname == "dynalite" and n <= self.args.verify_max and not tag:
                    got = sum(be.count(k) for k in KINDS)
                    want = r["items"]
                    r["verified"] = got
                    if got != want and not r.get("extrapolated"):
                        raise SystemExit("bench-import: %s wrote %d items, expected %d" % (tool, got, want))
            finally:
                be.stop()
            reps.append((r, rr))
        r, rr = min(reps, key=lambda x: x[0]["wall"])
        r["repeats"] = len(reps)
        return r, rr

    def run(self):
        a = self.args
        have_ww = self.wwseed_has("import")
        tools = [t for t in a.tools.split(",") if t]
        if not have_ww and any(t.startswith("wwseed") for t in tools):
            self.notes.append("wwseed import not available in this build: its rows are pending")
            log("wwseed import is not built yet: measuring the peers only")
            tools = [t for t in tools if not t.startswith("wwseed")]
        sizes = [int(x) for x in a.sizes.replace(",", " ").split()]
        for n in sizes:
            d = self.gen(n)
            self.validate(n, d)
            for b in a.backends.split(","):
                for t in tools:
                    rerun = b == "dynalite" and t in ("wwseed", "wwseed-ow", "node1")
                    r, rr = self.one(b, t, n, d, rerun=rerun)
                    self.rows.append(r)
                    if rr:
                        self.rows.append(rr)
                self.save()
            if n == a.sweep_size:
                self.run_sweep(have_ww)
        if a.sweep_size not in sizes:
            self.run_sweep(have_ww)
        self.save()
        self.report()

    def run_sweep(self, have_ww):
        """wwseed's items/s against --concurrency, on each backend."""
        a = self.args
        if not (have_ww and a.conc):
            return
        d = self.gen(a.sweep_size)
        for b in a.backends.split(","):
            for t in a.sweep_tools.split(","):
                for c in [int(x) for x in a.conc.replace(",", " ").split()]:
                    r, _ = self.one(b, t, a.sweep_size, d, conc=c, tag="-c%d" % c)
                    self.sweep.append(r)
                self.save()
        self.plot()

    def save(self):
        with open(os.path.join(self.args.work, "results.json"), "w") as f:
            json.dump({"machine": machine(), "rows": self.rows, "sweep": self.sweep,
                       "notes": self.notes}, f, indent=1)

    def plot(self):
        if not shutil.which("gnuplot"):
            self.notes.append("gnuplot missing: no plot")
            return
        dat = os.path.join(self.args.work, "sweep.dat")
        series = []
        with open(dat, "w") as f:
            for b in self.args.backends.split(","):
                for t in self.args.sweep_tools.split(","):
                    pts = [r for r in self.sweep if r["backend"] == b and r["tool"] == t]
                    if not pts:
                        continue
                    f.write("# %s %s\n" % (b, t))
                    for r in pts:
                        f.write("%d %.1f\n" % (r["concurrency"], r["items_per_s"]))
                    f.write("\n\n")
                    series.append((b, t))
        refs = []
        for r in self.rows:
            if r["backend"] == "dynalite" and r["tool"] in ("node1", "node8") and r["size"] == self.args.sweep_size:
                refs.append((r["tool"], r["items_per_s"]))
        title = "wwseed import, %d definitions: items/s against --concurrency" % self.args.sweep_size
        lines = ['set terminal pngcairo size 900,560 noenhanced' if has_cairo() else 'set terminal png size 900,560 noenhanced',
                 'set output "%s"' % os.path.abspath(self.args.png),
                 'set title "%s"' % title, 'set logscale x 2', 'set xrange [0.8:20]',
                 'set xtics (1,2,4,8,16)', 'set xlabel "--concurrency"', 'set ylabel "items/s"',
                 'set logscale y 10', 'set grid', 'set key outside bottom center horizontal']
        plots = []
        for i, (b, t) in enumerate(series):
            label = ("wwseed" if t == "wwseed" else "wwseed --on-conflict overwrite") + \
                (", local dynalite" if b == "dynalite" else ", null sink")
            plots.append('"%s" index %d with linespoints lw 2 pt %d dt %d title "%s"'
                         % (dat, i, 7 if t == "wwseed" else 5, 1 if b == "dynalite" else 4, label))
        names = {"node1": "Node SDK sequential, dynalite", "node8": "Node SDK 8 in flight, dynalite"}
        for t, v in refs:
            plots.append('%f with lines dt 3 lw 2 title "%s"' % (v, names[t]))
        lines.append("plot " + ", ".join(plots))
        gp = os.path.join(self.args.work, "sweep.gp")
        open(gp, "w").write("\n".join(lines) + "\n")
        subprocess.check_call(["gnuplot", gp])
        log("plot: %s" % self.args.png)

    def report(self):
        md = render(self.rows, self.sweep, self.notes, machine())
        p = os.path.join(self.args.work, "results.md")
        open(p, "w").write(md)
        print(md)
        log("results: %s" % p)


def has_cairo():
    try:
        out = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
        return "pngcairo" in (out.stdout + out.stderr)
    except OSError:
        return False


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]) / 1024 / 1024
    ver = lambda c: subprocess.run(c, capture_output=True, text=True).stdout.strip() or "?"
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gib": round(mem, 1),
            "kernel": platform.release(), "node": ver(["node", "--version"]),
            "aws": subprocess.run(["aws", "--version"], capture_output=True, text=True).stdout.strip()
            or subprocess.run(["aws", "--version"], capture_output=True, text=True).stderr.strip(),
            "load_at_end": loadavg(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


NAMES = {"wwseed": "wwseed import", "wwseed-ow": "wwseed import --on-conflict overwrite",
         "wwseed-ow re-run": "wwseed import --on-conflict overwrite, re-run unchanged", "node1": "Node SDK v3, sequential",
         "node8": "Node SDK v3, 8 in flight", "cli": "AWS CLI batch-write-item",
         "wwseed re-run": "wwseed import, re-run unchanged", "node1 re-run": "Node SDK v3 sequential, re-run",
         "wwseed validate": "wwseed validate"}


def render(rows, sweep, notes, mach):
    out = []
    out.append("| server | defs | tool | wall s | client CPU s | items/s | CPU µs/item | max RSS MB | write requests | server CPU s | load |")
    out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        ex = r.get("extrapolated")
        wall, cpu = r["wall"], r["cpu"]
        tool = NAMES.get(r["tool"], r["tool"])
        if ex:
            k = r["total_files"] / r["files"]
            tool += " (sample %d of %d files, extrapolated)" % (r["files"], r["total_files"])
            wall, cpu = wall * k, cpu * k
        wr = r.get("write_requests")
        if ex and wr is not None:
            wr = r["total_files"]
        out.append("| %s | %d | %s | %.2f | %.2f | %.0f | %.0f | %.0f | %s | %s | %s |" % (
            r["backend"], r["size"], tool, wall, cpu, r.get("items_per_s", r["items"] / r["wall"]),
            1e6 * r["cpu"] / r["items"], r["maxrss_kb"] / 1024,
            "-" if wr is None else "%d" % wr,
            "-" if r.get("server_cpu") is None else "%.2f" % r["server_cpu"],
            "-" if r.get("load") is None else "%.1f" % r["load"]))
    out.append("")
    # ratios and targets
    def get(b, n, t):
        for r in rows:
            if r["backend"] == b and r["size"] == n and r["tool"] == t:
                return r
        return None
    sizes = sorted({r["size"] for r in rows})
    tgt = []
    for n in sizes:
      for wt in ("wwseed", "wwseed-ow"):
        for b in ("sink", "dynalite"):
            w = get(b, n, wt)
            if not w:
                continue
            label = "%s, %d defs, %s" % (b, n, NAMES[wt])
            for t in ("node1", "node8", "cli"):
                p = get(b, n, t)
                if not p:
                    continue
                pc = p["cpu"] / p["items"]
                wc = w["cpu"] / w["items"]
                pw = p["wall"] * (p["total_files"] / p["files"] if p.get("extrapolated") else 1)
                out.append("- %s / %s: wall %.3f, CPU per item %.3f (%.1fx lower), max RSS %.2f"
                           % (label, NAMES[t], w["wall"] / pw, wc / pc, pc / wc if wc else 0,
                              w["maxrss_kb"] / p["maxrss_kb"]))
            n1 = get(b, n, "node1")
            if n1:
                ratio = (n1["cpu"] / n1["items"]) / (w["cpu"] / w["items"])
                tgt.append(("%s: client CPU/item >= 20x lower than Node sequential" % label, ratio >= 20, "%.2fx" % ratio))
                tgt.append(("%s: peak memory <= 1/4 of Node sequential" % label,
                            w["maxrss_kb"] <= n1["maxrss_kb"] / 4, "%.2f" % (w["maxrss_kb"] / n1["maxrss_kb"])))
                if b == "sink":
                    tgt.append(("%s: wall <= 1/10 of Node sequential" % label, w["wall"] <= n1["wall"] / 10,
                                "%.2f" % (w["wall"] / n1["wall"])))
            n8 = get(b, n, "node8")
            if b == "dynalite" and n8:
                tgt.append(("%s: wall <= Node 8 in flight" % label, w["wall"] <= n8["wall"],
                            "%.2f" % (w["wall"] / n8["wall"])))
            rr = get(b, n, wt + " re-run")
            if rr:
                tgt.append(("%s: re-run sends 0 writes" % label, rr.get("write_requests") == 0,
                            "%s definition writes, %s ledger writes" % (rr.get("write_requests"), rr.get("ledger_writes"))))
                tgt.append(("%s: re-run wall <= 1/4 of first run" % label, rr["wall"] <= w["wall"] / 4,
                            "%.2f" % (rr["wall"] / w["wall"])))
            if b == "dynalite":
                sc = w.get("server_cpu")
                if sc:
                    out.append("- %s: the server used %.2f s CPU over the %.2f s run (%.0f%% of one core); "
                               "%.0f items per server CPU second"
                               % (label, sc, w["wall"], 100 * sc / w["wall"], w["items"] / sc))
      for b in ("dynalite",):
            n1 = get(b, n, "node1")
            if n1 and n1.get("server_cpu"):
                out.append("- dynalite, %d defs, Node sequential: server CPU %.2f s over %.2f s wall (%.0f%% of a core), "
                           "about %.0f items per server CPU second" % (n, n1["server_cpu"], n1["wall"],
                                                                        100 * n1["server_cpu"] / n1["wall"],
                                                                        n1["items"] / n1["server_cpu"]))
    if tgt:
        out.append("")
        out.append("| target | met | measured |")
        out.append("|---|---|---|")
        for name, ok, val in tgt:
            out.append("| %s | %s | %s |" % (name, "yes" if ok else "**no**", val))
    if sweep:
        out.append("")
        out.append("| server | tool | --concurrency | wall s | items/s | client CPU s | server CPU s |")
        out.append("|---|---|---:|---:|---:|---:|---:|")
        for r in sweep:
            out.append("| %s | %s | %d | %.2f | %.0f | %.2f | %.2f |" % (
                r["backend"], NAMES.get(r["tool"], r["tool"]), r["concurrency"], r["wall"],
                r["items_per_s"], r["cpu"], r["server_cpu"]))
    for x in notes:
        out.append("")
        out.append("Note: " + x)
    out.append("")
    out.append("Machine: %d CPUs (%s), %.1f GiB, Linux %s, %s, %s; load average at the end %.1f; %s."
               % (mach["nproc"], mach["cpu"], mach["mem_gib"], mach["kernel"], mach["node"], mach["aws"],
                  mach["load_at_end"], mach["date"]))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--work", default=os.path.join(HERE, ".work"))
    ap.add_argument("--wwseed", default=os.path.join(ROOT, "wwseed"))
    ap.add_argument("--tools", default="wwseed,wwseed-ow,node1,node8,cli")
    ap.add_argument("--sweep-tools", default="wwseed,wwseed-ow")
    ap.add_argument("--backends", default="sink,dynalite")
    ap.add_argument("--cli-sample", type=int, default=100, help="CLI request files measured when not all are")
    ap.add_argument("--cli-sink-sample", type=int, default=50)
    ap.add_argument("--cli-full-max", type=int, default=10000, help="largest size the CLI runs in full")
    ap.add_argument("--conc", default="1,2,4,8,16")
    ap.add_argument("--sweep-size", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--verify-max", type=int, default=10000, help="largest size whose tables are counted after the run")
    ap.add_argument("--png", default=os.path.join(ROOT, "docs", "bench-concurrency.png"))
    ap.add_argument("--render", help="only render WORK/results.json again")
    a = ap.parse_args()
    if a.render:
        j = json.load(open(a.render))
        print(render(j["rows"], j["sweep"], j["notes"], j["machine"]))
        return
    a.wwseed = os.path.abspath(a.wwseed)
    Bench(a).run()


if __name__ == "__main__":
    main()
