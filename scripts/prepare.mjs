// Make a fresh clone ready for the tests (npm test's pretest): node dependencies, the compiled CLI
// with --build, and a Docker engine (installed and started by lab/setup-engine.sh where that is
// possible: root on Debian/Ubuntu). The ./vipdrill wrapper does not use this: see scripts/vipdrill.mjs.
import { ensureCompiled, ensureDependencies, ensureEngine } from "./prepare-steps.mjs";

ensureDependencies();
if (process.argv.includes("--build")) ensureCompiled();
ensureEngine();
