import { z } from "zod";
import { inventoryInput } from "./input.js";

/** The JSON Schema of what users write (the schema's input side), as committed in inventories/. */
export function inventoryJsonSchema(): string {
  const schema = z.toJSONSchema(inventoryInput, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "vipdrill inventory" }, null, 2)}\n`;
}
