// Writes scenarios/scenario.schema.json and inventories/inventory.schema.json (for editors:
// `# yaml-language-server: $schema=./scenario.schema.json`) from the zod schemas, so the two cannot
// disagree. Unit tests fail when a committed file is stale.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/common/package-root.js";
import { inventoryJsonSchema } from "../src/inventory/json-schema.js";
import { scenarioJsonSchema } from "../src/scenario/json-schema.js";

writeFileSync(join(packageRoot(), "scenarios", "scenario.schema.json"), scenarioJsonSchema());
writeFileSync(join(packageRoot(), "inventories", "inventory.schema.json"), inventoryJsonSchema());
