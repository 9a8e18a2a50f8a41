import { describe, expect, it } from "vitest";
import { preflightFailed, type PreflightResult } from "./preflight.js";
import { renderPreflight, renderPreflightLines } from "./render.js";

const result: PreflightResult = {
  target: 'lab "vipdrill"',
  durationMs: 120,
  checks: [
    { id: "dns", title: "", status: "skip", seen: "api.cluster.local is not resolvable from here (ENOTFOUND)", durationMs: 1 },
    { id: "certificate-sans", title: "", status: "pass", seen: "cp-1: ✓ VIP ✓ api.cluster.local ✓ cp-1", durationMs: 1 },
    { id: "version", title: "", status: "pass", seen: "cp-1 v1.34.0; through the VIP v1.34.0", durationMs: 1 },
    { id: "vrrp-auth", title: "", status: "pass", seen: "lb-1: VI_1 auth PASS", durationMs: 1 },
    { id: "haproxy-backends", title: "", status: "fail", seen: "lb-1: cp-1 UP, cp-2 UP, cp-3 DOWN (L7STS)", durationMs: 1 },
    { id: "vip-single-owner", title: "", status: "pass", seen: "lb-1 holds 172.30.99.200", durationMs: 1 },
  ],
};

describe("renderPreflight", () => {
  it("one aligned line per check with ✓ ✗ –, then the summary", () => {
    expect(renderPreflightLines(result, { color: false })).toEqual([
      "– dns                 skipped: api.cluster.local is not resolvable from here (ENOTFOUND)",
      "✓ certificate-sans    cp-1: ✓ VIP ✓ api.cluster.local ✓ cp-1",
      "✓ version             cp-1 v1.34.0; through the VIP v1.34.0",
      "✓ vrrp-auth           lb-1: VI_1 auth PASS",
      "✗ haproxy-backends    lb-1: cp-1 UP, cp-2 UP, cp-3 DOWN (L7STS)",
      "✓ vip-single-owner    lb-1 holds 172.30.99.200",
      "preflight: 4 passed, 1 failed, 1 skipped",
    ]);
    expect(renderPreflight(result, { color: false })).toBe(renderPreflightLines(result, { color: false }).join("\n"));
  });

  it("colours only when asked", () => {
    expect(renderPreflight(result, { color: false })).not.toContain("\u001b[");
    expect(renderPreflight(result, { color: true })).toContain("\u001b[31m");
  });

  it("preflightFailed: any failure; skips do not count", () => {
    expect(preflightFailed(result)).toBe(true);
    const passed = { ...result, checks: result.checks.map((c) => ({ ...c, status: c.status === "fail" ? ("pass" as const) : c.status })) };
    expect(preflightFailed(passed)).toBe(false);
  });
});
