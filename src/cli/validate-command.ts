import { VipdrillError } from "../common/errors.js";
import { loadInventory } from "../inventory/load.js";
import { listScenarios, loadScenario } from "../scenario/load.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

/** Validate scenario files (and an inventory); every problem is printed, one line each. */
export async function validateCommand(files: string[], options: { inventory?: string } = {}): Promise<ExitCode> {
  const targets = files.length > 0 || options.inventory !== undefined ? files : await listScenarios();
  let failed = 0;
  if (options.inventory !== undefined) {
    try {
      const inventory = await loadInventory(options.inventory);
      const roles = (role: string) => inventory.hosts.filter((h) => h.roles.includes(role as "control-plane")).length;
      process.stdout.write(
        `✓ ${options.inventory}: inventory "${inventory.name}" — VIP ${inventory.endpoint.vip}:${inventory.endpoint.port}, ` +
          `${roles("control-plane")} control planes, ${roles("load-balancer")} load balancers, ${inventory.jumpHosts.length} jump hosts\n`,
      );
    } catch (error) {
      if (!(error instanceof VipdrillError)) throw error;
      failed++;
      process.stderr.write(`${error.message}\n`);
    }
  }
  for (const file of targets) {
    try {
      const scenario = await loadScenario(file);
      process.stdout.write(`✓ ${file}: ${scenario.name} — ${scenario.fault.type} on ${scenario.fault.target}\n`);
    } catch (error) {
      if (!(error instanceof VipdrillError)) throw error;
      failed++;
      process.stderr.write(`${error.message}\n`);
    }
  }
  return failed > 0 ? EXIT.usage : EXIT.pass;
}
