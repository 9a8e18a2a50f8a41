#!/usr/bin/env python3
"""Stand-in kubelet for the vipdrill lab (python3 + python3-yaml): static pods only, no API server.

Watches /etc/kubernetes/manifests/ (a poll every 0.5 s; the real kubelet uses inotify) and runs
each static pod's containers as processes through containerd-shim-standin, with state under
/run/vipdrill/cri/ (see vipdrill_cri.py; `crictl` reads it). What it models of the real kubelet:
  - pod name <metadata.name>-<node>, UID from the manifest's content: an edited manifest is a new
    pod, and the old one is stopped before the new one starts (static pods never overlap);
  - images map to stand-in programs (a container whose image names kube-vip runs
    /usr/local/bin/kube-vip-standin with the container's args); env values, $(VAR) expansion and
    fieldRef (spec.nodeName, metadata.name/namespace/uid, status.podIP/hostIP); hostPath volumes
    and hostAliases, handed to the program as VIPDRILL_MOUNTS and VIPDRILL_ETC_HOSTS;
  - restartPolicy Always/OnFailure/Never with CrashLoopBackOff: the first restart at once, then
    10 s, 20 s, 40 s ... up to 5 min, forgotten once a container ran for 10 min (flowcontrol.Backoff);
  - a removed manifest: SIGTERM to its containers, SIGKILL after terminationGracePeriodSeconds (30);
  - stopping the kubelet leaves its containers running (each shim runs in a unit or session of its
    own), and a kubelet that starts again adopts them from the state directory.
Without manifests it just idles: the haproxy-keepalived lab's "kubelet" is a process to stop.
"""
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import yaml

sys.path.insert(0, "/usr/local/lib/vipdrill")
import vipdrill_cri as cri  # noqa: E402

NODE = socket.gethostname().lower()
MANIFESTS = "/etc/kubernetes/manifests"
POLL_S = 0.5
BACKOFF_INITIAL_S = 10
BACKOFF_MAX_S = 300
GC_AFTER_S = 60
SHIM = "/usr/local/bin/containerd-shim-standin"
# Image repository (substring) → the stand-in program that is its entrypoint.
IMAGES = (("kube-vip", ["/usr/local/bin/kube-vip-standin"]),)
PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
STDERR_LOCK = threading.Lock()


def klog(severity, where, msg, err=None, **kv):
    """A klog structured line, as the kubelet writes them: I0904 08:33:07.123456  pid file:line] "msg" k="v"."""
    now = time.time()
    head = time.strftime("%m%d %H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1e6):06d}"
    parts = [json.dumps(msg)]
    if err is not None:
        parts.append(f"err={json.dumps(str(err))}")
    for k, v in kv.items():
        parts.append(f"{k}={v if isinstance(v, (int, float)) and not isinstance(v, bool) else json.dumps(v, separators=(',', ':'))}")
    with STDERR_LOCK:
        print(f"{severity}{head} {os.getpid():7d} {where}] {' '.join(parts)}", file=sys.stderr, flush=True)


def node_ip():
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope", "global"], capture_output=True, text=True, timeout=5).stdout
        m = re.search(r"inet (\d+\.\d+\.\d+\.\d+)/", out)
        return m.group(1) if m else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def expand(value, env):
    """Kubernetes $(VAR) expansion: defined names are replaced, $$ escapes, the rest stays."""
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)",
                  lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), value)


class Pod:
    """One manifest file, parsed."""

    def __init__(self, path, text):
        self.path = path
        self.manifest = yaml.safe_load(text)
        if not isinstance(self.manifest, dict) or self.manifest.get("kind") != "Pod" or self.manifest.get("apiVersion") != "v1":
            raise ValueError("invalid pod: not a v1 Pod")
        meta = self.manifest.get("metadata") or {}
        if not meta.get("name"):
            raise ValueError("invalid pod: metadata.name: Required value")
        self.spec = self.manifest.get("spec") or {}
        if not self.spec.get("containers"):
            raise ValueError("invalid pod: spec.containers: Required value")
        self.name = f"{meta['name']}-{NODE}"
        self.namespace = meta.get("namespace") or "default"
        # Static pods' UIDs are a hash of the pod: same content, same pod.
        self.uid = hashlib.md5(f"{NODE}\0{text}".encode()).hexdigest()
        self.grace = int(self.spec.get("terminationGracePeriodSeconds", 30))
        self.restart_policy = self.spec.get("restartPolicy", "Always")

    @property
    def ref(self):
        return f"{self.namespace}/{self.name}"


class Kubelet:
    def __init__(self):
        self.lock = threading.Lock()
        self.backoff = {}  # container key → [backoff seconds, last update (wall clock)]
        self.killing = {}  # sandbox id → thread stopping its containers
        self.said = set()  # one-off log lines already written
        self.cache = {}  # manifest path → (mtime, size, Pod or error)
        self.seen = {}  # uid → Pod at the last sync, for SyncLoop ADD/REMOVE
        self.exited = set()  # container ids already reported as died
        self.systemd = os.path.isdir("/run/systemd/system") and shutil.which("systemd-run") is not None

    # -- manifests ---------------------------------------------------------------------------------
    def desired(self):
        pods = {}
        try:
            names = sorted(os.listdir(MANIFESTS))
        except OSError:
            names = []
        for name in names:
            path = os.path.join(MANIFESTS, name)
            if name.startswith(".") or not os.path.isfile(path):
                continue  # as the kubelet's file source: hidden files are ignored
            try:
                st = os.stat(path)
                cached = self.cache.get(path)
                if not cached or cached[:2] != (st.st_mtime_ns, st.st_size):
                    with open(path) as f:
                        text = f.read()
                    try:
                        cached = (st.st_mtime_ns, st.st_size, Pod(path, text))
                    except (ValueError, yaml.YAMLError, TypeError) as error:
                        cached = (st.st_mtime_ns, st.st_size, error)
                    self.cache[path] = cached
                pod = cached[2]
            except OSError:
                continue
            if isinstance(pod, Exception):
                self.once(("bad", path, cached[0]), "E", "file.go:217", "Could not process manifest file", err=pod, path=path)
                continue
            pods.setdefault(pod.uid, pod)
        for path in list(self.cache):
            if not os.path.exists(path):
                del self.cache[path]
        return pods

    def once(self, key, severity, where, msg, **kv):
        if key not in self.said:
            self.said.add(key)
            klog(severity, where, msg, **kv)

    # -- the sync loop -----------------------------------------------------------------------------
    def sync(self):
        desired = self.desired()
        added = [p for uid, p in desired.items() if uid not in self.seen]
        removed = [p for uid, p in self.seen.items() if uid not in desired]
        if added:
            klog("I", "kubelet.go:2427", "SyncLoop ADD", source="file", pods=[p.ref for p in added])
        if removed:
            klog("I", "kubelet.go:2443", "SyncLoop REMOVE", source="file", pods=[p.ref for p in removed])
        self.seen = desired
        sandboxes = cri.pods()
        containers = cri.containers()
        by_pod = {}
        for c in containers:
            by_pod.setdefault(c.config.get("podSandboxId"), []).append(c)
        self.report_exits(sandboxes, containers)
        with self.lock:
            killing = set(self.killing)
        for sb in sandboxes:
            if sb["state"] == "SANDBOX_READY" and sb["uid"] not in desired and sb["id"] not in killing:
                self.kill_pod(sb, by_pod.get(sb["id"], []))
        for uid, pod in desired.items():
            sb = next((s for s in sandboxes if s["uid"] == uid and s["state"] == "SANDBOX_READY" and s["id"] not in killing), None)
            if sb is None:
                # A static pod never overlaps an earlier instance of itself (same full name).
                busy = [s for s in sandboxes if s["name"] == pod.name and s["namespace"] == pod.namespace
                        and (s["state"] == "SANDBOX_READY" or s["id"] in killing)]
                if busy:
                    continue
                sb = self.create_sandbox(pod)
            for spec in pod.spec["containers"]:
                self.ensure_container(pod, sb, spec, by_pod.get(sb["id"], []))
        self.gc(sandboxes, containers)

    def report_exits(self, sandboxes, containers):
        names = {s["id"]: s for s in sandboxes}
        for c in containers:
            if c.state == "CONTAINER_EXITED" and c.id not in self.exited:
                self.exited.add(c.id)
                sb = names.get(c.config.get("podSandboxId"), {})
                klog("I", "kubelet.go:2465", "SyncLoop (PLEG): event for pod", pod=f"{sb.get('namespace')}/{sb.get('name')}",
                     event={"ID": sb.get("uid"), "Type": "ContainerDied", "Data": c.id})

    # -- sandboxes and containers ------------------------------------------------------------------
    def create_sandbox(self, pod):
        sid = secrets.token_hex(32)
        directory = os.path.join(cri.PODS, sid)
        os.makedirs(directory, exist_ok=True)
        # A hostNetwork pod's /etc/hosts: the node's, plus its hostAliases (kubelet's managed etc-hosts).
        try:
            with open("/etc/hosts") as f:
                hosts = f.read()
        except OSError:
            hosts = ""
        aliases = pod.spec.get("hostAliases") or []
        if aliases:
            hosts = hosts.rstrip("\n") + "\n\n# Entries added by HostAliases.\n" + "".join(
                f"{a.get('ip')}\t{chr(9).join(a.get('hostnames') or [])}\n" for a in aliases)
        with open(os.path.join(directory, "etc-hosts"), "w") as f:
            f.write(hosts)
        sandbox = {"id": sid, "uid": pod.uid, "name": pod.name, "namespace": pod.namespace, "attempt": 0,
                   "state": "SANDBOX_READY", "createdAt": time.time_ns(), "grace": pod.grace, "manifest": pod.path,
                   "hostNetwork": bool(pod.spec.get("hostNetwork"))}
        cri.write_json(os.path.join(directory, "pod.json"), sandbox)
        return sandbox

    def ensure_container(self, pod, sb, spec, existing):
        name = spec.get("name", "")
        mine = sorted((c for c in existing if c.config.get("name") == name), key=lambda c: c.config.get("createdAt", 0))
        latest = mine[-1] if mine else None
        if latest is not None and latest.state != "CONTAINER_EXITED":
            return
        attempt = 0
        if latest is not None:
            code = latest.exit_code
            if pod.restart_policy == "Never" or (pod.restart_policy == "OnFailure" and code == 0):
                return
            key = f"{pod.name}_{pod.namespace}_{pod.uid}_{name}"
            finished = latest.finished_at / 1e9
            entry = self.backoff.get(key)
            expired = entry is not None and finished - entry[1] > 2 * BACKOFF_MAX_S
            if entry is not None and not expired and time.time() - finished < entry[0]:
                self.once(("backoff", latest.id), "E", "pod_workers.go:1301", "Error syncing pod, skipping",
                          err=f'failed to "StartContainer" for "{name}" with CrashLoopBackOff: "back-off {int(entry[0])}s '
                              f'restarting failed container={name} pod={pod.name}_{pod.namespace}({pod.uid})"',
                          pod=pod.ref, podUID=pod.uid)
                return
            self.backoff[key] = [BACKOFF_INITIAL_S if entry is None or expired else min(2 * entry[0], BACKOFF_MAX_S), time.time()]
            attempt = int(latest.config.get("attempt", 0)) + 1
            for old in mine[:-1]:  # the kubelet keeps one dead instance per container, for --previous
                shutil.rmtree(old.dir, ignore_errors=True)
        self.start_container(pod, sb, spec, attempt)

    def start_container(self, pod, sb, spec, attempt):
        name = spec.get("name", "")
        image = spec.get("image", "")
        entry = next((argv for needle, argv in IMAGES if needle in image.split("@")[0].rsplit(":", 1)[0]), None)
        if entry is None:
            self.once(("image", pod.uid, name), "E", "pod_workers.go:1301", "Error syncing pod, skipping",
                      err=f'failed to "StartContainer" for "{name}" with ErrImagePull: "vipdrill stand-in kubelet: '
                          f'no stand-in program for image {image}"', pod=pod.ref, podUID=pod.uid)
            return
        mounts = {}
        volumes = {v.get("name"): v for v in pod.spec.get("volumes") or []}
        for m in spec.get("volumeMounts") or []:
            host = (volumes.get(m.get("name")) or {}).get("hostPath") or {}
            if not host.get("path"):
                continue
            kind, path = host.get("type", ""), host["path"]
            problem = None
            if kind == "File" and not os.path.isfile(path):
                problem = f"hostPath type check failed: {path} is not a file"
            elif kind == "Directory" and not os.path.isdir(path):
                problem = f"hostPath type check failed: {path} is not a directory"
            elif kind in ("", "DirectoryOrCreate") and not os.path.exists(path):
                os.makedirs(path, exist_ok=True)  # what the runtime does with a missing bind-mount source
            elif kind == "FileOrCreate" and not os.path.exists(path):
                open(path, "a").close()
            if problem:
                self.once(("mount", pod.uid, path), "E", "pod_workers.go:1301", "Error syncing pod, skipping",
                          err=f'unmounted volumes=[{m.get("name")}], unattached volumes=[], failed to process volumes=[]: '
                              f'MountVolume.SetUp failed for volume "{m.get("name")}" : {problem}', pod=pod.ref, podUID=pod.uid)
                return
            mounts[m.get("mountPath")] = path
        env = {"PATH": PATH_ENV, "HOSTNAME": NODE}
        fields = {"spec.nodeName": NODE, "metadata.name": pod.name, "metadata.namespace": pod.namespace,
                  "metadata.uid": pod.uid, "status.podIP": node_ip(), "status.hostIP": node_ip(),
                  "spec.serviceAccountName": pod.spec.get("serviceAccountName", "")}
        for e in spec.get("env") or []:
            if "value" in e:
                env[e["name"]] = expand(str(e.get("value") if e.get("value") is not None else ""), env)
            elif ((e.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath") in fields:
                env[e["name"]] = fields[e["valueFrom"]["fieldRef"]["fieldPath"]]
            else:
                env[e["name"]] = ""
        env["VIPDRILL_MOUNTS"] = json.dumps(mounts)
        env["VIPDRILL_ETC_HOSTS"] = os.path.join(cri.PODS, sb["id"], "etc-hosts")
        argv = [expand(str(a), env) for a in (spec.get("command") or entry)] + [expand(str(a), env) for a in spec.get("args") or []]
        cid = secrets.token_hex(32)
        directory = os.path.join(cri.CONTAINERS, cid)
        os.makedirs(directory, exist_ok=True)
        digest = hashlib.sha256(image.encode()).hexdigest()
        config = {
            "id": cid, "podSandboxId": sb["id"], "name": name, "attempt": attempt, "image": image,
            "imageId": f"sha256:{digest}", "imageRef": f"{image.split('@')[0].rsplit(':', 1)[0]}@sha256:{hashlib.sha256(digest.encode()).hexdigest()}",
            "argv": argv, "env": env, "workingDir": spec.get("workingDir") or "/", "createdAt": time.time_ns(),
            "labels": {"io.kubernetes.container.name": name, "io.kubernetes.pod.name": pod.name,
                       "io.kubernetes.pod.namespace": pod.namespace, "io.kubernetes.pod.uid": pod.uid},
            "annotations": {"io.kubernetes.container.hash": hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:8],
                            "io.kubernetes.container.restartCount": str(attempt),
                            "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
                            "io.kubernetes.container.terminationMessagePolicy": "File",
                            "io.kubernetes.pod.terminationGracePeriod": str(pod.grace)},
        }
        cri.write_json(os.path.join(directory, "config.json"), config)
        if self.systemd:
            # A unit of its own, as a container's cgroup is not the kubelet's: stopping or killing
            # kubelet.service never reaches it.
            argv_shim = ["systemd-run", "--quiet", "--collect", f"--unit=cri-standin-{cid[:12]}",
                         f"--description=vipdrill stand-in container {name} of {pod.ref}", SHIM, directory]
        else:
            argv_shim = [SHIM, directory, "--detach"]
        try:
            subprocess.run(argv_shim, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           start_new_session=True, timeout=30, check=True)
        except (OSError, subprocess.SubprocessError) as error:
            klog("E", "kuberuntime_manager.go:1341", "Failed to start container", err=error, pod=pod.ref, containerName=name)
            shutil.rmtree(directory, ignore_errors=True)
            return
        klog("I", "kubelet.go:2465", "SyncLoop (PLEG): event for pod", pod=pod.ref,
             event={"ID": pod.uid, "Type": "ContainerStarted", "Data": cid})

    def kill_pod(self, sb, containers):
        def run():
            for c in containers:
                if c.alive():
                    klog("I", "kuberuntime_container.go:808", "Killing container with a grace period",
                         pod=f"{sb['namespace']}/{sb['name']}", podUID=sb["uid"], containerName=c.config.get("name"),
                         containerID=f"containerd://{c.id}", gracePeriod=sb.get("grace", 30))
                    cri.stop(c, sb.get("grace", 30))
            stopped = dict(sb, state="SANDBOX_NOTREADY", stoppedAt=time.time_ns())
            cri.write_json(os.path.join(cri.PODS, sb["id"], "pod.json"), stopped)
            with self.lock:
                self.killing.pop(sb["id"], None)

        thread = threading.Thread(target=run, daemon=True)
        with self.lock:
            self.killing[sb["id"]] = thread
        thread.start()

    def gc(self, sandboxes, containers):
        """Containers of stopped pods go a minute after they ended; then their sandbox."""
        now = time.time_ns()
        stopped = {s["id"]: s for s in sandboxes if s["state"] != "SANDBOX_READY"}
        for c in containers:
            sb = stopped.get(c.config.get("podSandboxId"))
            if sb and c.state == "CONTAINER_EXITED" and now - max(c.finished_at, sb.get("stoppedAt", 0)) > GC_AFTER_S * 1e9:
                shutil.rmtree(c.dir, ignore_errors=True)
        left = {c.config.get("podSandboxId") for c in containers if os.path.isdir(c.dir)}
        for sid, sb in stopped.items():
            if sid not in left and now - sb.get("stoppedAt", 0) > GC_AFTER_S * 1e9:
                shutil.rmtree(os.path.join(cri.PODS, sid), ignore_errors=True)

    # -- main --------------------------------------------------------------------------------------
    def adopt(self):
        running = [c for c in cri.containers() if c.state == "CONTAINER_RUNNING"]
        for c in running:
            klog("I", "kuberuntime_manager.go:1137", "Found running container from before this kubelet started: adopting it",
                 containerName=c.config.get("name"), containerID=f"containerd://{c.id}", pid=c.pid)
        for c in cri.containers():
            if c.state == "CONTAINER_EXITED":
                self.exited.add(c.id)  # died before this kubelet started: restarted, not re-reported

    def run(self):
        os.makedirs(cri.PODS, exist_ok=True)
        os.makedirs(cri.CONTAINERS, exist_ok=True)
        klog("I", "server.go:529", "vipdrill stand-in kubelet starting (static pods only)", node=NODE, staticPodPath=MANIFESTS,
             runtime="containerd-shim-standin" + (" in systemd units" if self.systemd else ""))
        self.adopt()
        while True:
            started = time.monotonic()
            try:
                self.sync()
            except Exception as error:  # one bad sync must not end the kubelet
                klog("E", "kubelet.go:2490", "Sync failed", err=repr(error))
            time.sleep(max(0.05, POLL_S - (time.monotonic() - started)))


def main():
    # systemctl stop kubelet: this process only, never its containers.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    Kubelet().run()


if __name__ == "__main__":
    main()
