/**
 * What a drill asks the container runtime on a node, through crictl (the CRI's own CLI, present
 * on kubeadm nodes): is a container of this name running, and in which state is one container.
 * `--name` is a regular expression in crictl: anchored here, so kube-vip does not match kube-vip-x.
 */
import type { Host } from "../model/host.js";

export const anchored = (name: string): string => `^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;

/** The ids of running containers named `name`; undefined when crictl cannot be used here (with why). */
export async function runningContainers(host: Host, name: string): Promise<{ ids: string[] } | { problem: string }> {
  const result = await host.transport.exec(["crictl", "ps", "--name", anchored(name), "--state", "running", "-q"], { timeoutMs: 10_000 });
  if (result.exitCode !== 0) {
    const said = (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1) ?? "";
    return { problem: `crictl ps on ${host.id} failed (exit ${result.exitCode ?? "?"}${said ? `: ${said}` : ""}): is crictl installed and /etc/crictl.yaml pointing at the runtime?` };
  }
  return { ids: result.stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "") };
}

/** `crictl inspect ID`'s status.state (CONTAINER_RUNNING, CONTAINER_EXITED, …); undefined when it cannot be read. */
export async function containerState(host: Host, id: string): Promise<string | undefined> {
  const result = await host.transport.exec(["crictl", "inspect", id], { timeoutMs: 10_000 });
  if (result.exitCode !== 0) return undefined;
  try {
    const state = (JSON.parse(result.stdout) as { status?: { state?: unknown } }).status?.state;
    return typeof state === "string" ? state : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A shell loop (argv) that waits up to waitS for a running container named `name`: the restore of a
 * fault the kubelet heals by itself, run by vipdrill or by the host's dead-man timer.
 */
export function waitForContainerArgv(name: string, waitS: number): string[] {
  const script = [
    'i=0; while [ "$i" -lt "$(($2 * 2))" ]; do',
    '  crictl ps --name "$1" --state running -q 2>/dev/null | grep -q . && exit 0',
    "  i=$((i + 1)); sleep 0.5",
    "done",
    'echo "no running container matching $1 after $2 s" >&2; exit 1',
  ].join("\n");
  return ["sh", "-c", script, "wait-for-container", anchored(name), String(waitS)];
}
