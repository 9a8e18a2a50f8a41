/** A bench's figure lines: the name padded to `width`, then the value, on stdout. */
export function lineWriter(width: number): (name: string, value: string) => void {
  return (name, value) => void process.stdout.write(`${name.padEnd(width)} ${value}\n`);
}
