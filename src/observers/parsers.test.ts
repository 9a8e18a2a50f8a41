import { describe, expect, it } from "vitest";
import { parseIpMonitorLine } from "../host-tools/ip-monitor.js";
import { parseKeepalivedLine } from "./keepalived-observer.js";

describe("ip monitor lines", () => {
  it("reads an added and a deleted VIP", () => {
    expect(parseIpMonitorLine("2: eth0    inet 172.30.213.200/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever")).toEqual({
      kind: "addr",
      deleted: false,
      dev: "eth0",
      address: "172.30.213.200",
    });
    expect(parseIpMonitorLine("Deleted 2: eth0    inet 172.30.213.200/24 scope global secondary eth0")).toMatchObject({ kind: "addr", deleted: true });
    expect(parseIpMonitorLine("[ADDR]Deleted 2: eth0    inet 172.30.213.200/24 scope global eth0")).toMatchObject({ deleted: true, address: "172.30.213.200" });
  });

  it("reads link state: UP in the flags means administratively up, LOWER_UP that it has a carrier", () => {
    expect(parseIpMonitorLine("2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP")).toEqual({
      kind: "link",
      deleted: false,
      dev: "eth0",
      up: true,
      carrier: true,
    });
    expect(parseIpMonitorLine("2: eth0@if7: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN")).toMatchObject({ up: false, carrier: false });
    expect(parseIpMonitorLine("[LINK]3: eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500")).toMatchObject({ dev: "eth1", up: true, carrier: false });
  });

  it("ignores what it does not know", () => {
    expect(parseIpMonitorLine("")).toBeUndefined();
    expect(parseIpMonitorLine("172.30.213.1 dev eth0 lladdr 02:42:ac:1e:d5:01 REACHABLE")).toBeUndefined();
  });
});

describe("keepalived log lines", () => {
  it("reads 2.x and 1.x transitions", () => {
    expect(parseKeepalivedLine("(VI_1) Entering MASTER STATE")).toEqual({ instance: "VI_1", state: "MASTER" });
    expect(parseKeepalivedLine("Wed Feb 21 21:57:11 2024: (VI_1) Entering BACKUP STATE (init)")).toEqual({ instance: "VI_1", state: "BACKUP" });
    expect(parseKeepalivedLine("VRRP_Instance(VI_2) Entering FAULT STATE")).toEqual({ instance: "VI_2", state: "FAULT" });
    expect(parseKeepalivedLine("(VI_1) received lower priority (100) advert from 172.30.213.22 - discarding")).toBeUndefined();
  });
});
