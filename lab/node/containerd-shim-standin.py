#!/usr/bin/env python3
"""Stand-in containerd shim (vipdrill lab, python3 stdlib only): runs one container's process.

Started by the stand-in kubelet as `containerd-shim-standin <container dir>` in a unit of its own
(or detached), so that, as with containerd's shims, stopping the kubelet leaves the container
running. It starts the process from config.json in a new session, records pid and start time in
state.json, writes its stdout/stderr to container.log in the CRI log format, and on exit records
the exit code (128+signal when killed) and finish time. See vipdrill_cri.py for the layout.
"""
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, "/usr/local/lib/vipdrill")
import vipdrill_cri as cri  # noqa: E402


def reset_signals():
    # Ignored signals stay ignored across exec: the container gets the defaults back.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def main():
    directory = sys.argv[1]
    if "--detach" in sys.argv[2:] and os.fork() > 0:
        os._exit(0)  # no unit of its own: reparent to PID 1, as containerd's shims are
    # The shim outlives whatever started it; a stop of the node's units reaches the container too.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    config = cri.read_json(os.path.join(directory, "config.json"))
    state_path = os.path.join(directory, "state.json")
    log = open(os.path.join(directory, "container.log"), "ab", buffering=0)
    lock = threading.Lock()

    def write(stream, line):
        with lock:
            log.write(f"{cri.rfc3339nano(time.time_ns())} {stream} F ".encode() + line.rstrip(b"\n") + b"\n")

    try:
        proc = subprocess.Popen(
            config["argv"], env=config["env"], cwd=config.get("workingDir") or "/",
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, close_fds=True,
            preexec_fn=reset_signals,
        )
    except OSError as error:
        now = time.time_ns()
        write("stderr", f"exec {config['argv'][0]}: {error.strerror}".encode())
        cri.write_json(state_path, {"pid": 0, "startedAt": now, "finishedAt": now, "exitCode": 128,
                                    "reason": "StartError", "message": str(error)})
        return
    cri.write_json(state_path, {"pid": proc.pid, "startedAt": time.time_ns(), "procStart": cri.proc_start_ticks(proc.pid)})

    def pump(pipe, stream):
        for line in iter(pipe.readline, b""):
            write(stream, line)

    readers = [threading.Thread(target=pump, args=(proc.stdout, "stdout")), threading.Thread(target=pump, args=(proc.stderr, "stderr"))]
    for r in readers:
        r.start()
    code = proc.wait()
    for r in readers:
        r.join(timeout=2)
    status = cri.read_json(state_path) or {}
    status.update(finishedAt=time.time_ns(), exitCode=code if code >= 0 else 128 - code,
                  reason="Completed" if code == 0 else "Error")
    cri.write_json(state_path, status)


if __name__ == "__main__":
    main()
