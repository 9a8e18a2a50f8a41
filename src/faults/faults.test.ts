import { describe, expect, it } from "vitest";
import { shellQuote } from "../common/shell-quote.js";
import { exec, renderCommand } from "../model/command.js";
import { parseServersState, parseShowStat } from "../host-tools/haproxy-runtime.js";
import { routeRestoreArgv } from "./link-down.js";

describe("commands as a user would type them", () => {
  it("quotes only what needs quoting", () => {
    expect(shellQuote("eth0")).toBe("eth0");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("")).toBe("''");
  });
  it("renders argv and a runtime API line on stdin", () => {
    expect(renderCommand(exec(["ip", "link", "set", "dev", "eth0", "up"]))).toBe("ip link set dev eth0 up");
    expect(renderCommand(exec(["socat", "-", "UNIX-CONNECT:/run/haproxy/admin.sock"], "set server kube-apiservers/cp-1 state ready\n"))).toBe(
      "printf '%s\\n' 'set server kube-apiservers/cp-1 state ready' | socat - UNIX-CONNECT:/run/haproxy/admin.sock",
    );
  });
});

describe("routes a link pull takes with it", () => {
  it("puts the device back and drops state words", () => {
    expect(routeRestoreArgv("-4", "default via 172.30.213.1 ", "eth0")).toEqual(["ip", "-4", "route", "replace", "default", "via", "172.30.213.1", "dev", "eth0"]);
    expect(routeRestoreArgv("-4", "10.1.0.0/16 via 172.30.213.5 proto static metric 50 linkdown", "eth0")).toEqual([
      "ip", "-4", "route", "replace", "10.1.0.0/16", "via", "172.30.213.5", "proto", "static", "metric", "50", "dev", "eth0",
    ]);
  });
});

describe("HAProxy runtime API output", () => {
  it("reads show stat status per server", () => {
    const csv = [
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight",
      "apiserver,FRONTEND,,,0,1,262120,3,0,0,0,0,0,,,,,OPEN,",
      "kube-apiservers,cp-1,0,0,0,1,,1,0,0,,0,,0,0,0,0,UP,1",
      "kube-apiservers,cp-2,0,0,0,1,,1,0,0,,0,,0,0,0,0,DOWN,1",
      "kube-apiservers,BACKEND,0,0,0,1,26212,3,0,0,0,0,,0,0,0,0,UP,2",
    ].join("\n");
    expect(parseShowStat(csv).filter((r) => r.backend === "kube-apiservers")).toEqual([
      { backend: "kube-apiservers", server: "cp-1", status: "UP" },
      { backend: "kube-apiservers", server: "cp-2", status: "DOWN" },
      { backend: "kube-apiservers", server: "BACKEND", status: "UP" },
    ]);
  });
  it("reads show servers state admin bits", () => {
    const text = [
      "1",
      "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight",
      "3 kube-apiservers 1 cp-1 172.30.213.11 2 8 1 1",
      "3 kube-apiservers 2 cp-2 172.30.213.12 2 0 1 1",
    ].join("\n");
    expect(parseServersState(text)).toEqual([
      { server: "cp-1", opState: 2, adminState: 8 },
      { server: "cp-2", opState: 2, adminState: 0 },
    ]);
  });
});
