import { z } from "zod";
import { scenarioInput } from "./schema.js";

/** The JSON Schema of what users write (the schema's input side), as committed in scenarios/. */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(scenarioInput, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "vipdrill scenario" }, null, 2)}\n`;
}
