#!/usr/bin/env python3
"""A fault-injecting proxy for the DynamoDB JSON 1.0 protocol (tests only).

Sits between a client (wwseed, the AWS CLI) and a DynamoDB-compatible server
(dynalite) on loopback and, at configured rates, answers the way a real
DynamoDB endpoint misbehaves:

  --throttle P     400 ProvisionedThroughputExceededException, ThrottlingException
                   or RequestLimitExceeded (chosen by the seed); not forwarded
  --error5xx P     500 InternalServerError or 503 ServiceUnavailable; not forwarded
  --partial P      BatchWriteItem: forward a random non-empty proper subset of the
                   put/delete requests, answer the rest as UnprocessedItems (the
                   upstream answer's own UnprocessedItems merged in); BatchGetItem
                   likewise with UnprocessedKeys. Batches of one request pass.
  --drop-after-forward P
                   forward, read the answer, then close the connection without
                   answering (the write happened; the client does not know)
  --delay P --delay-ms N
                   forward, then hold the answer N ms (past the client's timeout)
  --bad-crc P      forward, answer with a wrong x-amz-crc32
  --truncate P     forward, send the headers (full Content-Length) and half the
                   body, then close

Every request draws one number in [0,1) from a generator seeded with
(--seed, request number); the faults own consecutive ranges of [0,1) in the
order above, so rates add up (their sum must be <= 1) and the same seed gives
the same fault for the same request number. With one client sending one
request at a time the whole run is reproducible; --log-file records
"seq op fault" per request so runs can be compared.

--fault-limit N stops injecting after N faults (e.g. exactly one lost
answer).
--tables REGEX limits faults to requests naming a matching table (TableName,
or any RequestItems key), so a run's ledger writes can be spared.
--throttle-types A,B limits the throttling errors to those names
(ProvisionedThroughputExceededException, ThrottlingException,
RequestLimitExceeded).
--ops Op1,Op2 limits faults to those operations (default: all).
--throttle-after-forwards K: once K requests of a faulted operation have been
forwarded, every later one of them is throttled (to exhaust a retry budget
part-way through a run).

Files:
  --port-file F   the port it listens on (127.0.0.1, chosen free), written
                  once ready
  --stats-file F  rewritten atomically after every request: JSON with
                  "requests", "forwarded", "forwarded_by_op", "write_requests_forwarded"
                  (put/delete requests inside forwarded BatchWriteItem calls plus
                  forwarded PutItem/DeleteItem/UpdateItem), "faults" by kind,
                  "expired_rejected", "keys_seen"
  --log-file F    one line per request: "<seq> <op> <fault>"

Expiring credentials (optional): --key-lifetime S makes the proxy answer
400 ExpiredTokenException to any request signed (SigV4 Credential=) with a
temporary access key (ASIA...) first seen more than S seconds earlier. With
tests/support/fake_creds.py --mode container --lifetime S handing out a new
key per fetch, a client that keeps using credentials past their expiry
fails, and one that refreshes in time does not ("expired_rejected" counts
them; "keys_seen" counts distinct keys).

SIGTERM/SIGINT: stop listening, write the stats a last time, exit 0.
"""

import argparse
import binascii
import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NS = "com.amazonaws.dynamodb.v20120810#"
CORAL = "com.amazon.coral.availability#"

THROTTLES = [
    (NS + "ProvisionedThroughputExceededException",
     "The level of configured provisioned throughput for the table was exceeded. "
     "Consider increasing your provisioning level with the UpdateTable API."),
    (CORAL + "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
    (NS + "RequestLimitExceeded",
     "Throughput exceeds the current throughput limit for your account. "
     "Please contact AWS Support at https://aws.amazon.com/support request a limit increase"),
]
SERVER_ERRORS = [
    (500, NS + "InternalServerError", "Internal server error"),
    (503, CORAL + "ServiceUnavailableException", "Service Unavailable"),
]
FAULT_ORDER = ["throttle", "error5xx", "partial", "drop_after_forward", "delay", "bad_crc", "truncate"]
WRITE_OPS = {"PutItem", "DeleteItem", "UpdateItem"}
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "expect", "content-length"}


class State:
    """Counters and configuration shared by the handler threads."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.seq = 0
        self.stats = {
            "requests": 0,
            "forwarded": 0,
            "forwarded_by_op": {},
            "write_requests_forwarded": 0,
            "faulted_op_forwards": 0,
            "faults": {k: 0 for k in FAULT_ORDER},
            "fault_types": {},
            "expired_rejected": 0,
            "keys_seen": 0,
        }
        self.ops = set(args.ops.split(",")) if args.ops else None
        self.tables_rx = re.compile(args.tables) if args.tables else None
        self.granted = 0  # faults handed out, for --fault-limit
        self.log = open(args.log_file, "a", buffering=1) if args.log_file else None
        self.first_seen = {}  # temporary access key id -> when first used

    def next_seq(self):
        with self.lock:
            self.seq += 1
            self.stats["requests"] += 1
            return self.seq

    def count(self, key, n=1, sub=None):
        with self.lock:
            if sub is None:
                self.stats[key] += n
            else:
                d = self.stats[key]
                d[sub] = d.get(sub, 0) + n

    def write_stats(self):
        if not self.args.stats_file:
            return
        with self.lock:
            data = json.dumps(self.stats, sort_keys=True)
        tmp = "%s.%d.%d.tmp" % (self.args.stats_file, os.getpid(), threading.get_ident())
        with open(tmp, "w") as f:
            f.write(data + "\n")
        os.replace(tmp, self.args.stats_file)

    def log_line(self, seq, op, fault):
        if self.log:
            with self.lock:
                self.log.write("%d %s %s\n" % (seq, op, fault))


def crc32(body):
    return str(binascii.crc32(body) & 0xFFFFFFFF)


def request_id(seed, seq):
    return hashlib.sha256(("%s/%d" % (seed, seq)).encode()).hexdigest()[:52].upper()


_tls = threading.local()


def upstream_conn(url):
    """One keep-alive connection to the upstream per handler thread."""
    conn = getattr(_tls, "conn", None)
    if conn is None:
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
        _tls.conn = conn
    return conn


def forward(state, method, path, headers, body):
    """Send the request upstream; returns (status, [(name, value)], body)."""
    fwd = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
    for attempt in (1, 2):
        conn = upstream_conn(state.args.upstream)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for k, v in fwd:
                conn.putheader(k, v)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.getheaders(), data
        except (http.client.HTTPException, OSError):
            # a stale keep-alive connection: reconnect once
            conn.close()
            _tls.conn = None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def split_batch_write(rng, body):
    """Returns (forwarded_body, unprocessed_request_items, n_forwarded) or None."""
    doc = json.loads(body)
    reqs = [(t, r) for t, lst in doc.get("RequestItems", {}).items() for r in lst]
    if len(reqs) < 2:
        return None
    k = rng.randint(1, len(reqs) - 1)
    keep = set(rng.sample(range(len(reqs)), k))
    fwd, rest = {}, {}
    for i, (t, r) in enumerate(reqs):
        (fwd if i in keep else rest).setdefault(t, []).append(r)
    doc["RequestItems"] = fwd
    return json.dumps(doc).encode(), rest, k


def split_batch_get(rng, body):
    doc = json.loads(body)
    keys = [(t, kk) for t, spec in doc.get("RequestItems", {}).items() for kk in spec.get("Keys", [])]
    if len(keys) < 2:
        return None
    k = rng.randint(1, len(keys) - 1)
    keep = set(rng.sample(range(len(keys)), k))
    fwd, rest = {}, {}
    specs = doc["RequestItems"]
    for i, (t, kk) in enumerate(keys):
        target = fwd if i in keep else rest
        if t not in target:
            target[t] = {n: v for n, v in specs[t].items() if n != "Keys"}
            target[t]["Keys"] = []
        target[t]["Keys"].append(kk)
    doc["RequestItems"] = fwd
    return json.dumps(doc).encode(), rest, k


def merge_unprocessed(resp_body, member, rest, is_get):
    doc = json.loads(resp_body) if resp_body else {}
    have = doc.get(member) or {}
    for t, v in rest.items():
        if is_get:
            if t in have:
                have[t]["Keys"].extend(v["Keys"])
            else:
                have[t] = v
        else:
            have.setdefault(t, []).extend(v)
    doc[member] = have
    return json.dumps(doc, separators=(",", ":")).encode()


def count_writes(op, body):
    if op == "BatchWriteItem":
        try:
            doc = json.loads(body)
            return sum(len(v) for v in doc.get("RequestItems", {}).values())
        except ValueError:
            return 0
    return 1 if op in WRITE_OPS else 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    sys_version = ""

    def log_message(self, fmt, *a):  # quiet: the stats and log files say what happened
        pass

    def send_json(self, status, body, seq, crc=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", request_id(self.server.state.args.seed, seq))
        self.send_header("x-amz-crc32", crc if crc is not None else crc32(body))
        self.end_headers()
        self.wfile.write(body)

    def relay(self, status, headers, body, crc_override=None, truncate=False):
        self.send_response(status)
        for k, v in headers:
            lk = k.lower()
            if lk in HOP_BY_HOP or lk in ("date", "server"):
                continue
            if lk == "x-amz-crc32":
                v = crc_override if crc_override is not None else crc32(body)
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.hard_close()
        else:
            self.wfile.write(body)

    def hard_close(self):
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def error(self, status, etype, message, seq):
        body = json.dumps({"__type": etype, "message": message}).encode()
        self.send_json(status, body, seq)

    def do_GET(self):
        self.send_error(405)

    def expired_key(self):
        """The temporary access key id this request is signed with, if it is
        older than --key-lifetime."""
        st = self.server.state
        if st.args.key_lifetime is None:
            return None
        m = re.search(r"Credential=(ASIA[A-Za-z0-9]+)/", self.headers.get("Authorization", ""))
        if not m:
            return None
        now = time.time()
        with st.lock:
            if m.group(1) not in st.first_seen:
                st.first_seen[m.group(1)] = now
                st.stats["keys_seen"] += 1
            born = st.first_seen[m.group(1)]
        return m.group(1) if now - born > st.args.key_lifetime else None

    def names_table(self, body):
        rx = self.server.state.tables_rx
        if rx is None:
            return True
        try:
            doc = json.loads(body)
        except ValueError:
            return False
        names = list((doc.get("RequestItems") or {}).keys())
        if doc.get("TableName"):
            names.append(doc["TableName"])
        return any(rx.search(n) for n in names)

    def do_POST(self):
        st = self.server.state
        a = st.args
        n = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(n)
        target = self.headers.get("X-Amz-Target", "")
        op = target.split(".", 1)[1] if "." in target else target
        seq = st.next_seq()
        headers = list(self.headers.items())
        try:
            self.handle_op(st, a, op, seq, headers, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            st.write_stats()

    def handle_op(self, st, a, op, seq, headers, body):
        if self.expired_key():
            st.count("expired_rejected")
            st.log_line(seq, op, "expired")
            self.error(400, "com.amazon.coral.service#ExpiredTokenException",
                       "The security token included in the request is expired", seq)
            return
        faulted = (st.ops is None or op in st.ops) and self.names_table(body)
        rng = random.Random("%s/%d" % (a.seed, seq))
        r = rng.random()
        fault = "none"
        if faulted:
            acc = 0.0
            for name in FAULT_ORDER:
                acc += getattr(a, name)
                if r < acc:
                    fault = name
                    break
            if a.throttle_after_forwards is not None:
                with st.lock:
                    over = st.stats["faulted_op_forwards"] >= a.throttle_after_forwards
                if over:
                    fault = "throttle"
        if fault == "partial" and op not in ("BatchWriteItem", "BatchGetItem"):
            fault = "none"
        if fault != "none" and a.fault_limit is not None:
            with st.lock:
                if st.granted >= a.fault_limit:
                    fault = "none"
                else:
                    st.granted += 1

        if fault == "throttle":
            choices = [t for t in THROTTLES if not a.throttle_types or t[0].split("#")[1] in a.throttle_types]
            etype, msg = choices[rng.randrange(len(choices))]
            st.count("faults", sub="throttle")
            st.count("fault_types", sub=etype.split("#")[1])
            st.log_line(seq, op, "throttle:" + etype.split("#")[1])
            self.error(400, etype, msg, seq)
            return
        if fault == "error5xx":
            status, etype, msg = SERVER_ERRORS[rng.randrange(len(SERVER_ERRORS))]
            st.count("faults", sub="error5xx")
            st.count("fault_types", sub=etype.split("#")[1])
            st.log_line(seq, op, "error5xx:%d" % status)
            self.error(status, etype, msg, seq)
            return

        rest = None
        fwd_body = body
        if fault == "partial":
            split = (split_batch_write if op == "BatchWriteItem" else split_batch_get)(rng, body)
            if split is None:
                fault = "none"
            else:
                fwd_body, rest, _ = split

        status, rheaders, rbody = forward(st, self.command, self.path, headers, fwd_body)
        st.count("forwarded")
        st.count("forwarded_by_op", sub=op)
        if faulted:
            st.count("faulted_op_forwards")
        if status == 200:
            st.count("write_requests_forwarded", count_writes(op, fwd_body))

        if fault == "partial" and status == 200:
            is_get = op == "BatchGetItem"
            rbody = merge_unprocessed(rbody, "UnprocessedKeys" if is_get else "UnprocessedItems", rest, is_get)
            st.count("faults", sub="partial")
            st.log_line(seq, op, "partial:%d" % sum(len(v["Keys"]) if is_get else len(v) for v in rest.values()))
            self.relay(status, rheaders, rbody)
            return
        if fault == "partial":  # upstream refused the subset: pass its answer on
            fault = "none"
        st.log_line(seq, op, fault)
        if fault == "drop_after_forward":
            st.count("faults", sub=fault)
            self.hard_close()
            return
        if fault == "delay":
            st.count("faults", sub=fault)
            time.sleep(a.delay_ms / 1000.0)
            self.relay(status, rheaders, rbody)
            return
        if fault == "bad_crc":
            st.count("faults", sub=fault)
            good = int(crc32(rbody))
            self.relay(status, rheaders, rbody, crc_override=str((good + 1) & 0xFFFFFFFF))
            return
        if fault == "truncate":
            st.count("faults", sub=fault)
            self.relay(status, rheaders, rbody, truncate=True)
            return
        self.relay(status, rheaders, rbody)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description="fault-injecting DynamoDB proxy (tests)")
    p.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of the real server")
    p.add_argument("--port-file", required=True)
    p.add_argument("--stats-file")
    p.add_argument("--log-file")
    p.add_argument("--seed", default="1")
    p.add_argument("--port", type=int, default=0)
    for name in FAULT_ORDER:
        p.add_argument("--" + name.replace("_", "-"), type=float, default=0.0)
    p.add_argument("--delay-ms", type=int, default=5000)
    p.add_argument("--ops", help="comma-separated operations to fault (default all)")
    p.add_argument("--throttle-after-forwards", type=int)
    p.add_argument("--fault-limit", type=int, help="inject at most N faults in all")
    p.add_argument("--tables", help="regex: fault only requests naming a matching table")
    p.add_argument("--throttle-types", type=lambda v: v.split(","), default=None,
                   help="limit throttles to these error names (default: all three)")
    p.add_argument("--key-lifetime", type=float)
    args = p.parse_args(argv)
    total = sum(getattr(args, n) for n in FAULT_ORDER)
    if total > 1.0 + 1e-9:
        p.error("fault rates add up to %.3f > 1" % total)
    u = urllib.parse.urlsplit(args.upstream)
    if u.scheme != "http" or u.hostname not in ("127.0.0.1", "localhost", "::1"):
        p.error("upstream must be http:// on loopback")

    state = State(args)
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.state = state
    servers = [srv]
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
               for s in servers]
    for t in threads:
        t.start()
    state.write_stats()
    write_file(args.port_file, "%d\n" % srv.server_address[1])

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop.wait(0.05):
        pass
    for s in servers:
        s.shutdown()
        s.server_close()
    state.write_stats()
    if state.log:
        state.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
