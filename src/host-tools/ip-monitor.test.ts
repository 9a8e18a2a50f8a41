import { describe, expect, it } from "vitest";
import { parseMonitorTimestamp } from "./ip-monitor.js";

const ADDED = "2: eth0    inet 172.30.213.200/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever";

describe("ip -ts monitor stamps", () => {
  it("reads the host's time to the microsecond, in UTC (the observer runs ip with TZ=UTC), and hands back the rest of the line", () => {
    expect(parseMonitorTimestamp(`[2026-11-25T05:27:27.382630] ${ADDED}`)).toEqual({ epochMs: Date.UTC(2026, 10, 25, 5, 27, 27) + 382.63, rest: ADDED });
    expect(parseMonitorTimestamp("[2026-11-25T05:27:27.000001]Deleted 2: eth0")).toEqual({ epochMs: Date.UTC(2026, 10, 25, 5, 27, 27) + 0.001, rest: "Deleted 2: eth0" });
    // iproute2 prints the stamp before its [ADDR]/[LINK] banner.
    expect(parseMonitorTimestamp("[2026-01-01T00:00:00.999999] [LINK]2: eth0: <UP>")).toEqual({ epochMs: Date.UTC(2026, 0, 1) + 999.999, rest: "[LINK]2: eth0: <UP>" });
  });

  it("a stamp without a fraction is the whole second", () => {
    expect(parseMonitorTimestamp(`[2026-11-25T05:27:27] ${ADDED}`)).toEqual({ epochMs: Date.UTC(2026, 10, 25, 5, 27, 27), rest: ADDED });
  });

  it("no stamp, or not a time: nothing (the line keeps its arrival time)", () => {
    expect(parseMonitorTimestamp(ADDED)).toBeUndefined();
    expect(parseMonitorTimestamp("[ADDR]2: eth0    inet 172.30.213.200/24 scope global eth0")).toBeUndefined();
    expect(parseMonitorTimestamp("[garbage] 2: eth0")).toBeUndefined();
    expect(parseMonitorTimestamp("[2026-13-45T99:99:99.1] 2: eth0")).toBeUndefined();
    expect(parseMonitorTimestamp("Timestamp: Wed Nov 25 05:27:27 2026 382630 usec")).toBeUndefined();
    expect(parseMonitorTimestamp("")).toBeUndefined();
  });
});
