import { describe, expect, it } from "vitest";
import { findChromium, type Machine } from "./chromium.js";

/** A pretend machine: which files exist, whether we are root, and a log of the commands run. */
function machine(files: string[], options: { root?: boolean; env?: Record<string, string>; installs?: boolean } = {}): Machine & { commands: string[] } {
  const present = new Set(files);
  const commands: string[] = [];
  return {
    env: options.env ?? {},
    commands,
    exists: (path) => present.has(path),
    isRoot: () => options.root ?? false,
    run: (command, args) => {
      commands.push([command, ...args].join(" "));
      if (options.installs !== false && args.includes("install")) present.add("/usr/bin/chromium");
    },
  };
}

describe("finding Chromium for the end-to-end test", () => {
  it("takes CHROMIUM_PATH when it exists, and names it when it does not", () => {
    expect(findChromium(machine(["/opt/c"], { env: { CHROMIUM_PATH: "/opt/c" } }))).toBe("/opt/c");
    expect(() => findChromium(machine([], { env: { CHROMIUM_PATH: "/opt/c" } }))).toThrow("CHROMIUM_PATH is /opt/c, which does not exist");
  });

  it("uses Debian's chromium when it is there, installing nothing", () => {
    const m = machine(["/usr/bin/chromium", "/usr/bin/apt-get"], { root: true });
    expect(findChromium(m)).toBe("/usr/bin/chromium");
    expect(m.commands).toEqual([]);
  });

  it("installs it as root with apt-get: one update, then the install", () => {
    const m = machine(["/usr/bin/apt-get"], { root: true });
    expect(findChromium(m)).toBe("/usr/bin/chromium");
    expect(m.commands).toEqual(["/usr/bin/apt-get update", "/usr/bin/apt-get -o DPkg::Lock::Timeout=180 install -y chromium"]);
  });

  it("fails with one line saying how to install it when it may not install", () => {
    for (const m of [machine(["/usr/bin/apt-get"], { root: false }), machine([], { root: true })]) {
      let message = "";
      try {
        findChromium(m);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain("apt-get install -y chromium");
      expect(message).not.toContain("\n");
      expect(m.commands).toEqual([]);
    }
  });

  it("says so when the install leaves no binary behind", () => {
    expect(() => findChromium(machine(["/usr/bin/apt-get"], { root: true, installs: false }))).toThrow("still missing");
  });
});
