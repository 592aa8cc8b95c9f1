#!/usr/bin/env python3
"""Table settings the local server cannot hold, added in front of it (tests only).

dynalite keeps a table's keys, attributes, indexes and billing mode but
drops its stream, encryption and deletion protection, answers every
DescribeTimeToLive with DISABLED and does not know UpdateTimeToLive,
DescribeContinuousBackups or UpdateContinuousBackups. This proxy forwards
everything to dynalite and keeps those settings itself, answering in
DynamoDB's JSON 1.0 wire format (x-amz-crc32 included) so the code paths that
apply and compare them can be tested against a server that has them:

  CreateTable            forwarded; on success the request's StreamSpecification,
                         SSESpecification and DeletionProtectionEnabled are kept
  DescribeTable          forwarded; the kept settings are added as DynamoDB
                         describes them (StreamSpecification, SSEDescription,
                         DeletionProtectionEnabled always present)
  DeleteTable            forwarded; the table's settings are forgotten
  UpdateTimeToLive, DescribeTimeToLive, UpdateContinuousBackups,
  DescribeContinuousBackups
                         answered here for tables that exist upstream;
                         ResourceNotFoundException otherwise; enabling TTL
                         twice is the ValidationException DynamoDB gives

  settings_proxy.py --upstream URL --port-file F
"""
import argparse
import json
import threading
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "DynamoDB_20120810."
lock = threading.Lock()
tables = {}  # name -> {"stream":..., "sse":..., "dp":..., "ttl":..., "pitr":...}


def upstream_call(url, headers, body):
    req = urllib.request.Request(url, data=body, method="POST")
    for k, v in headers.items():
        if k.lower() not in ("host", "content-length", "connection", "accept-encoding"):
            req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, obj_or_bytes):
        body = obj_or_bytes if isinstance(obj_or_bytes, bytes) else json.dumps(obj_or_bytes).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-crc32", str(zlib.crc32(body) & 0xFFFFFFFF))
        self.send_header("x-amzn-RequestId", "settings-proxy")
        self.end_headers()
        self.wfile.write(body)

    def error(self, kind, message):
        self.answer(400, {"__type": "com.amazonaws.dynamodb.v20120810#" + kind, "message": message})

    def exists(self, name):
        status, _ = upstream_call(self.server.upstream, self.fwd_headers("DescribeTable"),
                                  json.dumps({"TableName": name}).encode())
        return status == 200

    def fwd_headers(self, op):
        h = {k: v for k, v in self.headers.items()}
        h["X-Amz-Target"] = PREFIX + op
        return h

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        op = self.headers.get("X-Amz-Target", "").replace(PREFIX, "")
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            req = {}
        name = req.get("TableName", "")

        if op in ("UpdateTimeToLive", "DescribeTimeToLive", "UpdateContinuousBackups",
                  "DescribeContinuousBackups"):
            if not self.exists(name):
                return self.error("ResourceNotFoundException", "Requested resource not found: Table: %s not found" % name)
            with lock:
                s = tables.setdefault(name, {})
                if op == "UpdateTimeToLive":
                    spec = req.get("TimeToLiveSpecification", {})
                    if spec.get("Enabled") and s.get("ttl"):
                        return self.error("ValidationException", "TimeToLive is already enabled")
                    s["ttl"] = spec.get("AttributeName") if spec.get("Enabled") else None
                    return self.answer(200, {"TimeToLiveSpecification": spec})
                if op == "DescribeTimeToLive":
                    d = {"TimeToLiveStatus": "ENABLED", "AttributeName": s["ttl"]} if s.get("ttl") else {"TimeToLiveStatus": "DISABLED"}
                    return self.answer(200, {"TimeToLiveDescription": d})
                if op == "UpdateContinuousBackups":
                    s["pitr"] = bool(req.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"))
                return self.answer(200, {"ContinuousBackupsDescription": {
                    "ContinuousBackupsStatus": "ENABLED",
                    "PointInTimeRecoveryDescription": {
                        "PointInTimeRecoveryStatus": "ENABLED" if s.get("pitr") else "DISABLED"}}})

        status, out = upstream_call(self.server.upstream, dict(self.headers.items()), body)
        if status == 200 and op == "CreateTable":
            with lock:
                tables[name] = {
                    "stream": req.get("StreamSpecification"),
                    "sse": req.get("SSESpecification"),
                    "dp": bool(req.get("DeletionProtectionEnabled")),
                }
        elif status == 200 and op == "DeleteTable":
            with lock:
                tables.pop(name, None)
        elif status == 200 and op == "DescribeTable":
            doc = json.loads(out)
            with lock:
                s = tables.get(name, {})
            t = doc["Table"]
            if s.get("stream") and s["stream"].get("StreamEnabled"):
                t["StreamSpecification"] = s["stream"]
                t["LatestStreamArn"] = t["TableArn"] + "/stream/2026-01-01T00:00:00.000"
            if s.get("sse") and s["sse"].get("Enabled"):
                t["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS",
                                       "KMSMasterKeyArn": "arn:aws:kms:us-east-1:000000000000:key/aws-dynamodb"}
            t["DeletionProtectionEnabled"] = bool(s.get("dp"))
            out = json.dumps(doc).encode()
        return self.answer(status, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.upstream = a.upstream
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
