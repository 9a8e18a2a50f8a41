// The floors of src/ (README "Architecture"): each folder lists the folders it may import from, as
// Playwright's DEPS.list files do. A folder never imports one above it, so folders cannot form a
// cycle; `floors/floors` reports any relative import that crosses into a folder not on its list.
import { dirname, relative, resolve, sep } from "node:path";

/** folder → the folders below it that it may import (its own folder is always allowed). */
export const FLOORS = {
  common: [],
  model: ["common"],
  scenario: ["model", "common"],
  inventory: ["model", "common"],
  "host-tools": ["model", "common"],
  targets: ["scenario", "inventory", "host-tools", "model", "common"],
  probes: ["model", "common"],
  observers: ["host-tools", "model", "common"],
  faults: ["probes", "host-tools", "model", "common"],
  analysis: ["model", "common"],
  engine: ["analysis", "faults", "observers", "probes", "host-tools", "scenario", "model", "common"],
  preflight: ["engine", "analysis", "faults", "observers", "probes", "host-tools", "inventory", "scenario", "model", "common"],
  report: ["analysis", "model", "common"],
  cli: ["report", "preflight", "engine", "analysis", "faults", "observers", "probes", "targets", "host-tools", "inventory", "scenario", "model", "common"],
};

/** Throws on a cycle in FLOORS: the map itself must be a ladder. */
export function assertAcyclic(floors = FLOORS) {
  const state = new Map();
  const visit = (folder, path) => {
    if (state.get(folder) === "done") return;
    if (state.get(folder) === "visiting") throw new Error(`eslint/floors.js: folders import each other: ${[...path, folder].join(" → ")}`);
    state.set(folder, "visiting");
    for (const below of floors[folder] ?? []) visit(below, [...path, folder]);
    state.set(folder, "done");
  };
  for (const folder of Object.keys(floors)) visit(folder, []);
}
assertAcyclic();

const srcRoot = resolve(import.meta.dirname, "..", "src");
const folderOf = (file) => {
  const rel = relative(srcRoot, file);
  if (rel.startsWith("..") || !rel.includes(sep)) return undefined;
  return rel.split(sep)[0];
};

export const floorsPlugin = {
  rules: {
    floors: {
      meta: { type: "problem", messages: { upward: "{{from}}/ may not import {{to}}/ (allowed: {{allowed}}): see eslint/floors.js and the README's floors" } },
      create(context) {
        const file = context.filename;
        const from = folderOf(file);
        if (from === undefined) return {};
        const allowed = FLOORS[from];
        const check = (node, spec) => {
          if (typeof spec !== "string" || !spec.startsWith(".")) return;
          const to = folderOf(resolve(dirname(file), spec));
          if (to === undefined || to === from) return;
          if (allowed === undefined || !allowed.includes(to)) {
            context.report({ node, messageId: "upward", data: { from, to, allowed: (allowed ?? []).join(", ") || "nothing of ours" } });
          }
        };
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
        };
      },
    },
  },
};
