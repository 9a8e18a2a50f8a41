// Writes the committed JSON Schemas, so that none can disagree with what it describes; unit tests fail
// when a committed file is stale. Editors use the first two (`# yaml-language-server:
// $schema=./scenario.schema.json`); report.json names the third in its `$schema`.
//   scenarios/scenario.schema.json, inventories/inventory.schema.json — from the zod schemas
//   reports/report.schema.json — from the TypeScript types of report.json (src/report/report-types.ts)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/common/package-root.js";
import { inventoryJsonSchema } from "../src/inventory/json-schema.js";
import { reportSchemaFile } from "../src/report/report.js";
import { scenarioJsonSchema } from "../src/scenario/json-schema.js";
import { reportJsonSchema } from "./report-schema.js";

writeFileSync(join(packageRoot(), "scenarios", "scenario.schema.json"), scenarioJsonSchema());
writeFileSync(join(packageRoot(), "inventories", "inventory.schema.json"), inventoryJsonSchema());
writeFileSync(reportSchemaFile(), reportJsonSchema());
