// report.json's JSON Schema, generated from the TypeScript types that describe it
// (src/report/report-types.ts, with the analysis and timeline types it names): the types are the one
// source, and their doc comments become the schema's descriptions. typescript-json-schema reads them
// through the type checker, so derived types (`keyof typeof …`) come out as what they are. Used by
// gen-schema.ts and by the unit test that fails when reports/report.schema.json is stale.
import { join } from "node:path";
import * as TJS from "typescript-json-schema";
import { packageRoot } from "../src/common/package-root.js";

export function reportJsonSchema(): string {
  const root = packageRoot();
  const types = join(root, "src", "report", "report-types.ts");
  const program = TJS.programFromConfig(join(root, "tsconfig.json"), [types]);
  const schema = TJS.generateSchema(program, "Report", {
    required: true,
    // A reader of version N accepts the fields later releases of N add.
    noExtraProps: false,
    // tsc checks the types; the generator only reads them.
    ignoreErrors: true,
  });
  if (schema === null) throw new Error(`scripts/report-schema.ts: no type Report in ${types}`);
  return `${JSON.stringify(withShortNames({ ...schema, title: "vipdrill report.json" }), null, 2)}\n`;
}

/** The checker names a type of another module `import("/abs/path/module",…).Name`: keep `Name`, so the file is the same in every checkout. */
const IMPORT_PREFIX = /import\("[^"]*"[^)]*\)\./g;

function withShortNames<T>(schema: T): T {
  const text = JSON.stringify(schema, (key, value: unknown) => {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/definitions/")) {
      const name = decodeURIComponent(value.slice("#/definitions/".length));
      return `#/definitions/${encodeURIComponent(name.replace(IMPORT_PREFIX, ""))}`;
    }
    if (key === "definitions" && value !== null && typeof value === "object") {
      const renamed = Object.entries(value).map(([name, definition]) => [name.replace(IMPORT_PREFIX, ""), definition] as const);
      const names = renamed.map(([name]) => name);
      const twice = names.find((name, i) => names.indexOf(name) !== i);
      if (twice !== undefined) throw new Error(`scripts/report-schema.ts: two types named ${twice} in report.json's types: rename one`);
      return Object.fromEntries(renamed);
    }
    return value;
  });
  return JSON.parse(text) as T;
}
