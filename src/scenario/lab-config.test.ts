import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, parseScenario } from "./load.js";

const HEAD = "version: 1\nname: s\ndescription: d\nfault: { type: link-down, target: vip-owner }\n";

describe("lab.config and lab.advertInt", () => {
  it("resolves lab.config's files against the scenario's folder, one keepalived.conf or one per balancer", () => {
    const s = parseScenario(`${HEAD}lab:\n  config:\n    keepalived: [lb1.conf, ../shared/lb2.conf]\n    haproxy: /etc/haproxy/proposed.cfg\n    baseline: { keepalived: today.conf }\n`, "/changes/chg-1/scenario.yaml");
    expect(s.lab.config).toEqual({
      keepalived: ["/changes/chg-1/lb1.conf", "/changes/shared/lb2.conf"],
      haproxy: "/etc/haproxy/proposed.cfg",
      baseline: { keepalived: ["/changes/chg-1/today.conf"] },
    });
  });

  it.each([
    ["lab:\n  config: { baseline: { keepalived: today.conf } }\n", /lab\.config\.baseline: expected a proposed keepalived or haproxy beside today's/],
    ["lab:\n  topology: kube-vip\n  config: { keepalived: k.conf }\n", /lab\.config: expected lab\.topology: haproxy-keepalived/],
    ["lab:\n  config: { keepalived: [a, b, c, d] }\n", /lab\.config\.keepalived: expected a path to a keepalived\.conf, or a list of 1 to 3/],
    ["lab:\n  advertInt: 0.005\n", /lab\.advertInt: expected seconds from 0\.01 to 255 in centiseconds/],
  ])("refuses %j", (yaml, message) => {
    expect(() => parseScenario(`${HEAD}${yaml}`, "/x/s.yaml")).toThrow(message);
  });

  it("a lab.config file that cannot be read is found when the scenario is loaded (validate, plan), each at its own line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vipdrill-labconfig-"));
    await writeFile(join(dir, "lb1.conf"), "vrrp_instance VI_1 {}\n");
    await mkdir(join(dir, "haproxy.d"));
    const file = join(dir, "scenario.yaml");
    await writeFile(file, `${HEAD}lab:\n  config:\n    keepalived:\n      - lb1.conf\n      - lb2.conf\n    haproxy: haproxy.d\n`);
    await expect(loadScenario(file)).rejects.toThrow(
      [
        `${file}:9: lab.config.keepalived[1]: expected a readable file (relative to the scenario's folder), got "lb2.conf": no such file (${join(dir, "lb2.conf")})`,
        `${file}:10: lab.config.haproxy: expected a readable file (relative to the scenario's folder), got "haproxy.d": ${join(dir, "haproxy.d")} is a directory`,
      ].join("\n"),
    );
    await writeFile(join(dir, "lb2.conf"), "vrrp_instance VI_1 {}\n");
    await writeFile(file, `${HEAD}lab:\n  config:\n    keepalived: [lb1.conf, lb2.conf]\n`);
    expect((await loadScenario(file)).lab.config?.keepalived).toEqual([join(dir, "lb1.conf"), join(dir, "lb2.conf")]);
  });

  it("takes a sub-second advert_int to the centisecond", () => {
    expect(parseScenario(`${HEAD}lab: { advertInt: 0.25 }\n`, "/x/s.yaml").lab.advertIntS).toBe(0.25);
  });
});
