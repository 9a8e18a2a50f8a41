/**
 * A tiny typed XML tree and its serialiser (as Playwright's JUnit reporter writes XML: no library).
 * Attributes are escaped; text is written as CDATA, so a figure such as `± 10 ms < 3 s` reads as is.
 */
export interface XmlEntry {
  name: string;
  attributes?: Record<string, string | number>;
  children?: XmlEntry[];
  text?: string;
}

/** Characters XML 1.0 forbids or discourages (see https://en.wikipedia.org/wiki/Valid_characters_in_XML). */
// eslint-disable-next-line no-control-regex
const DISCOURAGED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", '"': "&quot;", "'": "&apos;", "<": "&lt;", ">": "&gt;" };

const clean = (text: string): string => text.replace(ANSI, "").replace(DISCOURAGED, "");
const attribute = (value: string): string => clean(value).replace(/[&"'<>]/g, (c) => ENTITIES[c]!);
// "]]>" cannot appear inside CDATA: end the section before its ">" and start another.
const cdata = (text: string): string => `<![CDATA[${clean(text).replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

/** The document, indented by two spaces per level, with the XML declaration and a final newline. */
export function serializeXml(root: XmlEntry): string {
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`];
  const visit = (entry: XmlEntry, depth: number): void => {
    const indent = "  ".repeat(depth);
    const attrs = Object.entries(entry.attributes ?? {})
      .map(([name, value]) => ` ${name}="${attribute(String(value))}"`)
      .join("");
    const children = entry.children ?? [];
    if (children.length === 0 && entry.text === undefined) {
      lines.push(`${indent}<${entry.name}${attrs}/>`);
      return;
    }
    if (children.length === 0) {
      lines.push(`${indent}<${entry.name}${attrs}>${cdata(entry.text!)}</${entry.name}>`);
      return;
    }
    lines.push(`${indent}<${entry.name}${attrs}>`);
    for (const child of children) visit(child, depth + 1);
    if (entry.text !== undefined) lines.push(`${indent}  ${cdata(entry.text)}`);
    lines.push(`${indent}</${entry.name}>`);
  };
  visit(root, 0);
  return `${lines.join("\n")}\n`;
}
