import { describe, expect, it } from "vitest";
import { PidLine, withPidFirst } from "./pid-line.js";

describe("the pid on a stream's first line", () => {
  it("wraps argv so the shell prints its pid and execs the command in its place", () => {
    expect(withPidFirst("vipdrill-stream", ["ip", "-o", "monitor"])).toEqual(["sh", "-c", 'echo "$$"; exec "$@"', "vipdrill-stream", "ip", "-o", "monitor"]);
  });

  it("takes the pid off the front, even split across chunks, and passes every later byte on untouched", () => {
    const rest: Buffer[] = [];
    const pidLine = new PidLine((chunk) => rest.push(chunk));
    const euro = Buffer.from("€");
    for (const chunk of [Buffer.from("42"), Buffer.from("17\nfirst "), euro.subarray(0, 1), Buffer.concat([euro.subarray(1), Buffer.from("\r\n")])]) pidLine.write(chunk);
    expect(pidLine.pid).toBe("4217");
    expect(Buffer.concat(rest).toString("utf8")).toBe("first €\r\n");
    expect(pidLine.unfinished).toBeUndefined();
  });

  it("a first line that is not a pid is no pid to kill; output that never finished a line is kept", () => {
    const notPid = new PidLine(() => undefined);
    notPid.write(Buffer.from("sh: 1: exec: nope: not found\n"));
    expect(notPid.pid).toBeUndefined();
    const cut = new PidLine(() => undefined);
    cut.write(Buffer.from("12"));
    expect(cut.pid).toBeUndefined();
    expect(cut.unfinished?.toString()).toBe("12");
  });
});
