import { describe, expect, it } from "vitest";
import { daemonVerdict } from "./daemon-check.js";
import type { RenderedConfig } from "./rendered-config.js";

/** A rendering whose line i+1 came from line 10+i of the user's file. */
const RENDERED: RenderedConfig = {
  text: "global_defs {\n    router_id lb-1\n}\nvrrp_instance VI_API {\n    bogus_keyword 3\n    auth_pass Zq7secrt\n}\n",
  origins: Array.from({ length: 7 }, (_, i) => ({ file: "prod/keepalived.conf", line: 10 + i })),
};
const FALLBACK = { file: "prod/keepalived.conf", line: 0 };

describe("what the daemons say, on the user's file and line", () => {
  it("turns keepalived -t's (FILE: Line N) into the line of the user's file", () => {
    const verdict = daemonVerdict("keepalived", { exitCode: 5, stdout: "", stderr: "(/etc/keepalived/keepalived.conf: Line 5) Unknown keyword 'bogus_keyword'\n" }, "/etc/keepalived/keepalived.conf", RENDERED, [], FALLBACK);
    expect(verdict).toEqual({ accepted: false, lines: ["prod/keepalived.conf:14: keepalived -t: Unknown keyword 'bogus_keyword'"] });
  });

  it("places a keepalived message without a line on the instance it names", () => {
    const verdict = daemonVerdict("keepalived", { exitCode: 5, stdout: "", stderr: "(VI_API) VRRPv2 advertisement interval 0.500000s must be an integer. rounding\n" }, "/x", RENDERED, [], FALLBACK);
    expect(verdict.lines).toEqual(["prod/keepalived.conf:13: keepalived -t: (VI_API) VRRPv2 advertisement interval 0.500000s must be an integer. rounding"]);
  });

  it("keeps HAProxy's alerts with their line, places one without on the line naming what it quotes, drops notices, and redacts secrets", () => {
    const haproxy: RenderedConfig = {
      text: "global\n    stats auth admin:Zq7secrt\nfrontend apiserver\n    bind *:6443\n    default_backend k8s-apix\n",
      origins: Array.from({ length: 5 }, (_, i) => ({ file: "prod/haproxy.cfg", line: 20 + i })),
    };
    const stderr = [
      "[NOTICE]   (1) : haproxy version is 2.6.12-1+deb12u3",
      "[ALERT]    (1) : config : [/etc/haproxy/haproxy.cfg:2] : 'stats auth' : bad word Zq7secrt.",
      "[ALERT]    (1) : config : Proxy 'apiserver': unable to find required default_backend: 'k8s-apix'.",
      "[ALERT]    (1) : config : Fatal errors found in configuration.",
    ].join("\n");
    const verdict = daemonVerdict("haproxy", { exitCode: 1, stdout: "", stderr }, "/etc/haproxy/haproxy.cfg", haproxy, ["Zq7secrt"], FALLBACK);
    expect(verdict.lines).toEqual([
      "prod/haproxy.cfg:21: haproxy -c: 'stats auth' : bad word ‹redacted›.",
      "prod/haproxy.cfg:24: haproxy -c: Proxy 'apiserver': unable to find required default_backend: 'k8s-apix'.",
    ]);
  });

  it("says a rejection happened even when the daemon said nothing", () => {
    expect(daemonVerdict("haproxy", { exitCode: 1, stdout: "", stderr: "" }, "/x", RENDERED, [], FALLBACK).lines).toEqual(["prod/keepalived.conf: haproxy -c: rejected it (exit 1) without saying why"]);
  });

  it("passes an accepted file's warnings on as such", () => {
    const verdict = daemonVerdict("haproxy", { exitCode: 0, stdout: "Configuration file is valid\n", stderr: "[WARNING]  (1) : config : [/x:2] : log format ignored for frontend 'k8s-api' since it has no log address.\n" }, "/x", RENDERED, [], FALLBACK);
    expect(verdict).toEqual({ accepted: true, lines: ["prod/keepalived.conf:11: haproxy -c: warning: log format ignored for frontend 'k8s-api' since it has no log address."] });
  });
});
