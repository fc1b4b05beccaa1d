import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Headless flags that work on these machines (see the toolchain notes): no sandbox (containers run as
 * root), no GPU, and nothing that phones home or waits for a first-run dialog.
 */
export const chromiumArgs: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const debianPath = "/usr/bin/chromium";
const aptGet = "/usr/bin/apt-get";
const howToInstall = `Chromium not found at ${debianPath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary`;

/** What {@link findChromium} asks of the machine; tests pass their own. */
export interface Machine {
  readonly env: Readonly<Record<string, string | undefined>>;
  exists(path: string): boolean;
  isRoot(): boolean;
  /** Runs a command to completion; throws if it fails. */
  run(command: string, args: readonly string[]): void;
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (result.status !== 0) {
    const tail = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}): ${tail}`);
  }
}

const thisMachine: Machine = { env: process.env, exists: existsSync, isRoot: () => process.getuid?.() === 0, run };

/**
 * The Chromium binary to drive: `CHROMIUM_PATH` when set (it must exist), else Debian's
 * `/usr/bin/chromium`. When that is missing and this process may install packages (root, with
 * `apt-get`), it installs Debian's `chromium` first (one `apt-get update`, then the install; about
 * 30 s), because a fresh machine does not have it. Otherwise it throws one line saying how to install it.
 */
export function findChromium(machine: Machine = thisMachine): string {
  const configured = machine.env["CHROMIUM_PATH"];
  if (configured !== undefined && configured !== "") {
    if (!machine.exists(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, which does not exist`);
    return configured;
  }
  if (machine.exists(debianPath)) return debianPath;
  if (!machine.isRoot() || !machine.exists(aptGet)) throw new Error(howToInstall);
  machine.run(aptGet, ["update"]);
  // Another test process may be installing at the same moment: wait for dpkg's lock rather than fail.
  machine.run(aptGet, ["-o", "DPkg::Lock::Timeout=180", "install", "-y", "chromium"]);
  if (!machine.exists(debianPath)) throw new Error(`apt-get installed chromium but ${debianPath} is still missing`);
  return debianPath;
}
