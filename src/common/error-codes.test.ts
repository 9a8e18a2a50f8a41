import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "./error-codes.js";
import { FaultEffectError, LabError, TransportError, UsageError, VipdrillError } from "./errors.js";

const SRC = join(import.meta.dirname, "..");
/** The catalogue, and this test with its made-up codes. */
const SKIPPED = [join(import.meta.dirname, "error-codes.ts"), join(import.meta.dirname, "error-codes.test.ts")];
const declared = Object.keys(ERROR_CODES);

/** Every quoted "VIPDRILL_…" in src/ (environment variables such as VIPDRILL_SSH_PASSPHRASE are never quoted alone). */
function quotedCodes(): Array<{ file: string; code: string }> {
  const found: Array<{ file: string; code: string }> = [];
  for (const name of readdirSync(SRC, { recursive: true, encoding: "utf8" })) {
    const file = join(SRC, name);
    if (!/\.(ts|mjs)$/.test(name) || SKIPPED.includes(file)) continue;
    for (const match of readFileSync(file, "utf8").matchAll(/(["'`])(VIPDRILL_\w*)\1/g)) found.push({ file: name, code: match[2]! });
  }
  return found;
}

describe("the error catalogue", () => {
  it("names every code VIPDRILL_ in upper snake case", () => {
    expect(declared.filter((code) => !/^VIPDRILL_[A-Z0-9]+(?:_[A-Z0-9]+)*$/.test(code))).toEqual([]);
  });

  it("declares every code src/ uses, tests included", () => {
    const undeclared = quotedCodes().filter(({ code }) => !Object.hasOwn(ERROR_CODES, code));
    expect(undeclared.map(({ file, code }) => `${file}: ${code}`)).toEqual([]);
  });

  it("declares no code that nothing but a test uses", () => {
    const used = new Set(quotedCodes().filter(({ file }) => !file.endsWith(".test.ts")).map(({ code }) => code));
    expect(declared.filter((code) => !used.has(code))).toEqual([]);
  });

  it("gives each error the exit class of its code, whatever class threw it", () => {
    expect(new UsageError("VIPDRILL_SCENARIO_INVALID", "x").category).toBe("usage");
    expect(new LabError("VIPDRILL_DEAD_MAN", "x").category).toBe("lab");
    expect(new TransportError("VIPDRILL_SSH_LOST", "lb-1", "x").category).toBe("lab");
    expect(new FaultEffectError("VIPDRILL_INJECT_FAILED", "x").category).toBe("fault");
    expect(new VipdrillError("VIPDRILL_INTERNAL", "x").category).toBe("internal");
  });

  it("does not compile an unknown code, or a code of another class (tsc checks each @ts-expect-error)", () => {
    const wrong = (): VipdrillError[] => [
      // @ts-expect-error not in the catalogue
      new UsageError("VIPDRILL_NO_SUCH_CODE", "x"),
      // @ts-expect-error a lab code
      new UsageError("VIPDRILL_NO_DOCKER", "x"),
      // @ts-expect-error a usage code
      new LabError("VIPDRILL_SCENARIO_INVALID", "x"),
      // @ts-expect-error a fault code
      new TransportError("VIPDRILL_INJECT_FAILED", "lb-1", "x"),
      // @ts-expect-error a usage code: a precheck that fails has done nothing
      new FaultEffectError("VIPDRILL_FAULT_PRECHECK", "x"),
    ];
    // Thrown anyway, each exits as its code says.
    expect(wrong().map((error) => error.category)).toEqual(["internal", "lab", "usage", "fault", "usage"]);
  });
});
