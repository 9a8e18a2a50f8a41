import type { Report } from "./report-types.js";

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** junit.xml: the scenario is a suite, each budget a test case (a breached budget is a failure). */
export function renderJunit(report: Report): string {
  const failures = report.budgets.filter((b) => !b.pass).length;
  const errors = report.error ? 1 : 0;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const cases = report.budgets.map((b) => {
    const name = escape(`${b.name}: ${b.measured} (limit ${b.limit})`);
    return b.pass
      ? `    <testcase classname="vipdrill.${escape(report.scenario.name)}" name="${name}"/>`
      : `    <testcase classname="vipdrill.${escape(report.scenario.name)}" name="${name}">\n      <failure message="${escape(`${b.name} breached: ${b.measured}, limit ${b.limit}`)}"/>\n    </testcase>`;
  });
  if (report.error) {
    cases.push(
      `    <testcase classname="vipdrill.${escape(report.scenario.name)}" name="drill ran to the end">\n      <error type="${escape(report.error.code)}" message="${escape(report.error.message)}"/>\n    </testcase>`,
    );
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="vipdrill" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite name="${escape(report.scenario.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}" timestamp="${report.startedAt}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
