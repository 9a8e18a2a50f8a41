/**
 * --json: stdout carries one JSON document and nothing else. From the moment a command sees --json,
 * whatever is written to stdout for people (summaries, plans, the lines of a repeated run) goes to
 * stderr instead, so code that prints for people needs no flag of its own; the document alone is
 * written with stdout's own write.
 */
type Write = (text: string) => boolean;

let documentWrite: Write | undefined;
let written = false;

/** Send stdout's human output to stderr for the rest of the process. */
export function claimStdoutForJson(): void {
  if (documentWrite !== undefined) return;
  const toStdout = process.stdout.write.bind(process.stdout);
  documentWrite = (text) => toStdout(text);
  process.stdout.write = process.stderr.write.bind(process.stderr);
}

/** The command's one JSON document, on stdout. */
export function writeJsonDocument(document: unknown): void {
  written = true;
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (documentWrite) documentWrite(text);
  else process.stdout.write(text);
}

/** Whether the command wrote its document (an error after that must not write a second one). */
export function jsonDocumentWritten(): boolean {
  return written;
}
