#!/usr/bin/env python3
"""Stand-in kube-vip for the vipdrill lab (python3 + python3-yaml): `kube-vip manager` in ARP mode
for the control plane only, modelled on kube-vip v1.1.0 (pkg/cluster, pkg/arp, pkg/manager) and on
its leader election, client-go v0.35.2 tools/leaderelection with a LeaseLock and ReleaseOnCancel.

Configured as kube-vip is, by the env vars of its static-pod manifest (vip_arp, vip_interface,
address, port, vip_subnet, cp_enable, cp_namespace, vip_leasename, vip_leaseduration,
vip_renewdeadline, vip_retryperiod, vip_arpRate, vip_nodename, vip_loglevel) and by
/etc/kubernetes/admin.conf, whose server it replaces with https://kubernetes:<port> (the manifest's
hostAliases map that name to 127.0.0.1: it resolves names through VIPDRILL_ETC_HOSTS, the pod's
/etc/hosts the stand-in kubelet writes, and reads files through VIPDRILL_MOUNTS, the pod's
hostPath mounts). Its logs are kube-vip's (log/slog text) and client-go's (klog) lines.

What it does, as the real one: every instance runs the Lease election on <cp_namespace>/<lease>;
the leader adds the VIP (/32 or vip_subnet) to vip_interface, and one ARP loop started at boot
sends a gratuitous ARP for it every vip_arpRate ms (so the first one lags by up to that). Losing
the lease deletes the VIP and ends the process (exit 0; the kubelet restarts it). SIGTERM releases
the Lease (holder "", leaseDurationSeconds 1), deletes the VIP and exits 0. Not modelled: BGP,
services, IPv6/NDP, DNS or DHCP addresses, VIP preservation, the Prometheus server.
"""
import base64
import datetime
import http.client
import json
import os
import random
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

import yaml

VERSION = "v1.1.0"
BUILD = "vipdrill-stand-in"
ADMIN_CONF = "/etc/kubernetes/admin.conf"
JITTER_FACTOR = 1.2  # client-go leaderelection.JitterFactor
CLIENT_TIMEOUT_S = 10  # kube-vip's rest.Config Timeout (pkg/k8s defaultTimeout)
LEVELS = {"DEBUG": -4, "INFO": 0, "WARN": 4, "ERROR": 8}
OUT = threading.Lock()
LOG_LEVEL = 0


# ---- logging -------------------------------------------------------------------------------------

def go_quote(s):
    return json.dumps(s, ensure_ascii=False)


def slog_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    needs = s == "" or any(c.isspace() or c in '"=' or not c.isprintable() for c in s)
    return go_quote(s) if needs else s


def log(level, msg, *kv):
    """Go's default log/slog handler: `2026/09/04 08:33:07 INFO msg key=value`, to stderr."""
    if LEVELS[level] < LOG_LEVEL:
        return
    attrs = "".join(f" {slog_value(kv[i])}={slog_value(kv[i + 1])}" for i in range(0, len(kv) - 1, 2))
    with OUT:
        sys.stderr.write(f"{time.strftime('%Y/%m/%d %H:%M:%S')} {level} {msg}{attrs}\n")
        sys.stderr.flush()


def klog(severity, line, msg, err=None, **kv):
    """klog's structured line as client-go's leaderelection.go writes it."""
    now = time.time()
    head = time.strftime("%m%d %H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1e6):06d}"
    parts = [go_quote(msg)] + ([f"err={go_quote(str(err))}"] if err is not None else []) + [f"{k}={go_quote(str(v))}" for k, v in kv.items()]
    with OUT:
        sys.stderr.write(f"{severity}{head} {os.getpid():7d} leaderelection.go:{line}] {' '.join(parts)}\n")
        sys.stderr.flush()


# ---- contexts (Go's context.Context, enough of it) ------------------------------------------------

class ConfigPanic(Exception):
    """NewLeaderElector's refusal, on which RunOrDie panics."""


class Ctx:
    def __init__(self, parent=None, timeout=None):
        self.parent = parent
        self.deadline = None if timeout is None else time.monotonic() + timeout
        if parent is not None and parent.deadline is not None:
            self.deadline = parent.deadline if self.deadline is None else min(self.deadline, parent.deadline)
        self.event = threading.Event()
        self.hooks = []
        self.children = []
        self.lock = threading.Lock()
        if parent is not None:
            with parent.lock:
                parent.children.append(self)
            if parent.event.is_set():
                self.cancel()

    def cancel(self):
        with self.lock:
            if self.event.is_set():
                return
            self.event.set()
            hooks, children = list(self.hooks), list(self.children)
        for h in hooks:
            h()
        for c in children:
            c.cancel()

    def done(self):
        return self.event.is_set() or (self.deadline is not None and time.monotonic() >= self.deadline)

    def err(self):
        if self.event.is_set():
            return "context canceled"
        return "context deadline exceeded" if self.done() else None

    def remaining(self):
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def sleep(self, seconds):
        """Sleep up to seconds; True if the context ended first."""
        limit = seconds if self.deadline is None else min(seconds, max(0.0, self.deadline - time.monotonic()))
        if self.event.wait(limit):
            return True
        return self.done()

    def on_cancel(self, hook):
        with self.lock:
            self.hooks.append(hook)

    def off_cancel(self, hook):
        with self.lock:
            if hook in self.hooks:
                self.hooks.remove(hook)


BACKGROUND = Ctx()


# ---- the Kubernetes client -----------------------------------------------------------------------

class ApiError(Exception):
    def __init__(self, message, code=0, reason=""):
        super().__init__(message)
        self.code, self.reason = code, reason


def container_path(path):
    """A path inside the container, through its hostPath mounts (VIPDRILL_MOUNTS); None if not mounted."""
    mounts = json.loads(os.environ.get("VIPDRILL_MOUNTS", "null") or "null")
    if mounts is None:
        return path  # run by hand, not by the kubelet: the node's own files
    best = max((m for m in mounts if path == m or path.startswith(m.rstrip("/") + "/")), key=len, default=None)
    return None if best is None else mounts[best] + path[len(best):]


def resolve_host(name):
    """As the pod would: its /etc/hosts (with the hostAliases), then DNS."""
    hosts = os.environ.get("VIPDRILL_ETC_HOSTS") or "/etc/hosts"
    try:
        with open(hosts) as f:
            for line in f:
                fields = line.split("#", 1)[0].split()
                if len(fields) > 1 and name in fields[1:] and ":" not in fields[0]:
                    return fields[0]
    except OSError:
        pass
    return socket.getaddrinfo(name, None, socket.AF_INET)[0][4][0]


class KubeClient:
    def __init__(self, kubeconfig_text, host_override):
        config = yaml.safe_load(kubeconfig_text)
        current = config.get("current-context")
        context = next((c["context"] for c in config.get("contexts", []) if c.get("name") == current), None)
        if context is None:
            context = (config.get("contexts") or [{}])[0].get("context") or {}
        cluster = next((c["cluster"] for c in config.get("clusters", []) if c.get("name") == context.get("cluster")), {})
        user = next((u["user"] for u in config.get("users", []) if u.get("name") == context.get("user")), {})
        server = cluster.get("server", "")
        self.host, _, port = (host_override or server.split("//", 1)[-1].split("/", 1)[0]).partition(":")
        self.port = int(port or 443)
        self.ssl = ssl.create_default_context(cadata=self._data(cluster, "certificate-authority"))
        self.ssl.set_alpn_protocols(["http/1.1"])
        with tempfile.TemporaryDirectory(dir="/run" if os.access("/run", os.W_OK) else None) as d:
            cert, key = os.path.join(d, "c"), os.path.join(d, "k")
            for path, field in ((cert, "client-certificate"), (key, "client-key")):
                with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                    f.write(self._data(user, field))
            self.ssl.load_cert_chain(cert, key)
        self.conn = None
        self.lock = threading.Lock()

    @staticmethod
    def _data(section, field):
        if section.get(f"{field}-data"):
            return base64.b64decode(section[f"{field}-data"]).decode()
        with open(container_path(section[field])) as f:
            return f.read()

    def url(self, path):
        return f"https://{self.host}:{self.port}{path}?timeout={CLIENT_TIMEOUT_S}s"

    def request(self, ctx, method, path, body=None):
        """(status, decoded body); ApiError with client-go's message for any failure."""
        verb = method.capitalize()
        url = self.url(path)
        with self.lock:
            if ctx.done():
                raise ApiError(f'{verb} "{url}": {ctx.err()}')
            remaining = ctx.remaining()
            timeout = CLIENT_TIMEOUT_S if remaining is None else min(CLIENT_TIMEOUT_S, remaining)
            by_ctx = remaining is not None and remaining <= CLIENT_TIMEOUT_S

            def abort():
                conn = self.conn
                if conn is not None and conn.sock is not None:
                    try:
                        conn.sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

            ctx.on_cancel(abort)
            try:
                if self.conn is None:
                    address = resolve_host(self.host)
                    self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.ssl, timeout=timeout)
                    raw = socket.create_connection((address, self.port), timeout=timeout)
                    self.conn.sock = self.ssl.wrap_socket(raw, server_hostname=self.host)
                self.conn.sock.settimeout(timeout)
                data = json.dumps(body).encode() if body is not None else None
                headers = {"Accept": "application/json, */*", "User-Agent": f"kube-vip/{VERSION} (linux/amd64) vipdrill-stand-in"}
                if data is not None:
                    headers["Content-Type"] = "application/json"
                self.conn.request(method, f"{path}?timeout={CLIENT_TIMEOUT_S}s", body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                if response.will_close:
                    self.conn.close()
                    self.conn = None
            except (OSError, http.client.HTTPException, ValueError) as error:
                if self.conn is not None:
                    self.conn.close()
                    self.conn = None
                if ctx.err():
                    raise ApiError(f'{verb} "{url}": {ctx.err()}') from None
                raise ApiError(f'{verb} "{url}": {self._describe(error, by_ctx)}') from None
            finally:
                ctx.off_cancel(abort)
        try:
            decoded = json.loads(payload or b"null")
        except ValueError:
            decoded = None
        if 200 <= response.status < 300:
            return response.status, decoded
        if isinstance(decoded, dict) and decoded.get("kind") == "Status":
            raise ApiError(decoded.get("message", ""), response.status, decoded.get("reason", ""))
        raise ApiError(f"an error on the server ({payload.decode(errors='replace').strip()[:200]}) has prevented the request from succeeding",
                       response.status)

    def _describe(self, error, by_ctx):
        if isinstance(error, socket.gaierror):
            return f"dial tcp: lookup {self.host}: no such host"
        if isinstance(error, ConnectionRefusedError):
            return f"dial tcp {resolve_host(self.host)}:{self.port}: connect: connection refused"
        if isinstance(error, (socket.timeout, TimeoutError)):
            return "context deadline exceeded" if by_ctx else "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
        if isinstance(error, ssl.SSLCertVerificationError):
            return f"tls: failed to verify certificate: x509: {error.verify_message}"
        if isinstance(error, OSError) and error.errno is not None:
            return f"dial tcp {self.host}:{self.port}: {os.strerror(error.errno).lower()}"
        return str(error) or type(error).__name__


# ---- client-go's LeaseLock and LeaderElector ------------------------------------------------------

def micro(t):
    return None if t is None else t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text):
    if not text:
        return None
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        frac, zone = rest[:-6], rest[-6:]
        text = f"{head}.{frac[:6].ljust(6, '0')}{zone}"
    return datetime.datetime.fromisoformat(text)


class Record:
    """resourcelock.LeaderElectionRecord."""

    def __init__(self, holder="", duration=0, acquire=None, renew=None, transitions=0):
        self.holder, self.duration, self.acquire, self.renew, self.transitions = holder, duration, acquire, renew, transitions

    def raw(self):
        # json.Marshal of the record: metav1.Time keeps whole seconds only, so a renewal within the
        # same second as the previous one looks unchanged to a follower (as in client-go).
        sec = (lambda t: None if t is None else t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return json.dumps([self.holder, self.duration, sec(self.acquire), sec(self.renew), self.transitions])

    def spec(self):
        return {"holderIdentity": self.holder, "leaseDurationSeconds": self.duration, "acquireTime": micro(self.acquire),
                "renewTime": micro(self.renew), "leaseTransitions": self.transitions}

    @staticmethod
    def of(spec):
        return Record(spec.get("holderIdentity") or "", int(spec.get("leaseDurationSeconds") or 0), parse_time(spec.get("acquireTime")),
                      parse_time(spec.get("renewTime")), int(spec.get("leaseTransitions") or 0))


class LeaseLock:
    def __init__(self, client, namespace, name, identity):
        self.client, self.namespace, self.name, self.identity = client, namespace, name, identity
        self.lease = None
        self.path = f"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases"

    def describe(self):
        return f"{self.namespace}/{self.name}"

    def get(self, ctx):
        _, lease = self.client.request(ctx, "GET", f"{self.path}/{self.name}")
        self.lease = lease
        record = Record.of(lease.get("spec") or {})
        return record, record.raw()

    def create(self, ctx, record):
        body = {"kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
                "metadata": {"name": self.name, "namespace": self.namespace}, "spec": record.spec()}
        _, self.lease = self.client.request(ctx, "POST", self.path, body)

    def update(self, ctx, record):
        if self.lease is None:
            raise ApiError("lease not initialized, call get or create first")
        self.lease["spec"] = record.spec()
        _, self.lease = self.client.request(ctx, "PUT", f"{self.path}/{self.name}", self.lease)


class LeaderElector:
    def __init__(self, lock, lease_duration, renew_deadline, retry_period, on_started, on_stopped, on_new_leader):
        # NewLeaderElector's checks, in its order and words.
        if lease_duration <= renew_deadline:
            raise ConfigPanic("leaseDuration must be greater than renewDeadline")
        if renew_deadline <= JITTER_FACTOR * retry_period:
            raise ConfigPanic("renewDeadline must be greater than retryPeriod*JitterFactor")
        if lease_duration < 1:
            raise ConfigPanic("leaseDuration must be greater than zero")
        if renew_deadline < 1:
            raise ConfigPanic("renewDeadline must be greater than zero")
        if retry_period < 1:
            raise ConfigPanic("retryPeriod must be greater than zero")
        self.lock = lock
        self.lease_duration, self.renew_deadline, self.retry_period = lease_duration, renew_deadline, retry_period
        self.on_started, self.on_stopped, self.on_new_leader = on_started, on_stopped, on_new_leader
        self.observed = Record()
        self.observed_raw = None
        self.observed_time = 0.0
        self.reported_leader = ""
        self.guard = threading.Lock()

    def set_observed(self, record):
        with self.guard:
            self.observed = record
            self.observed_time = time.monotonic()

    def is_leader(self):
        return self.observed.holder == self.lock.identity

    def is_lease_valid(self, now_mono):
        with self.guard:
            return self.observed_time + self.observed.duration > now_mono

    def run(self, ctx):
        try:
            if not self.acquire(ctx):
                return
            leading = Ctx(ctx)
            threading.Thread(target=self.on_started, args=(leading,), daemon=True).start()
            self.renew(leading)
            leading.cancel()
        finally:
            self.on_stopped()

    def acquire(self, ctx):
        desc = self.lock.describe()
        klog("I", 258, "Attempting to acquire leader lease...", lock=desc)
        while not ctx.done():
            succeeded = self.try_acquire_or_renew(ctx)
            self.maybe_report_transition()
            if succeeded:
                klog("I", 272, "Successfully acquired lease", lock=desc)
                return True
            # wait.JitterUntil, sliding: the wait starts when the try ends.
            if ctx.sleep(self.retry_period * (1 + random.random() * JITTER_FACTOR)):
                break
        return False

    def renew(self, ctx):
        desc = self.lock.describe()
        while not ctx.done():
            # wait.PollUntilContextTimeout(ctx, retryPeriod, renewDeadline, immediate): tries on a
            # fixed beat until one succeeds or renewDeadline has passed since this poll began.
            poll = Ctx(ctx, timeout=self.renew_deadline)
            err = None
            while True:
                tick = time.monotonic() + self.retry_period
                if self.try_acquire_or_renew(poll):
                    break
                if poll.sleep(max(0.0, tick - time.monotonic())):
                    err = poll.err()
                    break
            poll.cancel()
            self.maybe_report_transition()
            if err is None:
                if ctx.sleep(self.retry_period):  # wait.Until's period
                    break
                continue
            klog("I", 299, "Failed to renew lease", lock=desc, err=err)
            break
        self.release()

    def release(self):
        """ReleaseOnCancel: hand the Lease back, under a fresh renewDeadline."""
        ctx = Ctx(BACKGROUND, timeout=self.renew_deadline)
        try:
            old, _ = self.lock.get(ctx)
        except ApiError as error:
            if error.reason == "NotFound":
                klog("I", 321, "lease lock not found", lock=self.lock.describe())
            else:
                klog("E", 318, "error retrieving resource lock", err=error, lock=self.lock.describe())
            return False
        if not self.is_leader():
            return True
        now = datetime.datetime.now(datetime.timezone.utc)
        record = Record("", 1, now, now, old.transitions)
        try:
            self.lock.update(ctx, record)
        except ApiError as error:
            klog("E", 336, "Failed to release lease", err=error, lock=self.lock.describe())
            return False
        self.set_observed(record)
        return True

    def try_acquire_or_renew(self, ctx):
        now = datetime.datetime.now(datetime.timezone.utc)
        now_mono = time.monotonic()
        record = Record(self.lock.identity, self.lease_duration, now, now, 0)
        desc = self.lock.describe()
        # 1. fast path: the leader updates optimistically, assuming its last observation is current.
        if self.is_leader() and self.is_lease_valid(now_mono):
            record.acquire, record.transitions = self.observed.acquire, self.observed.transitions
            try:
                self.lock.update(ctx, record)
                self.set_observed(record)
                return True
            except ApiError as error:
                klog("E", 445, "Failed to update lease optimistically, falling back to slow path", err=error, lock=desc)
        # 2. obtain or create the record
        try:
            old, raw = self.lock.get(ctx)
        except ApiError as error:
            if error.reason != "NotFound":
                klog("E", 452, "Error retrieving lease lock", err=error, lock=desc)
                return False
            try:
                self.lock.create(ctx, record)
            except ApiError as error2:
                klog("E", 456, "Error initially creating lease lock", err=error2, lock=desc)
                return False
            self.set_observed(record)
            return True
        # 3. record obtained: observedTime moves only when the record changed
        if raw != self.observed_raw:
            self.set_observed(old)
            self.observed_raw = raw
        if old.holder and self.is_lease_valid(now_mono) and not self.is_leader():
            return False
        # 4. take it (or renew through the slow path)
        if self.is_leader():
            record.acquire, record.transitions = old.acquire, old.transitions
        else:
            record.transitions = old.transitions + 1
        try:
            self.lock.update(ctx, record)
        except ApiError as error:
            klog("E", 488, "Failed to update lease", err=error, lock=desc)
            return False
        self.set_observed(record)
        return True

    def maybe_report_transition(self):
        if self.observed.holder == self.reported_leader:
            return
        self.reported_leader = self.observed.holder
        threading.Thread(target=self.on_new_leader, args=(self.reported_leader,), daemon=True).start()


# ---- the VIP and ARP -----------------------------------------------------------------------------

class Network:
    """pkg/vip's network for one IPv4 VIP on one interface (netlink through `ip`)."""

    def __init__(self, ip, iface, mask):
        self.ip, self.iface, self.mask = ip, iface, mask
        self.lock = threading.Lock()
        self.reply_next = True  # gratuitousARP alternates reply and request

    def cidr(self):
        return f"{self.ip}/{self.mask}"

    def arp_name(self):
        return f"{self.cidr()}-{self.iface}"

    def is_set(self):
        out = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", self.iface], capture_output=True, text=True).stdout
        return f" {self.ip}/" in out

    def add_ip(self, precheck):
        with self.lock:
            if precheck and self.is_set():
                return False
            log("DEBUG", "replacing IP", "address", self.cidr())
            r = subprocess.run(["ip", "addr", "replace", self.cidr(), "dev", self.iface, "valid_lft", "forever", "preferred_lft", "forever"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise OSError(f'could not add ip to device "{self.iface}": {r.stderr.strip()}')
            return True

    def delete_ip(self):
        with self.lock:
            if not self.is_set():
                return False
            r = subprocess.run(["ip", "addr", "del", self.cidr(), "dev", self.iface], capture_output=True, text=True)
            if r.returncode != 0:
                raise OSError(f"could not delete ip: {r.stderr.strip()}")
            return True

    def send_gratuitous(self):
        """vip.ARPSendGratuitous: an ARP reply, then a request, on alternate calls, to ff:ff:ff:ff:ff:ff."""
        with open(f"/sys/class/net/{self.iface}/address") as f:
            mac = bytes.fromhex(f.read().strip().replace(":", ""))
        ip = socket.inet_aton(self.ip)
        reply = self.reply_next
        self.reply_next = not self.reply_next
        packet = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2 if reply else 1, mac, ip, mac if reply else b"\xff" * 6, ip)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0806))
        try:
            s.sendto(packet, (self.iface, 0x0806, 0, 1, b"\xff" * 6))
        except OSError as error:
            raise OSError(f"failed to send: {os.strerror(error.errno).lower() if error.errno else error}") from None
        finally:
            s.close()


class ArpManager:
    def __init__(self, rate_ms):
        self.rate_ms = rate_ms
        self.instances = {}
        self.lock = threading.Lock()

    def insert(self, network):
        with self.lock:
            if network.arp_name() not in self.instances:
                log("INFO", "[ARP manager] inserting ARP/NDP instance", "name", network.arp_name())
                self.instances[network.arp_name()] = network

    def remove(self, network):
        with self.lock:
            found = self.instances.pop(network.arp_name(), None)
        if found is None:
            log("WARN", "[ARP manager] unable to remove the instance - instance not found", "name", network.arp_name())
            return
        log("INFO", "[ARP manager] removing ARP/NDP instance", "name", network.arp_name())
        try:
            network.delete_ip()
        except OSError as error:
            log("ERROR", "failed to delete IP", "address", network.ip, "err", str(error))

    def start_advertisement(self, ctx):
        log("INFO", "[ARP manager] starting ARP/NDP advertisement")
        while not ctx.done():
            # Under the lock: an instance being removed is never re-added behind remove()'s back.
            with self.lock:
                for network in list(self.instances.values()):
                    try:
                        if network.add_ip(precheck=True):
                            log("WARN", "Re-applied the VIP configuration", "ip", network.ip, "interface", network.iface)
                    except OSError as error:
                        log("WARN", str(error))
                    try:
                        network.send_gratuitous()
                    except OSError as error:
                        log("WARN", str(error))
            if self.rate_ms < 500:
                log("WARN", "[ARP manager] arp broadcast rate is too low", "rate (ms)", self.rate_ms, "setting to (ms)", "3000")
                self.rate_ms = 3000
            if ctx.sleep(self.rate_ms / 1000):
                return


# ---- kube-vip's manager --------------------------------------------------------------------------

def parse_bool(name, default=False):
    v = os.environ.get(name, "")
    if v == "":
        return default
    if v in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if v in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise ValueError(f'strconv.ParseBool: parsing "{v}": invalid syntax')


def parse_int(name, default):
    v = os.environ.get(name, "")
    if v == "":
        return default
    try:
        return int(v, 10)
    except ValueError:
        raise ValueError(f'strconv.ParseInt: parsing "{v}": invalid syntax') from None


class Manager:
    def __init__(self):
        self.kill_once = threading.Lock()
        self.killed = False
        self.signals = []
        self.signal_event = threading.Event()

    def kill(self):
        """sm.Kill: a SIGINT into the manager's own signal channel, once."""
        with self.kill_once:
            if self.killed:
                return
            self.killed = True
        self.deliver("SIGINT")

    def deliver(self, name):
        self.signals.append(name)
        self.signal_event.set()


def main():
    global LOG_LEVEL
    if sys.argv[1:2] != ["manager"]:
        print("vipdrill stand-in kube-vip: only `manager` is implemented", file=sys.stderr)
        sys.exit(1)
    try:
        LOG_LEVEL = parse_int("vip_loglevel", 0)
        arp = parse_bool("vip_arp")
        iface = os.environ.get("vip_interface", "")
        address = os.environ.get("address", "") or os.environ.get("vip_address", "")
        port = parse_int("port", 6443)
        subnet = os.environ.get("vip_subnet", "")
        cp = parse_bool("cp_enable")
        services = parse_bool("svc_enable")
        namespace = os.environ.get("cp_namespace", "") or "kube-system"
        lease_name = os.environ.get("vip_leasename", "") or "plndr-cp-lock"
        lease_duration = parse_int("vip_leaseduration", 15)
        renew_deadline = parse_int("vip_renewdeadline", 10)
        retry_period = parse_int("vip_retryperiod", 2)
        arp_rate = parse_int("vip_arpRate", 3000)
        node = os.environ.get("vip_nodename", "")
    except ValueError as error:
        log("ERROR", "parsing environment", "err", str(error))
        return 0
    if subnet == "" and address:
        subnet = "32"
    log("INFO", "kube-vip.io", "version", VERSION, "build", BUILD)
    mode = "ARP" if arp else ""
    log("INFO", "starting", "namespace", namespace, "Mode", mode, "Control Plane", cp, "Services", services)
    if not services and not cp:
        log("ERROR", "no features are enabled")
        return 0
    if services or not arp:
        log("ERROR", "vipdrill stand-in: only the control plane in ARP mode is implemented")
        return 0
    if not iface:
        log("INFO", "No interface is specified for VIP in config, auto-detecting default Interface")
        out = subprocess.run(["ip", "-4", "route", "show", "default"], capture_output=True, text=True).stdout.split()
        iface = out[out.index("dev") + 1] if "dev" in out else ""
        log("INFO", "kube-vip bind", "interface", iface)
    if not os.path.isdir(f"/sys/class/net/{iface}"):
        log("ERROR", "checking interface", "err", f"interface {iface} does not exist")
        return 0
    try:
        socket.inet_aton(address)
        mask = int(subnet.split(",")[0])
    except (OSError, ValueError):
        log("ERROR", "vipdrill stand-in: address must be an IPv4 address and vip_subnet a prefix length", "address", address)
        return 0
    if not node:
        log("WARN", "Node name is missing from the config, fall back to hostname")
        node = socket.gethostname()
    log("INFO", "using node name", "name", node)
    conf = container_path(ADMIN_CONF)
    if conf is None or not os.path.exists(conf):
        log("ERROR", "new manager", "err", "could not create k8s REST config from in-cluster config: unable to load in-cluster "
            "configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        return 0
    try:
        with open(conf) as f:
            client = KubeClient(f.read(), f"kubernetes:{port}" if cp else None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ssl.SSLError, yaml.YAMLError) as error:
        log("ERROR", "new manager", "err", f'could not create k8s REST config from external file: "{ADMIN_CONF}": {error}')
        return 0

    manager = Manager()
    mode_ctx = Ctx()

    def on_signal(signum, _frame):
        manager.deliver("SIGTERM" if signum == signal.SIGTERM else "SIGINT")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    log("INFO", "starting Kube-vip Manager", "mode", "ARP")
    log("INFO", "Start ARP/NDP advertisement Global")
    arp_manager = ArpManager(arp_rate)
    network = Network(address, iface, mask)
    threads = [threading.Thread(target=arp_manager.start_advertisement, args=(mode_ctx,), daemon=True)]
    crashed = []
    leader_threads = []

    def start_control_plane():
        try:
            start_cluster()
        except ConfigPanic as error:  # client-go's RunOrDie panics on an invalid config
            crashed.append(f"panic: {error}\n\ngoroutine 1 [running]:\nk8s.io/client-go/tools/leaderelection.RunOrDie(...)\n")
            manager.deliver("PANIC")
            return
        except Exception:  # a bug in the stand-in: crash loudly, as a Go panic would, so the kubelet restarts it
            import traceback
            crashed.append("panic: vipdrill stand-in kube-vip crashed\n\n" + traceback.format_exc())
            manager.deliver("PANIC")
            return
        manager.kill()

    def start_cluster():
        log("INFO", "cluster membership", "namespace", namespace, "lock", lease_name, "id", node)
        lease_ctx = Ctx(mode_ctx)
        stop_watch = threading.Thread(target=lambda: (mode_ctx.event.wait(), log("INFO", "Received termination, signaling cluster shutdown"),
                                                      lease_ctx.cancel()), daemon=True)
        stop_watch.start()
        try:
            if network.delete_ip():
                log("INFO", "deleted address", "IP", network.ip, "interface", network.iface)
        except OSError as error:
            log("ERROR", "could not delete virtualIP", "err", str(error))

        def on_started(_ctx):
            leader_threads.append(threading.current_thread())  # joined before exit: the VIP is gone by then
            # StartVipService: ends the manager once this term ends (the lease context is canceled).
            threading.Thread(target=lambda: (lease_ctx.event.wait(), manager.kill()), daemon=True).start()
            try:
                network.add_ip(precheck=False)
            except OSError as error:
                log("ERROR", "starting VIP service on leader", "err", f"failed to add IP address {network.ip}: {error}")
                manager.kill()
                return
            log("INFO", "layer 2 broadcaster starting", "IP", network.ip, "device", network.iface)
            log("DEBUG", "layer 2 update", "ip", network.ip, "interface", network.iface, "ms", arp_manager.rate_ms)
            arp_manager.insert(network)
            lease_ctx.event.wait()
            log("DEBUG", "ending layer 2 update", "ip", network.ip, "interface", network.iface, "ms", arp_manager.rate_ms)
            arp_manager.remove(network)

        def on_stopped():
            log("INFO", "This node is becoming a follower within the cluster")
            lease_ctx.cancel()
            log("INFO", "Deleting VIP addresses on leadership loss (legacy behavior)")
            try:
                if network.delete_ip():
                    log("INFO", "deleted address", "IP", network.ip, "interface", network.iface)
            except OSError as error:
                log("WARN", "delete VIP", "err", str(error))
            log("ERROR", "lost leadership, restarting kube-vip")

        elector = LeaderElector(LeaseLock(client, namespace, lease_name, node), lease_duration, renew_deadline, retry_period,
                                on_started, on_stopped, lambda identity: log("INFO", "New leader", "leader", identity))
        elector.run(lease_ctx)

    threads.append(threading.Thread(target=start_control_plane, daemon=True))
    for t in threads:
        t.start()

    # waitForShutdown
    while True:
        manager.signal_event.wait()
        manager.signal_event.clear()
        if "PANIC" in manager.signals:
            with OUT:
                sys.stderr.write(crashed[0])
                sys.stderr.flush()
            os._exit(2)
        if manager.signals:
            break
    log("INFO", "Received kube-vip termination, signaling shutdown")
    mode_ctx.cancel()
    deadline = time.monotonic() + renew_deadline + 5
    for t in threads + leader_threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    log("INFO", "Shutting down Kube-Vip")
    return 0


if __name__ == "__main__":
    sys.exit(main() or 0)
