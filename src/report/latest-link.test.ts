import { mkdir, mkdtemp, readFile, readlink, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pointLatestAt } from "./latest-link.js";

describe("reports/latest", () => {
  it("is a relative symlink to the newest run, moved on by each run", async () => {
    const reports = await mkdtemp(join(tmpdir(), "vipdrill-latest-"));
    for (const run of ["2026-11-25T05-00-00Z-a", "2026-11-25T05-01-00Z-b"]) {
      await mkdir(join(reports, run));
      expect(await pointLatestAt(reports, join(reports, run))).toBe("symlink");
      expect(await readlink(join(reports, "latest"))).toBe(run);
      expect(await realpath(join(reports, "latest"))).toBe(await realpath(join(reports, run)));
    }
  });

  it("is a text file naming the run where no symlink can be made", async () => {
    const reports = await mkdtemp(join(tmpdir(), "vipdrill-latest-"));
    const refuse = async (): Promise<void> => {
      throw Object.assign(new Error("operation not permitted"), { code: "EPERM" });
    };
    expect(await pointLatestAt(reports, join(reports, "run-a"), refuse)).toBe("file");
    expect(await readFile(join(reports, "latest"), "utf8")).toBe(`${join(reports, "run-a")}\n`);
  });
});
