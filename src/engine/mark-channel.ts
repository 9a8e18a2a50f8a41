/**
 * How `vipdrill mark "draining lb-1"` reaches a running watch from another shell: a Unix socket the
 * watch listens on (one per user, in the runtime directory), one line of text per connection,
 * answered with the time it landed on the watch's timeline.
 */
import { existsSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { UsageError, errorMessage } from "../common/errors.js";

/** The socket: $XDG_RUNTIME_DIR/vipdrill-watch.sock, else the temporary directory with the user's id. */
export function markSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIPDRILL_WATCH_SOCKET) return env.VIPDRILL_WATCH_SOCKET;
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, "vipdrill-watch.sock") : join(tmpdir(), `vipdrill-watch-${userInfo().uid}.sock`);
}

const MAX_MARK_CHARS = 200;

/** Listen for marks; `onMark` returns the time it was put at (ms since the watch's origin). */
export async function listenForMarks(path: string, onMark: (text: string) => number): Promise<{ close(): Promise<void> }> {
  // A socket left by a watch that died: nobody answers on it, so it can go.
  if (existsSync(path) && !(await answers(path))) unlinkSync(path);
  const server: Server = createServer((socket) => {
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end < 0 && text.length < MAX_MARK_CHARS) return;
      const mark = (end < 0 ? text : text.slice(0, end)).trim().slice(0, MAX_MARK_CHARS);
      socket.end(`${mark === "" ? "empty" : `T+${(onMark(mark) / 1000).toFixed(3)} s`}\n`);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new UsageError("VIPDRILL_WATCH_RUNNING", `another watch is running (its mark socket ${path} answers): one watch at a time per user, or set VIPDRILL_WATCH_SOCKET`)
          : error,
      ),
    );
    server.listen(path, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }),
  };
}

/** Send a mark to the running watch; resolves with where it landed ("T+12.345 s"). */
export function sendMark(path: string, text: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let answer = "";
    const fail = (why: string): void => {
      socket.destroy();
      reject(new UsageError("VIPDRILL_NO_WATCH", `no watch is running to mark (${why}): start one with \`vipdrill watch\``));
    };
    socket.setTimeout(timeoutMs, () => fail(`${path} did not answer within ${timeoutMs} ms`));
    socket.on("error", (error: NodeJS.ErrnoException) => fail(error.code === "ENOENT" || error.code === "ECONNREFUSED" ? `nothing listens on ${path}` : errorMessage(error)));
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => resolve(answer.trim()));
    socket.write(`${text.replace(/\n/g, " ")}\n`);
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
