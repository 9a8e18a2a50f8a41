#!/usr/bin/env python3
"""Stand-in crictl for the vipdrill lab (python3 stdlib only): the part of crictl a drill uses, over
the stand-in runtime's state in /run/vipdrill/cri/ (see vipdrill_cri.py), with real crictl's
output shapes (cri-tools cmd/crictl): ps, stop, logs, inspect, pods, version.

  crictl ps [-a] [--name RE] [--namespace RE] [--pod ID] [--state S] [-q] [-o table|json|yaml] [--no-trunc] [-l] [--last N]
  crictl stop [--timeout N] ID...      SIGTERM, then SIGKILL after N s; the default 0 kills at once (as containerd)
  crictl logs [-f] [--tail N] [-t] ID  stdout lines to stdout, stderr lines to stderr
  crictl inspect ID...                 {"info": {"pid", "sandboxID", ...}, "status": {"state", "startedAt", ...}}
  crictl pods [--name RE] [-q]
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, "/usr/local/lib/vipdrill")
import vipdrill_cri as cri  # noqa: E402

STATES = {"CONTAINER_CREATED": "Created", "CONTAINER_RUNNING": "Running", "CONTAINER_EXITED": "Exited", "CONTAINER_UNKNOWN": "Unknown"}


def fatal(message):
    # crictl reports errors through logrus.Fatal.
    print(f'time="{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}" level=fatal msg={json.dumps(message)}', file=sys.stderr)
    sys.exit(1)


def human_duration(seconds):
    """docker/go-units HumanDuration."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    m = int(seconds / 60)
    if m == 1:
        return "About a minute"
    if m < 60:
        return f"{m} minutes"
    h = round(seconds / 3600)
    if h == 1:
        return "About an hour"
    if h < 48:
        return f"{h} hours"
    if h < 24 * 7 * 2:
        return f"{h // 24} days"
    if h < 24 * 30 * 2:
        return f"{h // 24 // 7} weeks"
    if h < 24 * 365 * 2:
        return f"{h // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def table(rows):
    """Go's tabwriter as crictl sets it up (minwidth 20, padding 3); the last column is not padded."""
    widths = [max(20, max(len(r[i]) for r in rows) + 3) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("".join(cell.ljust(w) for cell, w in zip(r, widths)) + r[-1])


def ago(ns):
    return human_duration(time.time() - int(ns) / 1e9) + " ago"


def find(cid):
    if not cid:
        fatal("ID cannot be empty")
    found = cri.resolve(cid, cri.containers())
    return found


def container_json(c):
    """A CRI Container message as protojson writes it (EmitDefaultValues)."""
    cfg = c.config
    return {
        "id": c.id, "podSandboxId": cfg["podSandboxId"],
        "metadata": {"name": cfg["name"], "attempt": cfg.get("attempt", 0)},
        "image": {"image": cfg["imageId"], "annotations": {}, "userSpecifiedImage": cfg["image"], "runtimeHandler": ""},
        "imageRef": cfg["imageRef"], "state": c.state, "createdAt": str(cfg["createdAt"]),
        "labels": cfg.get("labels", {}), "annotations": cfg.get("annotations", {}), "imageId": "",
    }


def cmd_ps(args):
    items = cri.containers()
    state = (args.state or "").lower()
    if state and state not in ("created", "running", "exited", "unknown"):
        fatal("list containers: --state should be one of created, running, exited or unknown")
    if not (args.latest or args.last):
        if state:
            items = [c for c in items if c.state == f"CONTAINER_{state.upper()}"]
        elif not args.all:
            items = [c for c in items if c.state == "CONTAINER_RUNNING"]
    if args.name:
        items = [c for c in items if re.search(args.name, c.config["name"])]
    if args.namespace:
        items = [c for c in items if re.search(args.namespace, c.config["labels"].get("io.kubernetes.pod.namespace", ""))]
    if args.pod:
        items = [c for c in items if c.config["podSandboxId"].startswith(args.pod)]
    if args.id:
        items = [c for c in items if c.id.startswith(args.id)]
    items.sort(key=lambda c: -c.config["createdAt"])
    if args.latest:
        items = items[:1]
    elif args.last:
        items = items[:args.last]
    if args.output in ("json", "yaml"):
        data = {"containers": [container_json(c) for c in items]}
        if args.output == "json":
            print(json.dumps(data, indent=2))
        else:
            import yaml
            print(yaml.safe_dump(data, sort_keys=True, default_flow_style=False))
        return
    if args.quiet:
        for c in items:
            print(c.id)
        return
    rows = [["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"]]
    for c in items:
        cfg = c.config
        trunc = (lambda s: s) if args.no_trunc else (lambda s: s[:13])
        image = cfg["imageId"] if args.no_trunc else cfg["imageId"].split(":", 1)[-1][:13]
        rows.append([trunc(c.id), image, ago(cfg["createdAt"]), STATES[c.state], cfg["name"], str(cfg.get("attempt", 0)),
                     trunc(cfg["podSandboxId"]), cfg["labels"].get("io.kubernetes.pod.name", ""),
                     cfg["labels"].get("io.kubernetes.pod.namespace", "")])
    table(rows)


def cmd_stop(args):
    if not args.ids:
        fatal("you must specify at least one CONTAINER-ID or use --all")
    for cid in args.ids:
        c = find(cid)
        if c is None:
            fatal(f'stopping the container "{cid}": rpc error: code = NotFound desc = an error occurred when try to find container "{cid}": not found')
        if not cri.stop(c, args.timeout):
            fatal(f'stopping the container "{cid}": rpc error: code = DeadlineExceeded desc = context deadline exceeded')
        print(cid)


def parse_log_line(line):
    # "<RFC3339Nano> <stream> <P|F> <content>"
    parts = line.rstrip("\n").split(" ", 3)
    if len(parts) < 3:
        return None
    return parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""


def cmd_logs(args):
    c = find(args.id)
    if c is None:
        fatal(f'rpc error: code = NotFound desc = an error occurred when try to find container "{args.id}": not found')

    def emit(entry):
        ts, stream, _, content = entry
        if args.stream and stream != args.stream:
            return
        out = sys.stdout if stream == "stdout" else sys.stderr
        out.write((ts + " " if args.timestamps else "") + content + "\n")
        out.flush()

    try:
        f = open(c.log_path, encoding="utf-8", errors="replace")
    except OSError as error:
        fatal(f"failed to open log file {c.log_path!r}: {error.strerror}")
    with f:
        entries = [e for e in (parse_log_line(line) for line in f.readlines()) if e]
        if args.tail is not None and args.tail >= 0:
            entries = entries[-args.tail:] if args.tail else []
        for e in entries:
            emit(e)
        if not args.follow:
            return
        pending = ""
        while True:
            chunk = f.readline()
            if chunk:
                pending += chunk
                if pending.endswith("\n"):
                    e = parse_log_line(pending)
                    pending = ""
                    if e:
                        emit(e)
                continue
            c.refresh()
            if c.state != "CONTAINER_RUNNING":
                return  # crictl logs -f ends with the container
            time.sleep(0.1)


def cmd_inspect(args):
    out = []
    for cid in args.ids:
        c = find(cid)
        if c is None:
            fatal(f'getting the status of the container "{cid}": get container status: rpc error: code = NotFound desc = an error occurred when try to find container "{cid}": not found')
        cfg, st = c.config, c.state
        status = {
            "annotations": cfg.get("annotations", {}),
            "createdAt": cri.rfc3339nano(cfg["createdAt"]),
            "exitCode": c.exit_code if st == "CONTAINER_EXITED" else 0,
            "finishedAt": cri.rfc3339nano(c.finished_at if st == "CONTAINER_EXITED" else 0),
            "id": c.id,
            "image": {"annotations": {}, "image": cfg["image"], "runtimeHandler": "", "userSpecifiedImage": cfg["image"]},
            "imageId": "", "imageRef": cfg["imageRef"],
            "labels": cfg.get("labels", {}),
            "logPath": c.log_path,
            "message": c.status.get("message", ""),
            "metadata": {"attempt": cfg.get("attempt", 0), "name": cfg["name"]},
            "mounts": [{"containerPath": k, "hostPath": v} for k, v in json.loads(cfg["env"].get("VIPDRILL_MOUNTS", "{}")).items()],
            "reason": c.status.get("reason", "") if st == "CONTAINER_EXITED" else "",
            "resources": None,
            "startedAt": cri.rfc3339nano(c.status.get("startedAt", 0) if st != "CONTAINER_CREATED" else 0),
            "state": st,
            "user": {"linux": {"gid": "0", "supplementalGroups": ["0"], "uid": "0"}},
        }
        info = {"config": {"args": cfg["argv"][1:], "command": cfg["argv"][:1], "envs": [{"key": k, "value": v} for k, v in cfg["env"].items()],
                           "image": {"image": cfg["image"]}, "metadata": {"attempt": cfg.get("attempt", 0), "name": cfg["name"]}},
                "pid": c.pid if st == "CONTAINER_RUNNING" else 0, "removing": False,
                "runtimeType": "vipdrill.stand-in", "sandboxID": cfg["podSandboxId"]}
        out.append({"info": info, "status": status})
    print(json.dumps(out[0] if len(out) == 1 else out, indent=2, sort_keys=True))


def cmd_pods(args):
    items = sorted(cri.pods(), key=lambda p: -p["createdAt"])
    if args.name:
        items = [p for p in items if re.search(args.name, p["name"])]
    if args.namespace:
        items = [p for p in items if re.search(args.namespace, p["namespace"])]
    if args.state:
        want = {"ready": "SANDBOX_READY", "notready": "SANDBOX_NOTREADY"}.get(args.state.lower())
        items = [p for p in items if p["state"] == want]
    if args.quiet:
        for p in items:
            print(p["id"])
        return
    rows = [["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"]]
    for p in items:
        rows.append([p["id"] if args.no_trunc else p["id"][:13], ago(p["createdAt"]),
                     "Ready" if p["state"] == "SANDBOX_READY" else "NotReady", p["name"], p["namespace"], str(p.get("attempt", 0)), "(default)"])
    table(rows)


def cmd_version(_):
    print("Version:  0.1.0\nRuntimeName:  containerd\nRuntimeVersion:  vipdrill-stand-in\nRuntimeApiVersion:  v1")


def main():
    parser = argparse.ArgumentParser(prog="crictl", description="vipdrill stand-in crictl (see the header of this file)")
    parser.add_argument("-r", "--runtime-endpoint", help="ignored: there is one stand-in runtime")
    parser.add_argument("-t", "--timeout", help="ignored")
    sub = parser.add_subparsers(dest="command", required=True)
    ps = sub.add_parser("ps")
    ps.add_argument("-a", "--all", action="store_true")
    ps.add_argument("--name", default="")
    ps.add_argument("--namespace", default="")
    ps.add_argument("-p", "--pod", default="")
    ps.add_argument("--id", default="")
    ps.add_argument("-s", "--state", default="")
    ps.add_argument("-q", "--quiet", action="store_true")
    ps.add_argument("-o", "--output", default="table", choices=("table", "json", "yaml"))
    ps.add_argument("--no-trunc", action="store_true")
    ps.add_argument("-l", "--latest", action="store_true")
    ps.add_argument("-n", "--last", type=int, default=0)
    ps.set_defaults(func=cmd_ps)
    stop = sub.add_parser("stop")
    stop.add_argument("-t", "--timeout", type=int, default=0)
    stop.add_argument("ids", nargs="*")
    stop.set_defaults(func=cmd_stop)
    logs = sub.add_parser("logs")
    logs.add_argument("-f", "--follow", action="store_true")
    logs.add_argument("--tail", type=int, default=-1)
    logs.add_argument("-t", "--timestamps", action="store_true")
    logs.add_argument("-s", "--stream", choices=("stdout", "stderr"))
    logs.add_argument("id")
    logs.set_defaults(func=cmd_logs)
    inspect = sub.add_parser("inspect")
    inspect.add_argument("-o", "--output", default="json", choices=("json",))
    inspect.add_argument("ids", nargs="+")
    inspect.set_defaults(func=cmd_inspect)
    pods = sub.add_parser("pods")
    pods.add_argument("--name", default="")
    pods.add_argument("--namespace", default="")
    pods.add_argument("-s", "--state", default="")
    pods.add_argument("-q", "--quiet", action="store_true")
    pods.add_argument("--no-trunc", action="store_true")
    pods.set_defaults(func=cmd_pods)
    version = sub.add_parser("version")
    version.set_defaults(func=cmd_version)
    args = parser.parse_args()
    try:
        args.func(args)
    except BrokenPipeError:
        os._exit(0)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
