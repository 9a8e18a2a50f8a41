/**
 * junit.xml as CI tools read it: parsed with fast-xml-parser (after checking it is well-formed), so
 * tests assert on suites, cases and properties rather than on the text's layout.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export interface JunitOutcome {
  type: string;
  message: string;
  text: string;
}

export interface ParsedCase {
  classname: string;
  name: string;
  time: string;
  properties: Record<string, string>;
  failure?: JunitOutcome;
  error?: JunitOutcome;
  systemOut: string;
}

export interface ParsedSuite {
  attributes: Record<string, string>;
  properties: Record<string, string>;
  cases: ParsedCase[];
  systemOut: string;
}

export interface ParsedJunit {
  attributes: Record<string, string>;
  suites: ParsedSuite[];
}

type Node = Record<string, unknown>;
const LISTS = new Set(["testsuite", "testcase", "property"]);

const attributesOf = (node: Node): Record<string, string> =>
  Object.fromEntries(Object.entries(node).filter(([k, v]) => typeof v === "string" && !k.startsWith("#")) as Array<[string, string]>);
/** An attribute or text as the parser gives it (always a string: parseTagValue and parseAttributeValue are off). */
const stringOf = (value: unknown): string => (typeof value === "string" ? value : "");
const textOf = (node: unknown): string => (typeof node === "string" ? node : typeof node === "object" && node !== null ? stringOf((node as Node)["#text"]) : "");
const propertiesOf = (node: Node): Record<string, string> =>
  Object.fromEntries((((node.properties as Node | undefined)?.property as Node[] | undefined) ?? []).map((p) => [String(p.name), String(p.value)]));
const outcomeOf = (node: unknown): JunitOutcome | undefined =>
  node === undefined ? undefined : { type: stringOf((node as Node).type), message: stringOf((node as Node).message), text: textOf(node) };

export function parseJunit(xml: string): ParsedJunit {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`junit.xml is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => LISTS.has(name),
  });
  const doc = parser.parse(xml) as { testsuites?: Node };
  const root = doc.testsuites;
  if (root === undefined) throw new Error("junit.xml has no <testsuites>");
  return {
    attributes: attributesOf(root),
    suites: ((root.testsuite as Node[] | undefined) ?? []).map((suite) => ({
      attributes: attributesOf(suite),
      properties: propertiesOf(suite),
      systemOut: textOf(suite["system-out"]),
      cases: ((suite.testcase as Node[] | undefined) ?? []).map((c) => {
        const parsed: ParsedCase = {
          classname: String(c.classname),
          name: String(c.name),
          time: String(c.time),
          properties: propertiesOf(c),
          systemOut: textOf(c["system-out"]),
        };
        const failure = outcomeOf(c.failure);
        const error = outcomeOf(c.error);
        if (failure) parsed.failure = failure;
        if (error) parsed.error = error;
        return parsed;
      }),
    })),
  };
}
