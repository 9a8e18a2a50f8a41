#!/usr/bin/env python3
"""Stand-in kube-apiserver for the vipdrill lab: a real TLS server on :6443 (python3 stdlib only).

Answers like kube-apiserver does to anonymous clients: GET /version (the version.Info JSON),
/healthz, /livez and /readyz ("ok"), a 403 Status for anything else. While
/run/vipdrill/apiserver-unhealthy exists the health endpoints answer 500 with the verbose failure
body (on purpose, for drills); /version keeps answering, as on a real apiserver whose etcd is gone.
Every response carries X-Vipdrill-Node: <hostname>, so a probe can tell which backend answered.

Where /etc/vipdrill/apiserver/etcd-servers exists (its --etcd-servers, e.g. http://127.0.0.1:2379)
it also serves the coordination.k8s.io/v1 Lease API (get, list, create, update, delete), stored in
that etcd under /registry/leases/<ns>/<name> (as JSON, like --storage-media-type=application/json;
resourceVersion = the key's mod_revision) through etcd's v3 JSON gateway. Clients authenticate as
kube-apiserver's x509 authenticator does (user = CN, groups = O, certificates signed by ca.crt);
Lease access needs group system:masters or kubeadm:cluster-admins, others get RBAC's 403. /healthz
and /readyz fail while a linearizable read of etcd fails (no quorum); /livez and /version do not.
"""
import base64
import datetime
import email.utils
import json
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

CERT = "/etc/vipdrill/apiserver/tls.crt"
KEY = "/etc/vipdrill/apiserver/tls.key"
CA = "/etc/vipdrill/apiserver/ca.crt"
ETCD_SERVERS_FILE = "/etc/vipdrill/apiserver/etcd-servers"
UNHEALTHY = "/run/vipdrill/apiserver-unhealthy"
PORT = int(os.environ.get("APISERVER_PORT", "6443"))
# A client that connects and says nothing must not hold a thread for long.
HANDSHAKE_TIMEOUT_S = 5
IDLE_TIMEOUT_S = 60
MAX_HEAD_BYTES = 65536
MAX_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's request body limit
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
REASONS = {
    200: "OK", 201: "Created", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 415: "Unsupported Media Type",
    422: "Unprocessable Entity", 500: "Internal Server Error", 504: "Gateway Timeout",
}
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"


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
    """(method, target, keep_alive, rest, headers, body) for the next request on conn, or None."""
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
    if length > MAX_BODY_BYTES:
        return None
    if length > len(rest) and headers.get("expect", "").lower() == "100-continue":
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")  # curl waits for it before a body > 1 KiB
    while len(rest) < length:
        chunk = conn.recv(16384)
        if not chunk:
            return None
        rest += chunk
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if parts[2] == "HTTP/1.1" else connection == "keep-alive"
    return parts[0], parts[1], keep_alive, rest[length:], headers, rest[:length]


def serve(raw, context):
    # The handshake runs here, in the connection's own thread and under a timeout, so a slow or
    # dead client stalls only itself, never accept().
    conn = None
    try:
        # TLS 1.3 sends its session tickets after the handshake: with Nagle on, the response then
        # waits for the client's delayed ACK of them (40 ms), which every fresh-connection probe would
        # pay. kube-apiserver (Go) sets TCP_NODELAY on every connection too.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        raw.settimeout(HANDSHAKE_TIMEOUT_S)
        conn = context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        conn.do_handshake()
        conn.settimeout(IDLE_TIMEOUT_S)
        buf = b""
        while True:
            request = read_request(conn, buf)
            if request is None:
                break
            method, target, keep_alive, buf, headers, payload = request
            if API is None:
                status, ctype, body = respond(method, target)
            else:
                status, ctype, body = API.respond(method, target, headers, payload, user_of(conn))
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


# ---- The Lease API (only where etcd-servers exists) ----------------------------------------------

API = None  # a LeaseApi once main() found etcd-servers
LEASE_GROUP = "coordination.k8s.io"
ADMIN_GROUPS = ("system:masters", "kubeadm:cluster-admins")
ETCD_TIMEOUT_S = float(os.environ.get("APISERVER_ETCD_TIMEOUT_S", "7"))  # etcd's own: 5 s + 2 elections
HEALTH_TIMEOUT_S = 2.0  # --etcd-healthcheck-timeout's default
LEASES_PATH = re.compile(r"^/apis/coordination\.k8s\.io/v1/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/leases(?:/([^/]+))?/?$")
SPEC_FIELDS = ("holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime", "leaseTransitions", "strategy", "preferredHolder")
NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


class EtcdError(Exception):
    """An etcd call that failed; str() is what kube-apiserver passes on (etcdserver: ...)."""


def b64(text):
    return base64.b64encode(text.encode()).decode()


class Etcd:
    """etcd's v3 JSON gateway (POST /v3/kv/...), each call under a timeout."""

    def __init__(self, servers):
        self.servers = servers

    def call(self, path, request, timeout=ETCD_TIMEOUT_S):
        data = json.dumps(request).encode()
        last = None
        for server in self.servers:  # the next endpoint only when one refuses, as the etcd client balances
            try:
                req = urllib.request.Request(server + path, data=data, headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=timeout) as response:
                    return json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                try:
                    body = json.loads(error.read() or b"{}")
                except ValueError:
                    body = {}
                raise EtcdError(body.get("message") or body.get("error") or f"etcd answered {error.code}") from None
            except (socket.timeout, TimeoutError):
                raise EtcdError("etcdserver: request timed out") from None
            except (urllib.error.URLError, OSError, ValueError) as error:
                reason = getattr(error, "reason", error)
                if isinstance(reason, (socket.timeout, TimeoutError)):
                    raise EtcdError("etcdserver: request timed out") from None
                last = error
        raise EtcdError(f"dial tcp {self.servers[-1].split('//', 1)[-1]}: connect: {getattr(last, 'reason', last)}")

    def get(self, key):
        """(value dict, mod_revision) or None. Linearizable, as kube-apiserver's GET of one object."""
        kvs = self.call("/v3/kv/range", {"key": b64(key)}).get("kvs") or []
        if not kvs:
            return None
        return json.loads(base64.b64decode(kvs[0].get("value", ""))), int(kvs[0]["mod_revision"])

    def list(self, prefix):
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        reply = self.call("/v3/kv/range", {"key": b64(prefix), "range_end": b64(end)})
        items = [(json.loads(base64.b64decode(kv.get("value", ""))), int(kv["mod_revision"])) for kv in reply.get("kvs") or []]
        return items, int(reply.get("header", {}).get("revision", "0"))

    def put_if(self, key, value, mod_revision):
        """Write value if the key's mod_revision is still mod_revision (0: if it does not exist).
        (True, new revision) or (False, the current (value, mod_revision) or None)."""
        compare = ({"key": b64(key), "target": "CREATE", "result": "EQUAL", "create_revision": "0"} if mod_revision == 0
                   else {"key": b64(key), "target": "MOD", "result": "EQUAL", "mod_revision": str(mod_revision)})
        reply = self.call("/v3/kv/txn", {
            "compare": [compare],
            "success": [{"request_put": {"key": b64(key), "value": b64(json.dumps(value, separators=(",", ":")))}}],
            "failure": [{"request_range": {"key": b64(key)}}],
        })
        if reply.get("succeeded"):
            return True, int(reply["header"]["revision"])
        kvs = ((reply.get("responses") or [{}])[0].get("response_range") or {}).get("kvs") or []
        return False, ((json.loads(base64.b64decode(kvs[0].get("value", ""))), int(kvs[0]["mod_revision"])) if kvs else None)

    def delete_if(self, key, mod_revision):
        reply = self.call("/v3/kv/txn", {
            "compare": [{"key": b64(key), "target": "MOD", "result": "EQUAL", "mod_revision": str(mod_revision)}],
            "success": [{"request_delete_range": {"key": b64(key)}}],
        })
        return bool(reply.get("succeeded"))


def user_of(conn):
    """(name, groups) from a verified client certificate, as the x509 authenticator maps it."""
    try:
        cert = conn.getpeercert()
    except (ValueError, OSError):
        cert = None
    if not cert:
        return "system:anonymous", ["system:unauthenticated"]
    fields = [pair for rdn in cert.get("subject", ()) for pair in rdn]
    name = next((v for k, v in fields if k == "commonName"), "")
    if not name:
        return "system:anonymous", ["system:unauthenticated"]
    return name, [v for k, v in fields if k == "organizationName"] + ["system:authenticated"]


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message}
    if reason:
        body["reason"] = reason
    if details is not None:
        body["details"] = details
    body["code"] = code
    return code, JSON, json.dumps(body, separators=(",", ":")).encode() + b"\n"


def lease_details(name):
    return {"name": name, "group": LEASE_GROUP, "kind": "leases"} if name else {"group": LEASE_GROUP, "kind": "leases"}


def not_found(name):
    return status(404, "NotFound", f'leases.{LEASE_GROUP} "{name}" not found', lease_details(name))


def conflict(name):
    return status(409, "Conflict", f'Operation cannot be fulfilled on leases.{LEASE_GROUP} "{name}": the object has been '
                  "modified; please apply your changes to the latest version and try again", lease_details(name))


def invalid(name, causes):
    """422 as field.ErrorList renders it: causes = [(field, detail)]."""
    text = ", ".join(f"{f}: {d}" for f, d in causes)
    details = dict(lease_details(name), causes=[{"reason": "FieldValueInvalid", "message": d, "field": f} for f, d in causes])
    return status(422, "Invalid", f'Lease.{LEASE_GROUP} "{name}" is invalid: {text}', details)


def storage_error(error):
    # kube-apiserver passes etcd's error through as an untyped 500 (no reason), e.g. "etcdserver: request timed out".
    return status(500, None, str(error))


def micro_time(value):
    """metav1.MicroTime: RFC 3339 in, always UTC with 6 fraction digits out; None if not one."""
    if value is None:
        return None
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$", str(value))
    if not m:
        return False
    frac = (m.group(2) or ".0")[1:7].ljust(6, "0")
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    t = datetime.datetime.fromisoformat(f"{m.group(1)}.{frac}{zone}").astimezone(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class LeaseApi:
    def __init__(self, etcd):
        self.etcd = etcd
        self.etcd_ok = False  # until the first check passes: a fresh apiserver is not ready
        self.etcd_checked = 0.0

    # -- health ------------------------------------------------------------------------------------
    def start_health_checks(self):
        threading.Thread(target=self._check_etcd_forever, daemon=True).start()

    def _check_etcd_forever(self):
        while True:
            started = time.monotonic()
            try:
                self.etcd.call("/v3/kv/range", {"key": b64("health")}, timeout=HEALTH_TIMEOUT_S)
                ok, why = True, ""
            except EtcdError as error:
                ok, why = False, str(error)
            if ok != self.etcd_ok:
                print(f"kube-apiserver stand-in: etcd check {'passed' if ok else 'failed: ' + why}", file=sys.stderr, flush=True)
            self.etcd_ok, self.etcd_checked = ok, time.monotonic()
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))

    def health(self, path):
        name = path.strip("/")
        if os.path.exists(UNHEALTHY):
            return 500, TEXT, UNHEALTHY_BODY
        if name == "livez":
            return 200, TEXT, b"ok"
        # A verdict older than 3 s means the check itself is stuck: as bad as a failed one.
        if self.etcd_ok and time.monotonic() - self.etcd_checked < 3.0:
            return 200, TEXT, b"ok"
        return 500, TEXT, f"[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n{name} check failed\n".encode()

    # -- dispatch ----------------------------------------------------------------------------------
    def respond(self, method, target, headers, payload, user):
        path = target.split("?", 1)[0]
        name, groups = user
        if method in ("GET", "HEAD"):
            if path in ("/version", "/version/"):
                return 200, JSON, VERSION
            if path in ("/healthz", "/livez", "/readyz"):
                return self.health(path)
        m = LEASES_PATH.match(path)
        verb = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "DELETE": "delete", "PATCH": "patch"}.get(method, method.lower())
        if not m:
            if name != "system:anonymous" and any(g in ADMIN_GROUPS for g in groups):
                return status(404, "NotFound", "the server could not find the requested resource", {})
            return 403, JSON, json.dumps(dict(FORBIDDEN, message=f'forbidden: User "{name}" cannot {verb} path "{path}"'),
                                         separators=(",", ":")).encode() + b"\n"
        ns, lease = m.group(1), m.group(3)
        if method in ("GET", "HEAD") and not lease:
            verb = "list"
        if not any(g in ADMIN_GROUPS for g in groups):
            who = f'leases.{LEASE_GROUP} "{lease}"' if lease else f"leases.{LEASE_GROUP}"
            return status(403, "Forbidden", f'{who} is forbidden: User "{name}" cannot {verb} resource "leases" in API group '
                          f'"{LEASE_GROUP}" in the namespace "{ns}"', lease_details(lease))
        try:
            if verb == "get" and lease:
                return self.get(ns, lease)
            if verb == "list" and not lease:
                return self.list(ns)
            if verb == "create" and not lease:
                return self.write(ns, None, payload, headers)
            if verb == "update" and lease:
                return self.write(ns, lease, payload, headers)
            if verb == "delete" and lease:
                return self.delete(ns, lease)
        except EtcdError as error:
            return storage_error(error)
        return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", lease_details(lease))

    # -- verbs -------------------------------------------------------------------------------------
    @staticmethod
    def key(ns, name):
        return f"/registry/leases/{ns}/{name}"

    @staticmethod
    def shown(obj, revision):
        obj = json.loads(json.dumps(obj))
        obj["metadata"]["resourceVersion"] = str(revision)
        # Field order as kube-apiserver writes it (metav1.ObjectMeta's order).
        order = ("name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "labels", "annotations")
        obj["metadata"] = {k: obj["metadata"][k] for k in order if k in obj["metadata"]}
        return {"kind": "Lease", "apiVersion": f"{LEASE_GROUP}/v1", "metadata": obj["metadata"], "spec": obj["spec"]}

    def get(self, ns, name):
        found = self.etcd.get(self.key(ns, name))
        if found is None:
            return not_found(name)
        return 200, JSON, json.dumps(self.shown(*found), separators=(",", ":")).encode() + b"\n"

    def list(self, ns):
        items, revision = self.etcd.list(f"/registry/leases/{ns}/")
        body = {"kind": "LeaseList", "apiVersion": f"{LEASE_GROUP}/v1", "metadata": {"resourceVersion": str(revision)},
                # List items carry no kind/apiVersion of their own, as kube-apiserver writes them.
                "items": [{k: v for k, v in self.shown(obj, rev).items() if k not in ("kind", "apiVersion")} for obj, rev in items]}
        return 200, JSON, json.dumps(body, separators=(",", ":")).encode() + b"\n"

    def write(self, ns, url_name, payload, headers):
        """POST (url_name None) or PUT: validate, then compare-and-swap on the key's mod_revision."""
        ctype = headers.get("content-type", JSON).split(";")[0].strip().lower()
        if ctype not in ("application/json", "*/*", ""):
            return status(415, "UnsupportedMediaType", f'the body of the request was in an unknown format - accepted media types include: application/json', {})
        try:
            obj = json.loads(payload or b"null")
        except ValueError as error:
            return status(400, "BadRequest", f"couldn't get version/kind; json parse error: {error}")
        if not isinstance(obj, dict):
            return status(400, "BadRequest", "Object 'Kind' is missing in the request body")
        if obj.get("kind", "Lease") != "Lease" or obj.get("apiVersion", f"{LEASE_GROUP}/v1") != f"{LEASE_GROUP}/v1":
            return status(400, "BadRequest", f'the API version in the data ({obj.get("apiVersion")}) does not match the expected API version ({LEASE_GROUP}/v1)')
        meta = obj.get("metadata") or {}
        spec = obj.get("spec") or {}
        name = meta.get("name") or ""
        if url_name is not None and name and name != url_name:
            return status(400, "BadRequest", f"the name of the object ({name}) does not match the name on the URL ({url_name})")
        name = name or url_name or ""
        if meta.get("namespace") and meta["namespace"] != ns:
            return status(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request")
        causes = []
        if not name:
            causes.append(("metadata.name", "Required value: name or generateName is required"))
        elif not NAME.match(name) or len(name) > 253:
            causes.append(("metadata.name", f'Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\''))
        clean = {}
        for field in SPEC_FIELDS:
            if spec.get(field) is None:
                continue
            value = spec[field]
            if field in ("acquireTime", "renewTime"):
                value = micro_time(value)
                if value is False:
                    return status(400, "BadRequest", f"Lease in version \"v1\" cannot be handled as a Lease: parsing time {json.dumps(spec[field])} as RFC3339 failed")
            elif field == "leaseDurationSeconds" and (not isinstance(value, int) or value <= 0):
                causes.append(("spec.leaseDurationSeconds", f"Invalid value: {json.dumps(value)}: must be greater than 0"))
            elif field == "leaseTransitions" and (not isinstance(value, int) or value < 0):
                causes.append(("spec.leaseTransitions", f"Invalid value: {json.dumps(value)}: must be greater than or equal to 0"))
            clean[field] = value
        if causes:
            return invalid(name, causes)
        rv_text = str(meta.get("resourceVersion") or "")
        key = self.key(ns, name)
        stored = {"metadata": {"name": name, "namespace": ns}, "spec": clean}
        for field in ("labels", "annotations"):
            if isinstance(meta.get(field), dict) and meta[field]:
                stored["metadata"][field] = meta[field]

        if url_name is None and rv_text:
            return status(500, None, "resourceVersion should not be set on objects to be created")
        current = self.etcd.get(key) if url_name is not None else None
        if current is None:  # POST, or PUT of a Lease that does not exist (AllowCreateOnUpdate)
            stored["metadata"]["uid"] = str(uuid.uuid4())
            stored["metadata"]["creationTimestamp"] = now_rfc3339()
            ok, revision = self.etcd.put_if(key, stored, 0)
            if not ok:
                return (status(409, "AlreadyExists", f'leases.{LEASE_GROUP} "{name}" already exists', lease_details(name))
                        if url_name is None else conflict(name))
            return 201, JSON, json.dumps(self.shown(stored, revision), separators=(",", ":")).encode() + b"\n"
        old, old_rev = current
        if not rv_text:  # Leases do not allow unconditional updates
            return invalid(name, [("metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update")])
        if not rv_text.isdigit() or int(rv_text) != old_rev:
            return conflict(name)
        stored["metadata"]["uid"] = old["metadata"].get("uid")
        stored["metadata"]["creationTimestamp"] = old["metadata"].get("creationTimestamp")
        if meta.get("uid") and meta["uid"] != stored["metadata"]["uid"]:
            return status(409, "Conflict", f'Operation cannot be fulfilled on leases.{LEASE_GROUP} "{name}": Precondition failed: '
                          f'UID in precondition: {meta["uid"]}, UID in object meta: {stored["metadata"]["uid"]}', lease_details(name))
        if stored == old:  # a no-op update is not written: the resourceVersion stays
            return 200, JSON, json.dumps(self.shown(old, old_rev), separators=(",", ":")).encode() + b"\n"
        ok, revision = self.etcd.put_if(key, stored, old_rev)
        if not ok:
            return conflict(name)
        return 200, JSON, json.dumps(self.shown(stored, revision), separators=(",", ":")).encode() + b"\n"

    def delete(self, ns, name):
        found = self.etcd.get(self.key(ns, name))
        if found is None:
            return not_found(name)
        if not self.etcd.delete_if(self.key(ns, name), found[1]):
            return conflict(name)
        body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                "details": dict(lease_details(name), uid=found[0]["metadata"].get("uid"))}
        return 200, JSON, json.dumps(body, separators=(",", ":")).encode() + b"\n"


def main():
    global API
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(CERT, KEY)
    if os.path.exists(ETCD_SERVERS_FILE):
        with open(ETCD_SERVERS_FILE) as f:
            servers = [u.strip().rstrip("/") for u in f.read().replace(",", " ").split() if u.strip()]
        # Request a client certificate, never require one: anonymous probes and curl -k still work.
        # (A certificate the CA did not sign fails the handshake here; kube-apiserver answers 401.)
        context.verify_mode = ssl.CERT_OPTIONAL
        context.load_verify_locations(CA)
        API = LeaseApi(Etcd(servers))
        API.start_health_checks()
    # Go clients offer h2 first; we speak HTTP/1.1 only, and say so.
    context.set_alpn_protocols(["http/1.1"])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", PORT))
    listener.listen(4096)
    # systemctl stop sends SIGTERM: exit 0, so Restart=on-failure leaves the unit stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"kube-apiserver stand-in on {NODE}: serving TLS on 0.0.0.0:{PORT}"
          + (f", Leases in etcd {','.join(API.etcd.servers)}" if API else ""), file=sys.stderr, flush=True)
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
