import type { Clock } from "../common/clock.js";
import type { HostClocks } from "../host-tools/host-clocks.js";
import type { ExecStream, Host } from "../model/host.js";
import type { Timeline } from "../model/timeline.js";
import { HostWatch } from "./host-watch.js";
import { logLineEpochMs } from "./keepalived-observer.js";

/**
 * Follows kube-vip's log on a control plane through the container runtime, from now on: waits for a
 * running container of that name (the kubelet may be restarting it), then `crictl logs -f` with the
 * runtime's own timestamps. A container that exits ends the stream; the watch reopens it on the new one.
 * kube-vip (Go's log/slog) writes to stderr: both streams are followed.
 */
export function followKubeVipLogArgv(container: string): string[] {
  const script = [
    'while :; do id=$(crictl ps --name "$1" --state running -q 2>/dev/null | head -n 1); [ -n "$id" ] && break; sleep 0.5; done',
    'exec crictl logs -f --tail 0 --timestamps "$id" 2>&1',
  ].join("\n");
  return ["sh", "-c", script, "kube-vip-log", `^${container}$`];
}

/** At most this many lines per host go to the timeline: a debug-level kube-vip must not swamp a report. */
const MAX_LINES_PER_HOST = 500;

/**
 * kube-vip's own account, as evidence beside the Lease and the VIP: each line it logs on each
 * control plane becomes a `kube-vip-log` event at the time the runtime stamped it.
 */
export class KubeVipLogObserver {
  readonly #watch: HostWatch;
  readonly #counts = new Map<string, number>();

  constructor(
    private readonly hosts: readonly Host[],
    private readonly container: string,
    private readonly timeline: Timeline,
    private readonly clock: Clock,
    private readonly hostClocks: HostClocks,
  ) {
    this.#watch = new HostWatch((host) => this.#follow(host), {
      onBroken: (host, quickEnds) =>
        this.timeline.append({
          type: "note",
          atMs: this.clock.nowMs(),
          message: `${host.id}: following kube-vip's log (crictl logs) ended as soon as it started, ${quickEnds} times in a row, so its lines are not in the timeline from there`,
        }),
    });
  }

  async start(): Promise<void> {
    await this.#watch.start(this.hosts);
  }

  async stop(): Promise<void> {
    await this.#watch.stop();
  }

  #follow(host: Host): Promise<ExecStream> {
    return host.transport.stream(followKubeVipLogArgv(this.container), (line) => this.#onLine(host, line));
  }

  #onLine(host: Host, line: string): void {
    const arrivedMs = this.clock.nowMs();
    const count = (this.#counts.get(host.id) ?? 0) + 1;
    this.#counts.set(host.id, count);
    if (count > MAX_LINES_PER_HOST) {
      if (count === MAX_LINES_PER_HOST + 1) this.timeline.append({ type: "note", atMs: arrivedMs, message: `${host.id}: kube-vip logged more than ${MAX_LINES_PER_HOST} lines; the rest are not in the timeline` });
      return;
    }
    // `--timestamps` puts the runtime's RFC 3339 stamp first.
    const epochMs = logLineEpochMs(line);
    const message = epochMs === undefined ? line : line.replace(/^\S+\s/, "");
    this.timeline.append({ type: "kube-vip-log", host: host.id, message, atMs: this.hostClocks.toRunMs(host, epochMs, arrivedMs) });
  }
}
