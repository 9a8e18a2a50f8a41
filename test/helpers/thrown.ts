import { expect } from "vitest";

/** The message of the error `fn` throws, after checking its code; a test fails when nothing is thrown. */
export function thrownMessage(fn: () => unknown, code: string | RegExp): string {
  try {
    fn();
  } catch (error) {
    expect((error as { code?: string }).code).toMatch(code);
    return (error as Error).message;
  }
  throw new Error("expected an error, and nothing was thrown");
}
