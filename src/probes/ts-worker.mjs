// Runs a TypeScript worker module under tsx: only when vipdrill runs from its sources (vitest, tsx);
// the compiled CLI starts the .js worker directly.
import { workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

await tsImport(workerData.__entry, import.meta.url);
