import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../common/package-root.js";
import { AbortedError, FaultEffectError, LabError, RestoreError, UsageError } from "../common/errors.js";
import { EXIT, EXIT_MEANINGS, exitCodeOf, exitCodeTable, worstOf } from "./exit-codes.js";

describe("exitCodeOf", () => {
  it.each([
    ["invalid input", new UsageError("VIPDRILL_SCENARIO_INVALID", "x"), 2],
    ["a fault that cannot apply (precheck: nothing done)", new UsageError("VIPDRILL_FAULT_PRECHECK", "x"), 2],
    ["a dead-man timer that cannot be armed (nothing injected)", new LabError("VIPDRILL_DEAD_MAN", "x"), 3],
    ["an inject that failed", new FaultEffectError("VIPDRILL_INJECT_FAILED", "x"), 6],
    ["a fault that did not take effect", new FaultEffectError("VIPDRILL_FAULT_NO_EFFECT", "x"), 6],
    ["an abort", new AbortedError("x"), 4],
    ["a failed restore", new RestoreError("x", []), 5],
    ["anything else", new Error("x"), 70],
  ])("%s exits %i", (_what, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});

describe("worstOf", () => {
  it("puts a fault that did not take hold above the lab and below an abort", () => {
    expect(worstOf([EXIT.pass, EXIT.fault, EXIT.lab, EXIT.usage, EXIT.budgetBreached])).toBe(EXIT.fault);
    expect(worstOf([EXIT.fault, EXIT.aborted])).toBe(EXIT.aborted);
    expect(worstOf([EXIT.fault, EXIT.restoreFailed, EXIT.internal])).toBe(EXIT.restoreFailed);
  });

  it("is a pass when nothing ran", () => {
    expect(worstOf([])).toBe(EXIT.pass);
  });
});

describe("the exit code table", () => {
  it("--help lists every exit code once, with its meaning", () => {
    const rows = exitCodeTable()
      .split("\n")
      .map((line) => /^\s*(\d+)\s{2}(\S.*)$/.exec(line));
    expect(rows.map((r) => Number(r?.[1]))).toEqual(Object.values(EXIT));
    expect(rows.every((r) => (r?.[2] ?? "").length > 20)).toBe(true);
    expect(EXIT_MEANINGS.map((m) => m.code)).toEqual([0, 1, 2, 3, 4, 5, 6, 70]);
  });

  it("the README's \"Exit codes\" section lists the same codes, in the same order", async () => {
    const readme = await readFile(join(packageRoot(), "README.md"), "utf8");
    const section = readme.split(/^## /m).find((s) => s.startsWith("Exit codes"));
    const codes = [...(section ?? "").matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual(EXIT_MEANINGS.map((m) => m.code));
  });
});
