import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendHistoryRecord, checkHistoryFile, parseHistory, readHistory } from "./history-file.js";
import { historyRecord } from "../../../test/helpers/history-record.js";
import type { HistoryRecord } from "./history-record.js";
import { thrownMessage } from "../../../test/helpers/thrown.js";

const line = (r: HistoryRecord): string => JSON.stringify(r);
const errorOf = (text: string): string => thrownMessage(() => parseHistory(text, "nightly.jsonl"), "VIPDRILL_HISTORY_INVALID");

describe("history files", () => {
  it("reads every line back in order", () => {
    const text = `${line(historyRecord("2026-12-01T01:00:00Z", 3100))}\n${line(historyRecord("2026-12-02T01:00:00Z", 3400))}\n`;
    expect(parseHistory(text, "nightly.jsonl").map((r) => r.figures.failover.value)).toEqual([3100, 3400]);
  });

  it("names the file and the line of a corrupted line, and skips nothing", () => {
    const good = line(historyRecord("2026-12-01T01:00:00Z", 3100));
    expect(errorOf(`${good}\n${good.slice(0, 80)}\n${good}\n`)).toMatch(/^nightly\.jsonl:2: not a JSON line \(.*\): a truncated or edited line\?$/);
    const wrong = { ...historyRecord("2026-12-01T01:00:00Z", 3100), verdict: "maybe" };
    expect(errorOf(`${good}\n${good}\n${JSON.stringify(wrong)}\n`)).toBe('nightly.jsonl:3: verdict: expected one of "pass", "fail", got "maybe"');
    expect(errorOf(`${good}\n{"hello": "world"}\n`)).toBe('nightly.jsonl:2: not a vipdrill history record (expected an object with "history", "scenario", "figures")');
  });

  it("refuses a line of a newer format", () => {
    expect(errorOf(JSON.stringify({ ...historyRecord("2026-12-01T01:00:00Z", 3100), history: 2 }))).toBe(
      "nightly.jsonl:1: written in history format 2; this vipdrill reads format 1 and older: upgrade vipdrill to read it",
    );
  });

  it("appends a line, starting a new one after a last line that lost its newline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-history-"));
    const file = join(dir, "nightly.jsonl");
    await checkHistoryFile(file);
    await appendHistoryRecord(file, historyRecord("2026-12-01T01:00:00Z", 3100));
    await writeFile(file, (await readFile(file, "utf8")).trimEnd());
    await appendHistoryRecord(file, historyRecord("2026-12-02T01:00:00Z", 3200));
    expect((await readHistory(file)).map((r) => r.at)).toEqual(["2026-12-01T01:00:00Z", "2026-12-02T01:00:00Z"]);
    await expect(checkHistoryFile(join(dir, "no-such-folder", "h.jsonl"))).rejects.toThrow(/--history: no folder .*no-such-folder to create it in$/);
    await writeFile(file, "garbage\n");
    await expect(checkHistoryFile(file)).rejects.toThrow(/nightly\.jsonl:1: not a JSON line/);
  });
});
