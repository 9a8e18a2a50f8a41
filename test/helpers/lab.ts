import type Docker from "dockerode";
import { LAB_READINESS } from "../../src/engine/readiness.js";
import { connectEngine } from "../../src/targets/docker/engine.js";
import { DockerLabProvider, planLab, type StartedLab } from "../../src/targets/docker/docker-lab.js";
import type { LabSpec } from "../../src/model/scenario.js";
import type { Host, Topology } from "../../src/model/host.js";

/** Each suite gets its own lab name and subnet, so a leftover from one never collides with another. */
export function labSpec(third: number): LabSpec {
  return {
    topology: "haproxy-keepalived",
    subnet: `172.30.${third}.0/24`,
    vip: `172.30.${third}.200`,
    advertIntS: 1,
    controlPlanes: 3,
    loadBalancers: 2,
  };
}

export async function startLab(name: string, third: number): Promise<{ docker: Docker; provider: DockerLabProvider; lab: StartedLab }> {
  const docker = await connectEngine();
  const provider = new DockerLabProvider(docker, LAB_READINESS);
  const plan = planLab(labSpec(third), "api.cluster.local", name);
  const lab = await provider.up(plan, { owner: `run:${process.pid}`, reuse: false, progress: () => undefined });
  return { docker, provider, lab };
}

export function host(topology: Topology, id: string): Host {
  const found = topology.hosts.find((h) => h.id === id);
  if (!found) throw new Error(`no host ${id}`);
  return found;
}

/** Poll until check returns a value (not undefined), or fail after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
