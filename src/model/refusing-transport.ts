import type { ExecTransport } from "./host.js";

/** A transport that refuses every command: a plan shows what would run and must touch no host. */
export function refusingTransport(kind: ExecTransport["kind"]): ExecTransport {
  const refuse = (): Promise<never> => Promise.reject(new Error("a plan runs no commands"));
  return { kind, sharesClock: kind === "docker", exec: refuse, stream: refuse };
}
