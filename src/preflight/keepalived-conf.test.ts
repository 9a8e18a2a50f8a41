import { describe, expect, it } from "vitest";
import { judgeInstance, loadKeepalivedConf, parseKeepalivedConf, vrrpInstances, type ConfSource } from "./keepalived-conf.js";

const LAB_CONF = `# Keepalived for the API VIP
global_defs {
    enable_script_security
    router_id lb-1
}
vrrp_script chk_apiserver {
    script "/etc/keepalived/check_apiserver.sh"
    interval 1
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 101
    # Only the first 8 characters of auth_pass count.
    authentication {
        auth_type PASS
        auth_pass s3cr3t!x
    }
    virtual_ipaddress {
        172.30.99.200/24 dev eth0
    }
}
`;

/** Files in memory; include patterns matched with * and ? like glob(3), sorted. */
function memorySource(files: Record<string, string>): ConfSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async read(path) {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw new Error(`cat: ${path}: No such file or directory`);
      return text;
    },
    async expand(pattern) {
      const regex = new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);
      return Object.keys(files)
        .filter((f) => regex.test(f))
        .sort();
    },
  };
}

describe("parseKeepalivedConf: a tolerant reader", () => {
  it("reads blocks, nested blocks, quoted strings and line numbers", () => {
    const statements = parseKeepalivedConf(LAB_CONF, "/etc/keepalived/keepalived.conf");
    expect(statements.map((s) => s.words[0])).toEqual(["global_defs", "vrrp_script", "vrrp_instance"]);
    const script = statements[1]!.block!.find((s) => s.words[0] === "script")!;
    expect(script.words).toEqual(["script", "/etc/keepalived/check_apiserver.sh"]);
    const instance = statements[2]!;
    expect(instance.words).toEqual(["vrrp_instance", "VI_1"]);
    expect(instance.line).toBe(10);
    expect(instance.block!.find((s) => s.words[0] === "authentication")!.block!.map((s) => s.words)).toEqual([
      ["auth_type", "PASS"],
      // `!` starts a comment, as in keepalived: this password is really "s3cr3t".
      ["auth_pass", "s3cr3t"],
    ]);
  });

  it("comments with # and ! anywhere outside quotes; escaped and quoted ones are kept", () => {
    const statements = parseKeepalivedConf(
      ['! a whole-line comment', 'a 1 # trailing', 'b "x # y" ! trailing', 'c \\#literal', "d e!f"].join("\n"),
    );
    expect(statements.map((s) => s.words)).toEqual([["a", "1"], ["b", "x # y"], ["c", "#literal"], ["d", "e"]]);
  });

  it("braces against keywords, a { on the next line, one-line blocks and a missing } are tolerated", () => {
    const statements = parseKeepalivedConf(
      ["vrrp_instance A{", "  authentication { auth_type AH }", "}", "vrrp_instance B", "{", "  unicast_peer {", "    10.0.0.2", "  }", "vrrp_instance C {"].join("\n"),
    );
    expect(statements.map((s) => s.words)).toEqual([["vrrp_instance", "A"], ["vrrp_instance", "B"]]);
    // C is inside B's unclosed block: a missing } closes at the end of the file.
    const b = statements[1]!.block!;
    expect(b.map((s) => s.words[0])).toEqual(["unicast_peer", "vrrp_instance"]);
    expect(statements[0]!.block![0]!.block![0]!.words).toEqual(["auth_type", "AH"]);
  });

  it("a stray } at the top is ignored", () => {
    expect(parseKeepalivedConf("}\na 1\n").map((s) => s.words)).toEqual([["a", "1"]]);
  });
});

describe("vrrpInstances + judgeInstance: what guards each instance", () => {
  const judge = (text: string) => vrrpInstances(parseKeepalivedConf(text)).map(judgeInstance);

  it("authentication PASS with a password: ok, and the password is never shown", () => {
    const [result] = judge(LAB_CONF);
    expect(result).toEqual({ ok: true, seen: "VI_1 auth PASS" });
  });

  it("auth_type AH: ok", () => {
    expect(judge("vrrp_instance V { authentication {\nauth_type AH\n}\n}")).toEqual([{ ok: true, seen: "V auth AH" }]);
  });

  it("unicast peers: ok, counted", () => {
    const text = "vrrp_instance VI_2 {\n unicast_src_ip 10.0.0.1\n unicast_peer {\n  10.0.0.2\n  10.0.0.3\n }\n}";
    expect(judge(text)).toEqual([{ ok: true, seen: "VI_2 unicast to 2 peers" }]);
  });

  it("neither authentication nor unicast_peer: fails naming the instance", () => {
    const text = "vrrp_instance VI_1 {\n state MASTER\n virtual_ipaddress {\n 10.0.0.100\n }\n}";
    expect(judge(text)).toEqual([{ ok: false, seen: "VI_1 has neither authentication nor unicast_peer" }]);
  });

  it("an empty unicast_peer block is multicast; an unknown auth_type or PASS without a password fails", () => {
    expect(judge("vrrp_instance A {\n unicast_peer {\n }\n}")[0]!.ok).toBe(false);
    expect(judge("vrrp_instance A {\n authentication {\n auth_type NONE\n }\n}")[0]).toEqual({ ok: false, seen: 'A auth_type "NONE" is not PASS or AH' });
    expect(judge("vrrp_instance A {\n authentication {\n auth_type PASS\n }\n}")[0]).toEqual({ ok: false, seen: "A auth PASS without auth_pass" });
  });

  it("VRRPv3 ignores authentication: only unicast peers protect it", () => {
    const text = "global_defs {\n vrrp_version 3\n}\nvrrp_instance A {\n authentication {\n auth_type PASS\n auth_pass x\n }\n}\n" +
      "vrrp_instance B {\n version 2\n authentication {\n auth_type PASS\n auth_pass x\n }\n}";
    expect(judge(text)).toEqual([
      { ok: false, seen: "A auth PASS ignored by VRRPv3" },
      { ok: true, seen: "B auth PASS" },
    ]);
  });

  it("several instances are judged one by one", () => {
    const text = `${LAB_CONF}\nvrrp_instance VI_2 {\n  state BACKUP\n}\n`;
    expect(judge(text).map((j) => j.ok)).toEqual([true, false]);
  });
});

describe("loadKeepalivedConf: includes", () => {
  it("follows include with a glob, relative to the including file's directory, where it stands", async () => {
    const source = memorySource({
      "/etc/keepalived/keepalived.conf": "global_defs {\n router_id x\n}\ninclude conf.d/*.conf\n",
      "/etc/keepalived/conf.d/10-vi1.conf": "vrrp_instance VI_1 {\n include ../auth.inc\n}\n",
      "/etc/keepalived/conf.d/20-vi2.conf": "vrrp_instance VI_2 {\n state BACKUP\n}\n",
      "/etc/keepalived/conf.d/readme.txt": "vrrp_instance IGNORED {\n}\n",
      "/etc/keepalived/auth.inc": "authentication {\n auth_type PASS\n auth_pass abc\n}\n",
    });
    const loaded = await loadKeepalivedConf("/etc/keepalived/keepalived.conf", source);
    expect(loaded.files).toEqual([
      "/etc/keepalived/keepalived.conf",
      "/etc/keepalived/conf.d/10-vi1.conf",
      "/etc/keepalived/auth.inc",
      "/etc/keepalived/conf.d/20-vi2.conf",
    ]);
    const instances = vrrpInstances(loaded.statements);
    expect(instances.map((i) => [i.name, i.file, i.authType])).toEqual([
      ["VI_1", "/etc/keepalived/conf.d/10-vi1.conf", "PASS"],
      ["VI_2", "/etc/keepalived/conf.d/20-vi2.conf", undefined],
    ]);
    expect(loaded.notes).toEqual([]);
  });

  it("an include that matches nothing, one that includes itself, and an unreadable one are notes, not errors", async () => {
    const source = memorySource({
      "/etc/keepalived/keepalived.conf": "include /etc/keepalived/none/*.conf\ninclude loop.conf\nvrrp_instance A {\n}\n",
      "/etc/keepalived/loop.conf": "include loop.conf\n",
    });
    const loaded = await loadKeepalivedConf("/etc/keepalived/keepalived.conf", source);
    expect(loaded.notes).toEqual([
      "/etc/keepalived/keepalived.conf:1: include /etc/keepalived/none/*.conf matched no file",
      "/etc/keepalived/loop.conf:1: include /etc/keepalived/loop.conf includes itself, not followed",
    ]);
    expect(vrrpInstances(loaded.statements).map((i) => i.name)).toEqual(["A"]);
  });

  it("`include` only as a line of exactly two words; elsewhere it is an ordinary word", async () => {
    const source = memorySource({ "/k.conf": "include a b\nvrrp_instance include {\n}\n" });
    const loaded = await loadKeepalivedConf("/k.conf", source);
    expect(source.reads).toEqual(["/k.conf"]);
    expect(loaded.statements.map((s) => s.words)).toEqual([["include", "a", "b"], ["vrrp_instance", "include"]]);
  });

  it("an unreadable main file is an error", async () => {
    await expect(loadKeepalivedConf("/missing.conf", memorySource({}))).rejects.toThrow(/No such file/);
  });
});
