#!/usr/bin/env python3
"""Stand-in kube-apiserver for the vipdrill lab: a real TLS server on :6443 (python3 stdlib only).

Answers like kube-apiserver does to anonymous clients: GET /version (the version.Info JSON),
/healthz, /livez and /readyz ("ok"), a 403 Status for anything else. While
/run/vipdrill/apiserver-unhealthy exists the health endpoints answer 500 with the verbose failure
body (on purpose, for drills); /version keeps answering, as on a real apiserver whose etcd is gone.
Every response carries X-Vipdrill-Node: <hostname>, so a probe can tell which backend answered.
"""
import email.utils
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

CERT = "/etc/vipdrill/apiserver/tls.crt"
KEY = "/etc/vipdrill/apiserver/tls.key"
UNHEALTHY = "/run/vipdrill/apiserver-unhealthy"
PORT = int(os.environ.get("APISERVER_PORT", "6443"))
# A client that connects and says nothing must not hold a thread for long.
HANDSHAKE_TIMEOUT_S = 5
IDLE_TIMEOUT_S = 60
MAX_HEAD_BYTES = 65536
NODE = socket.gethostname()

# kube-apiserver writes /version indented (responsewriters.WriteRawJSON uses MarshalIndent).
VERSION = json.dumps({
    "major": "1", "minor": "34", "emulationMajor": "1", "emulationMinor": "34",
    "minCompatibilityMajor": "1", "minCompatibilityMinor": "33",
    "gitVersion": "v1.34.0-vipdrill", "gitCommit": "f28b4c9efbca5c5c0af716d9f2d5702667ee8a45",
    "gitTreeState": "clean", "buildDate": "2025-08-27T10:09:04Z", "goVersion": "go1.24.6",
    "compiler": "gc", "platform": "linux/amd64",
}, indent=2).encode()
FORBIDDEN = {
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": None, "reason": "Forbidden", "details": {}, "code": 403,
}
UNHEALTHY_BODY = b"[+]ping ok\n[-]etcd failed: reason withheld\nhealthz check failed\n"
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 500: "Internal Server Error"}
TEXT = "text/plain; charset=utf-8"


def respond(method, target):
    path = target.split("?", 1)[0]
    if method in ("GET", "HEAD"):
        if path in ("/version", "/version/"):
            return 200, "application/json", VERSION
        if path in ("/healthz", "/livez", "/readyz"):
            if os.path.exists(UNHEALTHY):
                return 500, TEXT, UNHEALTHY_BODY
            return 200, TEXT, b"ok"
    verb = {"GET": "get", "HEAD": "get", "POST": "post", "PUT": "put", "DELETE": "delete", "PATCH": "patch"}.get(method, method.lower())
    status = dict(FORBIDDEN, message=f'forbidden: User "system:anonymous" cannot {verb} path "{path}"')
    return 403, "application/json", json.dumps(status, separators=(",", ":")).encode() + b"\n"


def read_request(conn, buf):
    """(method, target, keep_alive, rest) for the next request on conn, or None when it is over."""
    while b"\r\n\r\n" not in buf:
        if len(buf) > MAX_HEAD_BYTES:
            return None
        chunk = conn.recv(16384)
        if not chunk:
            return None
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return None  # no client of a health endpoint streams a body; close rather than misparse
    length = int(headers.get("content-length", "0") or "0")
    while len(rest) < length:
        chunk = conn.recv(16384)
        if not chunk:
            return None
        rest += chunk
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if parts[2] == "HTTP/1.1" else connection == "keep-alive"
    return parts[0], parts[1], keep_alive, rest[length:]


def serve(raw, context):
    # The handshake runs here, in the connection's own thread and under a timeout, so a slow or
    # dead client stalls only itself, never accept().
    conn = None
    try:
        raw.settimeout(HANDSHAKE_TIMEOUT_S)
        conn = context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        conn.do_handshake()
        conn.settimeout(IDLE_TIMEOUT_S)
        buf = b""
        while True:
            request = read_request(conn, buf)
            if request is None:
                break
            method, target, keep_alive, buf = request
            status, ctype, body = respond(method, target)
            head = (
                f"HTTP/1.1 {status} {REASONS[status]}\r\n"
                "Cache-Control: no-cache, private\r\n"
                f"Content-Type: {ctype}\r\n"
                "X-Content-Type-Options: nosniff\r\n"
                f"X-Vipdrill-Node: {NODE}\r\n"
                f"Date: {email.utils.formatdate(usegmt=True)}\r\n"
                f"Content-Length: {len(body)}\r\n"
                f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
            ).encode()
            conn.sendall(head if method == "HEAD" else head + body)
            if not keep_alive:
                break
    except (OSError, ValueError):  # ssl.SSLError and socket.timeout are OSErrors
        pass
    finally:
        try:
            (conn or raw).close()
        except OSError:
            pass


def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(CERT, KEY)
    # Go clients offer h2 first; we speak HTTP/1.1 only, and say so.
    context.set_alpn_protocols(["http/1.1"])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", PORT))
    listener.listen(4096)
    # systemctl stop sends SIGTERM: exit 0, so Restart=on-failure leaves the unit stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"kube-apiserver stand-in on {NODE}: serving TLS on 0.0.0.0:{PORT}", file=sys.stderr, flush=True)
    while True:
        try:
            raw, _ = listener.accept()
        except OSError:  # EMFILE and friends: back off a little, keep serving
            time.sleep(0.01)
            continue
        try:
            threading.Thread(target=serve, args=(raw, context), daemon=True).start()
        except RuntimeError:  # no thread left for it: refuse this client, not all of them
            raw.close()


if __name__ == "__main__":
    main()
