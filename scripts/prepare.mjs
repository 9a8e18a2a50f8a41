// Make a fresh clone ready for the tests (npm test's pretest): node dependencies, the compiled CLI
// with --build, a Docker engine (installed and started by lab/setup-engine.sh where that is
// possible: root on Debian/Ubuntu) and Debian's Chromium for the HTML report's browser test. The ./vipdrill wrapper does not use this: see scripts/vipdrill.mjs.
import { ensureBrowser, ensureCompiled, ensureDependencies, ensureEngine } from "./prepare-steps.mjs";

ensureDependencies();
if (process.argv.includes("--build")) ensureCompiled();
ensureEngine();
ensureBrowser();
