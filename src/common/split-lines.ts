import { StringDecoder } from "node:string_decoder";

/**
 * Feed chunks, get whole lines (without the newline or a trailing CR).
 * A decoder, not chunk.toString(), because a stream may cut a multi-byte
 * UTF-8 character across two chunks.
 */
export function splitLines(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  return (chunk) => {
    pending += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline);
      onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
      pending = pending.slice(newline + 1);
    }
  };
}
