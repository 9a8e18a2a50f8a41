/**
 * POSIX shell quoting, for the places a command must become a string: scripts run on the host, and
 * the one command line an SSH exec request carries. Words made only of safe characters stay bare.
 */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** argv as one shell command line: every word quoted, so the remote shell sees exactly these words. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
