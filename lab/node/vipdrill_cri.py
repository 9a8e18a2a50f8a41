"""The vipdrill lab's stand-in container runtime state (python3 stdlib only), shared by the stand-in
kubelet, containerd-shim-standin and crictl. Not containerd: containers are plain processes on the
node, each in its own session, tracked in files under /run/vipdrill/cri/ (a tmpfs, so a restarted
node starts with none, as a real node's runtime does):

  pods/<sandbox id>/pod.json          sandbox: id, uid, name, namespace, state, createdAt, ...
  pods/<sandbox id>/etc-hosts         the pod's /etc/hosts (node's, plus hostAliases)
  containers/<id>/config.json         written by the kubelet: name, attempt, pod, image, argv, env, ...
  containers/<id>/state.json          written by the shim: pid, startedAt, then exitCode, finishedAt
  containers/<id>/container.log       CRI log format: "<RFC3339Nano> stdout|stderr F <line>"
"""
import json
import os
import signal
import time

ROOT = "/run/vipdrill/cri"
PODS = os.path.join(ROOT, "pods")
CONTAINERS = os.path.join(ROOT, "containers")


def write_json(path, data):
    """Atomically (write + rename): readers never see half a file."""
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def rfc3339nano(ns):
    """Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped."""
    secs, frac = divmod(int(ns), 1_000_000_000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


def proc_start_ticks(pid):
    """Field 22 of /proc/<pid>/stat: tells a live process from a later one that reuses its pid."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":
            return None  # a zombie has exited; its shim will reap it
        return fields[19]
    except (OSError, ValueError, IndexError):
        return None


class Container:
    def __init__(self, cid):
        self.id = cid
        self.dir = os.path.join(CONTAINERS, cid)
        self.config = read_json(os.path.join(self.dir, "config.json")) or {}
        self.status = read_json(os.path.join(self.dir, "state.json")) or {}

    @property
    def log_path(self):
        return os.path.join(self.dir, "container.log")

    @property
    def pid(self):
        return int(self.status.get("pid") or 0)

    def alive(self):
        return bool(self.pid) and "finishedAt" not in self.status and proc_start_ticks(self.pid) == self.status.get("procStart")

    @property
    def state(self):
        """CONTAINER_CREATED, _RUNNING or _EXITED (a process gone without a recorded exit counts as exited)."""
        if "finishedAt" in self.status:
            return "CONTAINER_EXITED"
        if not self.pid:
            return "CONTAINER_CREATED"
        return "CONTAINER_RUNNING" if self.alive() else "CONTAINER_EXITED"

    @property
    def finished_at(self):
        if "finishedAt" in self.status:
            return int(self.status["finishedAt"])
        # Gone without a recorded exit (its shim was killed): the start time is all there is.
        return int(self.status.get("startedAt") or 0) if self.state == "CONTAINER_EXITED" else 0

    @property
    def exit_code(self):
        if "exitCode" in self.status:
            return int(self.status["exitCode"])
        return 255 if self.state == "CONTAINER_EXITED" else 0

    def refresh(self):
        self.status = read_json(os.path.join(self.dir, "state.json")) or {}


def containers():
    try:
        ids = os.listdir(CONTAINERS)
    except OSError:
        return []
    found = [Container(cid) for cid in ids if not cid.startswith(".")]
    return [c for c in found if c.config]


def pods():
    try:
        ids = os.listdir(PODS)
    except OSError:
        return []
    found = [read_json(os.path.join(PODS, sid, "pod.json")) for sid in ids]
    return [p for p in found if p]


def resolve(prefix, items):
    """The one item whose id starts with prefix (as containerd resolves truncated ids), or None."""
    matches = [i for i in items if i.id.startswith(prefix)] if prefix else []
    return matches[0] if len(matches) == 1 else None


def stop(container, timeout_s):
    """containerd's StopContainer: SIGTERM and up to timeout_s for it to exit, then SIGKILL to the
    container's process group. timeout 0 = SIGKILL at once. True once the process is gone."""
    if not container.alive():
        return True
    pid = container.pid
    if timeout_s > 0:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not container.alive():
                return True
            time.sleep(0.05)
            container.refresh()
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        container.refresh()
        if not container.alive():
            return True
        time.sleep(0.02)
    return not container.alive()
