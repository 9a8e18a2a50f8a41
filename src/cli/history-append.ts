import type { Topology } from "../model/host.js";
import type { Scenario } from "../model/scenario.js";
import { hostVersions } from "../engine/host-versions.js";
import { appendHistoryRecord } from "../report/history/history-file.js";
import { historyRecordOf } from "../report/history/history-record.js";
import type { Report } from "../report/report-types.js";

/** --history FILE: the run's line, with the Keepalived and HAProxy versions its hosts tell (2 s at most). */
export async function appendHistory(file: string, scenario: Scenario, report: Report, topology: Topology, reportDir: string): Promise<void> {
  const versions = await hostVersions(topology, 2000);
  await appendHistoryRecord(file, historyRecordOf(report, scenario, versions, reportDir));
  process.stderr.write(`history: ${file} (+1 line)\n`);
}
