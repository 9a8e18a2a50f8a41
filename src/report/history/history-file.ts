/**
 * The history file: JSON lines appended one per run. Read back whole and validated; a line that is
 * not a history record stops the reader with the file and the line — nothing is skipped silently.
 */
import { appendFile, open, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { UsageError } from "../../common/errors.js";
import { display } from "../../common/display-path.js";
import { issueLine, jsonErrorWhere } from "../compare/report-file.js";
import { HISTORY_FORMAT, historyRecordSchema, type HistoryRecord } from "./history-record.js";

const invalid = (file: string, line: number, message: string): never => {
  throw new UsageError("VIPDRILL_HISTORY_INVALID", `${display(file)}:${line}: ${message}`);
};

/** Every record of the file, in order. A missing file is an error here (trend, compare): there is nothing to read. */
export async function readHistory(file: string): Promise<HistoryRecord[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError("VIPDRILL_HISTORY_INVALID", `${display(file)}: ${code === "ENOENT" ? "no such history file" : `cannot be read (${code ?? String(error)})`}`);
  }
  return parseHistory(text, file);
}

export function parseHistory(text: string, file: string): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  text.split("\n").forEach((line, i) => {
    // A blank line holds no run (the file ends with a newline).
    if (line.trim() === "") return;
    records.push(parseLine(line, file, i + 1));
  });
  return records;
}

function parseLine(line: string, file: string, lineNo: number): HistoryRecord {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return invalid(file, lineNo, `not a JSON line (${jsonErrorWhere(error, line).replace(/^line 1: /, "")}): a truncated or edited line?`);
  }
  const format = (data as { history?: unknown } | null)?.history;
  if (typeof format !== "number") return invalid(file, lineNo, `not a vipdrill history record (expected an object with "history", "scenario", "figures")`);
  if (format > HISTORY_FORMAT) {
    return invalid(file, lineNo, `written in history format ${format}; this vipdrill reads format ${HISTORY_FORMAT} and older: upgrade vipdrill to read it`);
  }
  const result = historyRecordSchema.safeParse(data);
  return result.success ? result.data : invalid(file, lineNo, issueLine(result.error.issues, data));
}

/**
 * Before a run appends to it: the file, if it exists, must read back whole (a corrupted line is
 * reported now, not after an hour of drills), and its folder must exist.
 */
export async function checkHistoryFile(file: string): Promise<void> {
  const exists = await stat(file).then(() => true, () => false);
  if (exists) {
    await readHistory(file);
    return;
  }
  const folder = await stat(dirname(file)).catch(() => undefined);
  if (folder?.isDirectory() !== true) throw new UsageError("VIPDRILL_HISTORY_INVALID", `${display(file)}: --history: no folder ${display(dirname(file))} to create it in`);
}

/** One line more. A file whose last line lacks its newline gets one first, so the new line stands alone. */
export async function appendHistoryRecord(file: string, record: HistoryRecord): Promise<void> {
  let needsNewline = false;
  const handle = await open(file, "a+");
  try {
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      needsNewline = last[0] !== 0x0a;
    }
  } finally {
    await handle.close();
  }
  await appendFile(file, `${needsNewline ? "\n" : ""}${JSON.stringify(record)}\n`);
}
