import { describe, expect, it } from "vitest";
import { sudoAdvice } from "./sudo-advice.js";

describe("sudoAdvice", () => {
  it("answers what sudo said: a password, a terminal, no sudo at all, no right to run the command", () => {
    expect(sudoAdvice("sudo: a password is required", "ops")).toMatch(/give ops passwordless sudo on the host \(NOPASSWD\), or log in as root/);
    expect(sudoAdvice("sudo: sorry, you must have a tty to run sudo", "ops")).toMatch(/^sudo there wants a terminal \(Defaults requiretty\): add `Defaults:ops !requiretty`/);
    expect(sudoAdvice("bash: line 1: sudo: command not found", "ops")).toMatch(/^sudo is not installed there/);
    expect(sudoAdvice("sh: 1: sudo: not found", "ops")).toMatch(/^sudo is not installed there/);
    expect(sudoAdvice("Sorry, user ops is not allowed to execute '/usr/bin/true' as root on lb-1.", "ops")).toMatch(/^ops may not use sudo there/);
  });
});
