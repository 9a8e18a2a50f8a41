#!/usr/bin/env python3
"""Stand-in kube-apiserver for the vipdrill lab: a real TLS server on :6443.

Answers like kube-apiserver to anonymous clients: GET /version (the version.Info JSON), /healthz,
/livez and /readyz ("ok"), 403 for anything else. While /run/vipdrill/apiserver-unhealthy exists the
health endpoints answer 500 with the verbose failure body (on purpose, for drills); /version keeps
answering, as on a real apiserver whose etcd is gone.
"""
import json
import os
import signal
import socket
import ssl
import sys
import threading

CERT = "/etc/vipdrill/apiserver/tls.crt"
KEY = "/etc/vipdrill/apiserver/tls.key"
UNHEALTHY = "/run/vipdrill/apiserver-unhealthy"
PORT = int(os.environ.get("APISERVER_PORT", "6443"))
HANDSHAKE_TIMEOUT_S = 5
IDLE_TIMEOUT_S = 60
NODE = socket.gethostname()

VERSION = json.dumps({
    "major": "1", "minor": "34", "emulationMajor": "1", "emulationMinor": "34",
    "minCompatibilityMajor": "1", "minCompatibilityMinor": "33",
    "gitVersion": "v1.34.0-vipdrill", "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean", "buildDate": "2025-08-27T10:09:04Z", "goVersion": "go1.24.6",
    "compiler": "gc", "platform": "linux/amd64",
}, indent=2).encode()
FORBIDDEN = json.dumps({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "forbidden: User \"system:anonymous\" cannot get path \"{path}\"",
    "reason": "Forbidden", "details": {}, "code": 403,
})
UNHEALTHY_BODY = b"[+]ping ok\n[-]etcd failed: reason withheld\nhealthz check failed\n"
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 500: "Internal Server Error"}


def respond(path):
    path = path.split("?", 1)[0]
    if path in ("/version", "/version/"):
        return 200, "application/json", VERSION
    if path in ("/healthz", "/livez", "/readyz"):
        if os.path.exists(UNHEALTHY):
            return 500, "text/plain; charset=utf-8", UNHEALTHY_BODY
        return 200, "text/plain; charset=utf-8", b"ok"
    return 403, "application/json", FORBIDDEN.replace("{path}", path).encode()


def read_request(conn, buf):
    """Return (method, path, keep_alive, rest) for one request, or None when the client is gone."""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(8192)
        if not chunk:
            return None
        buf += chunk
        if len(buf) > 65536:
            return None
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or "0")
    while len(rest) < length:
        chunk = conn.recv(8192)
        if not chunk:
            return None
        rest += chunk
    rest = rest[length:]
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if parts[2] == "HTTP/1.1" else connection == "keep-alive"
    return parts[0], parts[1], keep_alive, rest


def serve(raw, context):
    # The handshake runs here, in the connection's own thread: a slow or dead client stalls nobody.
    try:
        raw.settimeout(HANDSHAKE_TIMEOUT_S)
        conn = context.wrap_socket(raw, server_side=True)
        conn.settimeout(IDLE_TIMEOUT_S)
        buf = b""
        while True:
            request = read_request(conn, buf)
            if request is None:
                break
            method, path, keep_alive, buf = request
            status, ctype, body = respond(path) if method in ("GET", "HEAD") else (400, "text/plain", b"bad request")
            head = (
                f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\nX-Vipdrill-Node: {NODE}\r\n"
                f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
            ).encode()
            conn.sendall(head + (b"" if method == "HEAD" else body))
            if not keep_alive:
                break
        conn.close()
    except (OSError, ssl.SSLError, ValueError):
        pass
    finally:
        try:
            raw.close()
        except OSError:
            pass


def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT, KEY)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", PORT))
    listener.listen(1024)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=serve, args=(raw, context), daemon=True).start()


if __name__ == "__main__":
    main()
