#!/usr/bin/env python3
"""Loopback fakes that speak the real wire formats wwseed's aws/ layer talks.

  --mode http       an HTTP/1.1 server (https with --tls-cert) for the transport tests:
                    /status/<code>, /echo (method, headers and body back as
                    JSON), /slow?ms=N, /stats (connections and requests seen);
                    every mode: /last (the previous request, as /echo shows it)
  --mode sts        STS AssumeRoleWithWebIdentity (form POST, XML answer)
  --mode container  ECS/EKS container credentials (JSON, Authorization header)
  --mode imds       EC2 instance metadata, IMDSv2 (token PUT, then GETs)
  --mode process    not a server: prints credential_process JSON (Version 1)

Servers bind 127.0.0.1 on a free port, write it to --port-file (atomically)
and serve until killed. Every credential handed out is numbered, so a test
can tell a refresh from a cached copy: AccessKeyId ASIA<MODE><n>, secret
"secret-<mode>-<n>", token "token-<mode>-<n>"; /stats counts fetches.
--lifetime sets how long credentials live (seconds from now); a test with a
simulated clock sets the fake's "now" with GET /clock?set=<epoch seconds>.
"""
import argparse
import datetime
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {"connections": 0, "requests": 0, "fetches": 0}
LOCK = threading.Lock()
ARGS = None
IMDS_TOKEN = "imds-session-token-0123456789"


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now():
    """The fake's clock: real time unless a test set it with /clock?set=T."""
    with LOCK:
        return STATE.get("clock") or time.time()


def issue(mode):
    with LOCK:
        STATE["fetches"] += 1
        n = STATE["fetches"]
    return {
        "AccessKeyId": "ASIA%s%d" % (mode.upper(), n),
        "SecretAccessKey": "secret-%s-%d" % (mode, n),
        "SessionToken": "token-%s-%d" % (mode, n),
        "Expiration": iso(now() + ARGS.lifetime),
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse shows

    def setup(self):
        super().setup()
        # headers and body go out in two writes: without this, Nagle plus the
        # client's delayed ACK adds 40 ms to every keep-alive response
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with LOCK:
            STATE["connections"] += 1

    def log_message(self, fmt, *args):  # quiet
        pass

    def send(self, status, body, ctype="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def dispatch(self):
        with LOCK:
            STATE["requests"] += 1
        body = self.read_body()
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/stats":
            with LOCK:
                return self.send(200, json.dumps(STATE))
        if url.path == "/clock":
            t = urllib.parse.parse_qs(url.query).get("set", ["0"])[0]
            with LOCK:
                STATE["clock"] = float(t)
            return self.send(200, json.dumps({"clock": float(t)}))
        if url.path == "/last":
            with LOCK:
                return self.send(200, json.dumps(STATE.get("last", {})))
        with LOCK:
            STATE["last"] = {"method": self.command, "path": self.path,
                             "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": body.decode("utf-8", "replace")}
        getattr(self, "mode_" + ARGS.mode)(url, body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = dispatch

    # ---- http: the transport tests --------------------------------------
    def mode_http(self, url, body):
        if url.path.startswith("/status/"):
            code = int(url.path[len("/status/"):])
            return self.send(code, "status %d" % code, "text/plain",
                             [("X-Test-Header", "Value-Here"), ("x-amzn-RequestId", "req-%d" % code)])
        if url.path == "/slow":
            ms = int(urllib.parse.parse_qs(url.query).get("ms", ["1000"])[0])
            time.sleep(ms / 1000.0)
            return self.send(200, "slow done", "text/plain")
        if url.path == "/echo":
            return self.send(200, json.dumps({
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }))
        return self.send(404, "no such path", "text/plain")

    # ---- sts: AssumeRoleWithWebIdentity ----------------------------------
    def mode_sts(self, url, body):
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        get = lambda k: form.get(k, [""])[0]
        if self.command != "POST" or get("Action") != "AssumeRoleWithWebIdentity" or get("Version") != "2011-06-15":
            return self.sts_error(400, "InvalidAction", "unexpected request %s %s" % (self.command, get("Action")))
        if ARGS.expect_token and get("WebIdentityToken") != ARGS.expect_token:
            return self.sts_error(400, "InvalidIdentityToken", "token not accepted")
        if "denied" in get("RoleArn"):
            return self.sts_error(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        c = issue("sts")
        xml = """<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>%s/%s</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:%s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>%s</SessionToken>
      <SecretAccessKey>%s</SecretAccessKey>
      <Expiration>%s</Expiration>
      <AccessKeyId>%s</AccessKeyId>
    </Credentials>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>""" % (get("RoleArn"), get("RoleSessionName"), get("RoleSessionName"),
                                           c["SessionToken"], c["SecretAccessKey"], c["Expiration"], c["AccessKeyId"])
        self.send(200, xml, "text/xml")

    def sts_error(self, status, code, message):
        self.send(status, """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>""" % (code, message), "text/xml")

    # ---- container credentials -------------------------------------------
    def mode_container(self, url, body):
        if ARGS.expect_auth is not None and self.headers.get("Authorization") != ARGS.expect_auth:
            return self.send(401, json.dumps({"code": "Unauthorized", "message": "bad authorization token"}))
        if ARGS.expect_path and url.path != ARGS.expect_path:
            return self.send(404, json.dumps({"code": "NotFound", "message": "no credentials at " + url.path}))
        c = issue("container")
        self.send(200, json.dumps({"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                                   "Token": c["SessionToken"], "Expiration": c["Expiration"],
                                   "RoleArn": "arn:aws:iam::123456789012:role/task"}))

    # ---- EC2 instance metadata, IMDSv2 -----------------------------------
    def mode_imds(self, url, body):
        base = "/latest/meta-data/iam/security-credentials/"
        if url.path == "/latest/api/token":
            if self.command != "PUT" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.send(400, "", "text/plain")
            return self.send(200, IMDS_TOKEN, "text/plain",
                             [("X-aws-ec2-metadata-token-ttl-seconds", self.headers["X-aws-ec2-metadata-token-ttl-seconds"])])
        if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
            return self.send(401, "", "text/plain")
        if url.path == base:
            return self.send(200, "wwseed-instance-role", "text/plain")
        if url.path == base + "wwseed-instance-role":
            c = issue("imds")
            return self.send(200, json.dumps({"Code": "Success", "LastUpdated": iso(time.time()), "Type": "AWS-HMAC",
                                              "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                                              "Token": c["SessionToken"], "Expiration": c["Expiration"]}, indent=2))
        return self.send(404, "", "text/plain")


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=["http", "sts", "container", "imds", "process"])
    p.add_argument("--port-file")
    p.add_argument("--lifetime", type=int, default=3600)
    p.add_argument("--expect-token")
    p.add_argument("--expect-auth")
    p.add_argument("--expect-path")
    p.add_argument("--label", default="")
    p.add_argument("--tls-cert", help="serve https with this certificate (PEM, key included)")
    ARGS = p.parse_args()
    if ARGS.mode == "process":
        c = issue("process")
        c["AccessKeyId"] += ARGS.label.replace(" ", "_")
        out = {"Version": 1}
        out.update(c)
        print(json.dumps(out))
        return
    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that gave up (timeout tests) is expected

    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if ARGS.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
