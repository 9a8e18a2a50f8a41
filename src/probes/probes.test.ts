import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonotonicClock, sleep } from "../common/clock.js";
import { Timeline } from "../model/timeline.js";
import { checkBody, probeOnce, type ProbeTarget } from "./https-probe.js";
import { parseResponse } from "./fresh-probe.js";
import { ProbeRunner, workerResourceLimits } from "./probe-runner.js";

/** A real TLS server on loopback, answering like the apiserver; its behaviour is switched per test. */
let server: Server;
let port = 0;
let caPem = "";
let otherCaPem = "";
let mode: "ok" | "500" | "garbage" | "hang" = "ok";
let silent: TcpServer;
let silentPort = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "vipdrill-probe-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=api.test", "-addext", "subjectAltName=DNS:api.test,IP:127.0.0.1",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  caPem = readFileSync(join(dir, "cert.pem"), "utf8");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-subj", "/CN=other", "-keyout", join(dir, "other-key.pem"), "-out", join(dir, "other.pem"),
  ], { stdio: "ignore" });
  otherCaPem = readFileSync(join(dir, "other.pem"), "utf8");
  server = createServer({ key: readFileSync(join(dir, "key.pem")), cert: caPem }, (req, res) => {
    if (mode === "hang") return;
    if (mode === "500") return void res.writeHead(500).end("[-]etcd failed");
    if (mode === "garbage") return void res.writeHead(200).end("<html>");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ major: "1", gitVersion: "v1.34.0" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  // Accepts TCP and never speaks: a TLS handshake that times out.
  silent = createTcpServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentPort = (silent.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  silent.close();
});

const target = (over: Partial<ProbeTarget> = {}): ProbeTarget => ({
  address: "127.0.0.1",
  port,
  servername: "api.test",
  path: "/version",
  caPem,
  expect: "version",
  timeoutMs: 300,
  ...over,
});

describe("one probe: outcome kinds", () => {
  it("ok: 200 with a /version body holding gitVersion", async () => {
    mode = "ok";
    expect(await probeOnce(target())).toEqual({ outcome: "ok" });
  });
  it("http-status and bad-body", async () => {
    mode = "500";
    expect((await probeOnce(target())).outcome).toBe("http-status");
    mode = "garbage";
    expect((await probeOnce(target())).outcome).toBe("bad-body");
    mode = "ok";
  });
  it("tls: a certificate the CA did not sign, or a name it does not hold", async () => {
    expect((await probeOnce(target({ servername: "other.test" }))).outcome).toBe("tls");
    expect((await probeOnce(target({ caPem: otherCaPem }))).outcome).toBe("tls");
  });
  it("connect-refused on a closed port", async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect((await probeOnce(target({ port: closedPort }))).outcome).toBe("connect-refused");
  });
  it("timeout when the server accepts and never answers", async () => {
    const result = await probeOnce(target({ port: silentPort, timeoutMs: 200 }));
    expect(["timeout", "connect-timeout"]).toContain(result.outcome);
    mode = "hang";
    expect((await probeOnce(target({ timeoutMs: 200 }))).outcome).toBe("timeout");
    mode = "ok";
  });
  it("checkBody for /healthz-style endpoints", () => {
    expect(checkBody("ok", "ok")).toEqual({ outcome: "ok" });
    expect(checkBody("ok", "[-]etcd failed").outcome).toBe("bad-body");
  });
});

describe("open-loop schedule in worker threads", () => {
  it("sends probe k at t0 + k·Δ, measures latency from the due time, records scheduler lag", async () => {
    mode = "ok";
    const clock = new MonotonicClock();
    const timeline = new Timeline();
    const runner = new ProbeRunner(timeline, clock);
    const t0 = await runner.start([{ name: "fresh", target: target(), intervalMs: 20, maxInFlight: 10, keepAliveConnections: 0 }], { workers: 2 });
    // Stop is asked early: no probe due after t0 + 980 ms is sent; stop() resolves when all have answered.
    await sleep(300);
    await runner.stop(t0 + 980);
    const probes = timeline.probeColumns("fresh")!.probeEvents();
    // Due times t0, t0 + 20, …, t0 + 980: 50 probes, every sequence number exactly once, split over two workers.
    expect(probes.map((p) => p.seq)).toEqual(Array.from({ length: 50 }, (_, k) => k));
    for (const p of probes) {
      expect(p.dueMs).toBeCloseTo(t0 + p.seq * 20, 6);
      expect(p.sentMs).toBeGreaterThanOrEqual(p.dueMs);
      expect(p.latencyMs).toBeCloseTo(p.doneMs - p.dueMs, 6);
      expect(p.outcome).toBe("ok");
    }
  });

  it("loaded but never begun (a drill that failed while its observers started): stop() ends the workers at once, and nothing was probed", async () => {
    mode = "ok";
    const timeline = new Timeline();
    const runner = new ProbeRunner(timeline, new MonotonicClock());
    await runner.load([{ name: "fresh", target: target(), intervalMs: 5, maxInFlight: 10, keepAliveConnections: 0 }], { workers: 2 });
    await sleep(100);
    const started = performance.now();
    await runner.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(timeline.probeColumns("fresh")).toBeUndefined();
    await expect(runner.begin()).rejects.toThrow("before load()");
  });

  it("skips a due probe when too many are in flight, and keeps the schedule", async () => {
    mode = "hang";
    const clock = new MonotonicClock();
    const timeline = new Timeline();
    const runner = new ProbeRunner(timeline, clock);
    const t0 = await runner.start([{ name: "fresh", target: target({ timeoutMs: 250 }), intervalMs: 10, maxInFlight: 3, keepAliveConnections: 0 }], { workers: 1 });
    await runner.stop(t0 + 99);
    mode = "ok";
    const probes = timeline.probeColumns("fresh")!.probeEvents();
    const skipped = timeline.probeColumns("fresh")!.skippedEvents();
    // Due at t0…t0 + 90 (10 probes): three are sent and time out, the other seven are skipped.
    expect(probes).toHaveLength(3);
    expect(skipped).toHaveLength(7);
    expect(probes.every((p) => p.type === "probe" && p.outcome === "timeout")).toBe(true);
  });

  it("a worker's heap limit grows with the probes it may hold in flight, 16 KiB each above 24 MiB", () => {
    expect(workerResourceLimits(0)).toEqual({ maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 24 });
    // The default drill: interval 5 ms, timeout 1 s → maxInFlight 416, 208 a worker.
    expect(workerResourceLimits(208).maxOldGenerationSizeMb).toBe(28);
    expect(workerResourceLimits(100_000).maxOldGenerationSizeMb).toBe(24 + 1563);
  });

  it("a worker holding every probe it may have in flight (unanswered handshakes) stays within its heap limit", async () => {
    const timeline = new Timeline();
    const runner = new ProbeRunner(timeline, new MonotonicClock());
    const t0 = await runner.start([{ name: "fresh", target: target({ port: silentPort, timeoutMs: 1_500 }), intervalMs: 2, maxInFlight: 400, keepAliveConnections: 0 }], { workers: 1 });
    await runner.stop(t0 + 799);
    const probes = timeline.probeColumns("fresh")!.probeEvents();
    expect(probes).toHaveLength(400);
    expect(probes.every((p) => p.outcome === "timeout")).toBe(true);
  });

  it("a keep-alive stream reuses its connections", async () => {
    mode = "ok";
    let connections = 0;
    server.on("connection", () => connections++);
    const before = connections;
    const clock = new MonotonicClock();
    const timeline = new Timeline();
    const runner = new ProbeRunner(timeline, clock);
    const t0 = await runner.start([{ name: "keep-alive", target: target(), intervalMs: 20, maxInFlight: 8, keepAliveConnections: 1 }], { workers: 1 });
    await runner.stop(t0 + 400);
    const ok = timeline.probeColumns("keep-alive")!.probeEvents().filter((e) => e.outcome === "ok").length;
    expect(ok).toBe(21);
    expect(connections - before).toBe(1);
  });
});

describe("a fresh probe's HTTP/1.1 response, read to its end", () => {
  const bytes = (text: string): Buffer => Buffer.from(text, "latin1");
  const VERSION = JSON.stringify({ gitVersion: "v1.34.0" });
  it("is whole at its Content-Length, or at the last chunk, or (with neither) at the connection's end", () => {
    const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${VERSION.length}\r\n\r\n`;
    expect(parseResponse(bytes(head + VERSION.slice(0, 5)), false, "version")).toBeUndefined();
    expect(parseResponse(bytes(head + VERSION), false, "version")).toEqual({ outcome: "ok" });
    const chunked = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\n${VERSION.slice(0, 5)}\r\n${(VERSION.length - 5).toString(16)}\r\n${VERSION.slice(5)}\r\n`;
    expect(parseResponse(bytes(chunked), false, "version")).toBeUndefined();
    expect(parseResponse(bytes(`${chunked}0\r\n\r\n`), false, "version")).toEqual({ outcome: "ok" });
    const bare = `HTTP/1.0 200 OK\r\n\r\nok`;
    expect(parseResponse(bytes(bare), false, "ok")).toBeUndefined();
    expect(parseResponse(bytes(bare), true, "ok")).toEqual({ outcome: "ok" });
  });

  it("a status other than 200 is http-status, a body without gitVersion bad-body, a cut-off one reset", () => {
    expect(parseResponse(bytes("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 3\r\n\r\nno\n"), false, "version")).toEqual({ outcome: "http-status", detail: "HTTP 503" });
    expect(parseResponse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<html>"), false, "version")?.outcome).toBe("bad-body");
    expect(parseResponse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n{\"gitV"), true, "version")).toEqual({ outcome: "reset", detail: "the connection was closed before the response body ended" });
    expect(parseResponse(bytes("HTTP/1.1 200 OK\r\nContent-Le"), true, "version")?.outcome).toBe("reset");
    expect(parseResponse(bytes("SSH-2.0-OpenSSH_9.2\r\n\r\n"), false, "version")?.outcome).toBe("bad-body");
  });
});
