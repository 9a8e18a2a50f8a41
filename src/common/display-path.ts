import { relative, resolve, sep } from "node:path";

/** Paths in messages: relative to the working directory when under it, else absolute. */
export function display(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel === "" || rel.startsWith("..") || rel.startsWith(sep) ? resolve(file) : rel;
}

/** A path into a document as messages print it: `hosts[1].ssh.jump`. */
export function dotted(path: readonly (string | number)[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}
