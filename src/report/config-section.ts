/**
 * The configuration a drill ran on, where it was not the lab's templates (report.json
 * `configuration`): the files with their SHA-256, the mapping table production → lab, what could
 * not be mapped, how the lab was sized, what the daemons said. Shared by the terminal summary,
 * summary.md and report.html; no secret reaches it (the mapping redacts them).
 */
import type { ConfigMappingRow, ConfigUnderTest } from "../model/config-under-test.js";
import { escapeHtml as esc } from "./html/standalone-page.js";

const ROLE_WORDS: Record<ConfigUnderTest["role"], string> = { proposed: "the proposed configuration", baseline: "today's configuration (baseline)", lab: "the lab's templates" };
const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const where = (r: ConfigMappingRow): string => (r.line > 0 ? `${r.file}:${r.line}` : r.file);

export function configurationTitle(c: ConfigUnderTest): string {
  return `Configuration under test: ${ROLE_WORDS[c.role]}`;
}

/** Plain lines for the terminal. */
export function configurationLines(c: ConfigUnderTest): string[] {
  const out = [configurationTitle(c)];
  for (const f of c.files) out.push(`  ${f.daemon} ${f.path} sha256:${f.sha256}`);
  for (const o of c.overrides) out.push(`  set: ${o}`);
  for (const s of c.sizing) out.push(`  sized: ${s}`);
  if (c.mapping.length > 0) out.push("  production → lab:");
  for (const r of c.mapping) out.push(`    ${where(r)}  ${r.item}: ${r.production} → ${r.lab}`);
  for (const u of c.unmapped) out.push(`  not mapped: ${u}`);
  for (const w of c.checks) out.push(`  daemon: ${w}`);
  return out;
}

export function configurationMarkdown(c: ConfigUnderTest): string[] {
  const lines = [`### ${configurationTitle(c)}`, "", "| daemon | file | sha256 |", "|---|---|---|", ...c.files.map((f) => `| ${f.daemon} | \`${cell(f.path)}\` | \`${f.sha256}\` |`), ""];
  if (c.overrides.length > 0) lines.push(...c.overrides.map((o) => `- set: ${cell(o)}`), "");
  if (c.sizing.length > 0) lines.push(...c.sizing.map((s) => `- sized: ${cell(s)}`), "");
  if (c.mapping.length > 0) {
    lines.push("| where | item | production | → lab |", "|---|---|---|---|", ...c.mapping.map((r) => `| ${cell(where(r))} | ${cell(r.item)} | ${cell(r.production)} | ${cell(r.lab)} |`), "");
  }
  if (c.unmapped.length > 0) lines.push("Not mapped onto the lab:", "", ...c.unmapped.map((u) => `- ${cell(u)}`), "");
  if (c.checks.length > 0) lines.push("The daemons' own checks said:", "", ...c.checks.map((w) => `- ${cell(w)}`), "");
  return lines;
}

export function configurationHtml(c: ConfigUnderTest): string {
  const rows = c.mapping.map((r) => `<tr><td>${esc(where(r))}</td><td>${esc(r.item)}</td><td>${esc(r.production)}</td><td>${esc(r.lab)}</td></tr>`).join("\n");
  const list = (title: string, items: readonly string[]): string => (items.length === 0 ? "" : `<p>${title}</p><ul>${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`);
  return `<section id="configuration">
<h2>${esc(configurationTitle(c))}</h2>
<table><thead><tr><th>daemon</th><th>file</th><th>sha256</th></tr></thead><tbody>
${c.files.map((f) => `<tr><td>${esc(f.daemon)}</td><td>${esc(f.path)}</td><td><code>${esc(f.sha256)}</code></td></tr>`).join("\n")}
</tbody></table>
${list("Set on top:", c.overrides)}${list("Sized:", c.sizing)}
${rows === "" ? "" : `<table><thead><tr><th>where</th><th>item</th><th>production</th><th>→ lab</th></tr></thead><tbody>\n${rows}\n</tbody></table>`}
${list("Not mapped onto the lab:", c.unmapped)}${list("The daemons' own checks said:", c.checks)}
</section>`;
}
