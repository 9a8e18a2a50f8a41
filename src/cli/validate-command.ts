import { VipdrillError } from "../common/errors.js";
import { loadInventory } from "../inventory/load.js";
import { listScenarios, loadScenario } from "../scenario/load.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { writeJsonDocument } from "./json-output.js";

/** One file checked: valid (with what it is) or not (with every problem, one line each: file:line: path: …). */
interface Checked {
  file: string;
  ok: boolean;
  errors: string[];
}

/** `vipdrill validate --json`. */
export interface ValidateDocument {
  ok: boolean;
  exitCode: ExitCode;
  inventory: (Checked & { name?: string; vip?: string; port?: number; controlPlanes?: number; loadBalancers?: number; jumpHosts?: number }) | null;
  scenarios: Array<Checked & { name?: string; fault?: { type: string; target: string } }>;
}

/** A file's problems, each a line; anything but a VipdrillError is a bug, and thrown. */
async function check<T>(file: string, load: () => Promise<T>): Promise<{ value?: T; checked: Checked }> {
  try {
    return { value: await load(), checked: { file, ok: true, errors: [] } };
  } catch (error) {
    if (!(error instanceof VipdrillError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return { checked: { file, ok: false, errors: error.message.split("\n") } };
  }
}

/** Validate scenario files (and an inventory); every problem is printed, one line each. */
export async function validateCommand(files: string[], options: { inventory?: string; json?: boolean } = {}): Promise<ExitCode> {
  const targets = files.length > 0 || options.inventory !== undefined ? files : await listScenarios();
  const document: ValidateDocument = { ok: true, exitCode: EXIT.pass, inventory: null, scenarios: [] };
  if (options.inventory !== undefined) {
    const { value: inventory, checked } = await check(options.inventory, () => loadInventory(options.inventory!));
    document.inventory = checked;
    if (inventory) {
      const roles = (role: string) => inventory.hosts.filter((h) => h.roles.includes(role as "control-plane")).length;
      const summary = {
        name: inventory.name,
        vip: inventory.endpoint.vip,
        port: inventory.endpoint.port,
        controlPlanes: roles("control-plane"),
        loadBalancers: roles("load-balancer"),
        jumpHosts: inventory.jumpHosts.length,
      };
      document.inventory = { ...checked, ...summary };
      process.stdout.write(
        `✓ ${options.inventory}: inventory "${summary.name}" — VIP ${summary.vip}:${summary.port}, ` +
          `${summary.controlPlanes} control planes, ${summary.loadBalancers} load balancers, ${summary.jumpHosts} jump hosts\n`,
      );
    }
  }
  for (const file of targets) {
    const { value: scenario, checked } = await check(file, () => loadScenario(file));
    if (scenario) {
      document.scenarios.push({ ...checked, name: scenario.name, fault: { type: scenario.fault.type, target: scenario.fault.target } });
      process.stdout.write(`✓ ${file}: ${scenario.name} — ${scenario.fault.type} on ${scenario.fault.target}\n`);
    } else {
      document.scenarios.push(checked);
    }
  }
  document.ok = [document.inventory, ...document.scenarios].every((c) => c === null || c.ok);
  document.exitCode = document.ok ? EXIT.pass : EXIT.usage;
  if (options.json) writeJsonDocument(document);
  return document.exitCode;
}
