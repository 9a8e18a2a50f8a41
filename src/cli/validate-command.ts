import { VipdrillError } from "../common/errors.js";
import { listScenarios, loadScenario } from "../scenario/load.js";
import { EXIT, type ExitCode } from "./exit-codes.js";

/** Validate scenario files; every problem is printed, one line each. */
export async function validateCommand(files: string[]): Promise<ExitCode> {
  const targets = files.length > 0 ? files : await listScenarios();
  let failed = 0;
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
