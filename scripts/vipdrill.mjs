// What ./vipdrill runs once Node's version is known to be right: the CLI made ready (node
// dependencies and the compiled code, only when missing or older than their sources), then the CLI
// itself, in this same process. The Docker engine is not touched here: a command that needs it and
// finds none sets it up then (VIPDRILL_SETUP_ENGINE, src/cli/engine-setup.ts), so --help, --version,
// validate and plan never install or start anything.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureCompiled, ensureDependencies, root } from "./prepare-steps.mjs";

ensureDependencies();
ensureCompiled();
process.env.VIPDRILL_SETUP_ENGINE = "1";
await import(pathToFileURL(join(root, "dist", "cli", "main.js")).href);
