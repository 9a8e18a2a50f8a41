import { GenericContainer } from "testcontainers";
import type { LabFile } from "./lab-files.js";

/**
 * A lab node, created and started with testcontainers. What testcontainers' builder does not cover
 * (a static address on a network with a fixed subnet, seccomp off, systemd's stop signal) is set on
 * the create options just before the container is created.
 */
export class LabNodeContainer extends GenericContainer {
  constructor(
    image: string,
    options: {
      name: string;
      hostname: string;
      network: string;
      address: string;
      labels: Record<string, string>;
      files: LabFile[];
    },
  ) {
    super(image);
    this.withName(options.name)
      .withHostname(options.hostname)
      .withLabels(options.labels)
      .withEnvironment({ container: "docker" })
      // --privileged is refused on some hosts; these are what systemd, VRRP and `ip link` need.
      .withAddedCapabilities("SYS_ADMIN", "NET_ADMIN", "NET_RAW")
      .withTmpFs({ "/run": "rw,exec", "/run/lock": "rw", "/tmp": "rw,exec" })
      .withBindMounts([{ source: "/sys/fs/cgroup", target: "/sys/fs/cgroup", mode: "rw" }])
      .withNetworkMode(options.network)
      // Copied after create, before start: the node boots straight into its role.
      .withCopyContentToContainer(options.files.map((f) => ({ content: f.content, target: f.path, mode: f.mode })))
      .withStartupTimeout(60_000);
    this.#network = options.network;
    this.#address = options.address;
  }

  readonly #network: string;
  readonly #address: string;

  protected override async beforeContainerCreated(): Promise<void> {
    this.hostConfig.SecurityOpt = ["seccomp=unconfined"];
    this.createOpts.StopSignal = "SIGRTMIN+3";
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [this.#network]: { IPAMConfig: { IPv4Address: this.#address } } },
    };
  }
}
