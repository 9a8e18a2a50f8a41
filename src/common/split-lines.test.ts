import { describe, expect, it } from "vitest";
import { splitLines } from "./split-lines.js";

describe("splitLines", () => {
  it("joins a line cut across chunks and holds back an unfinished one", () => {
    const lines: string[] = [];
    const feed = splitLines((line) => lines.push(line));
    feed("Keepalived_vrrp[12]: (VI_1) Ent");
    feed(Buffer.from("ering MASTER STATE\nsecond\r\nthi"));
    expect(lines).toEqual(["Keepalived_vrrp[12]: (VI_1) Entering MASTER STATE", "second"]);
  });

  it("keeps a multi-byte character that a chunk boundary splits", () => {
    const lines: string[] = [];
    const feed = splitLines((line) => lines.push(line));
    const bytes = Buffer.from("µs ✓\n");
    feed(bytes.subarray(0, 1));
    feed(bytes.subarray(1, 5));
    feed(bytes.subarray(5));
    expect(lines).toEqual(["µs ✓"]);
  });
});
