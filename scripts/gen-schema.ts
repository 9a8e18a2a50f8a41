// Writes scenarios/scenario.schema.json (for editors: `# yaml-language-server: $schema=./scenario.schema.json`)
// from the zod schema, so the two cannot disagree. A unit test fails when the committed file is stale.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/common/package-root.js";
import { scenarioJsonSchema } from "../src/scenario/json-schema.js";

writeFileSync(join(packageRoot(), "scenarios", "scenario.schema.json"), scenarioJsonSchema());
