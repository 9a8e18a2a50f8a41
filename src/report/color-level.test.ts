import { describe, expect, it } from "vitest";
import { colorLevel } from "./color-level.js";
import { renderSummary } from "./summary.js";
import { syntheticDrillReport } from "../../test/helpers/synthetic-report.js";

const tty = { isTTY: true };
const pipe = { isTTY: false };
const ESC = "\u001b[";

describe("colour: NO_COLOR and FORCE_COLOR, decided in one place", () => {
  it.each([
    ["a terminal", tty, {}, 1],
    ["a pipe", pipe, {}, 0],
    ["a terminal with NO_COLOR", tty, { NO_COLOR: "1" }, 0],
    ["a terminal with NO_COLOR empty (unset, per no-color.org)", tty, { NO_COLOR: "" }, 1],
    ["a dumb terminal", tty, { TERM: "dumb" }, 0],
    ["a pipe with FORCE_COLOR=1 (a CI log that renders colour)", pipe, { FORCE_COLOR: "1" }, 1],
    ["a pipe with FORCE_COLOR empty", pipe, { FORCE_COLOR: "" }, 1],
    ["FORCE_COLOR=3", pipe, { FORCE_COLOR: "3" }, 3],
    ["a terminal with FORCE_COLOR=0", tty, { FORCE_COLOR: "0" }, 0],
    ["a terminal with FORCE_COLOR=false", tty, { FORCE_COLOR: "false" }, 0],
    ["FORCE_COLOR over NO_COLOR (as Node decides)", pipe, { FORCE_COLOR: "1", NO_COLOR: "1" }, 1],
  ] as const)("%s → level %i", (_what, stream, env, level) => {
    expect(colorLevel(stream, env)).toBe(level);
  });

  it("the terminal summary follows it", () => {
    const report = syntheticDrillReport({ durationMs: 30_000, intervalMs: 10 });
    const coloured = (env: NodeJS.ProcessEnv, stream: { isTTY: boolean }): boolean => {
      const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
      delete process.env.NO_COLOR;
      delete process.env.FORCE_COLOR;
      Object.assign(process.env, env);
      try {
        return renderSummary(report, stream as NodeJS.WriteStream).includes(ESC);
      } finally {
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
    };
    expect(coloured({}, tty)).toBe(true);
    expect(coloured({ NO_COLOR: "1" }, tty)).toBe(false);
    expect(coloured({ FORCE_COLOR: "1" }, pipe)).toBe(true);
    expect(coloured({}, pipe)).toBe(false);
  });
});
