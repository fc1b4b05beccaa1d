import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveStatic, type StaticServer } from "../src/server/static.js";

describe("the static server", () => {
  const parent = mkdtempSync(join(tmpdir(), "playground-serve-"));
  const root = join(parent, "root");
  let server: StaticServer | undefined;

  beforeAll(async () => {
    mkdirSync(root);
    writeFileSync(join(root, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(root, "app.js"), "export {};");
    writeFileSync(join(root, "style.css"), "body{}");
    mkdirSync(join(root, "sub"));
    writeFileSync(join(root, "sub", "x.wasm"), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(parent, "outside.txt"), "secret");
    server = await serveStatic(root, { port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 on the free port it was given", () => {
    expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/$/);
  });

  it.each([
    ["", "text/html; charset=utf-8", "<!doctype html><title>t</title>"],
    ["index.html?data=xor", "text/html; charset=utf-8", "<!doctype html><title>t</title>"],
    ["app.js", "text/javascript; charset=utf-8", "export {};"],
    ["/app.js", "text/javascript; charset=utf-8", "export {};"],
    ["style.css", "text/css; charset=utf-8", "body{}"],
    ["sub/x.wasm", "application/wasm", "\0asm"],
  ])("serves /%s as %s with the isolation headers", async (path, type, body) => {
    const res = await fetch(server!.url + path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(await res.text()).toBe(body);
  });

  it("answers 404 for a missing file and never serves outside its root", async () => {
    expect((await fetch(server!.url + "missing.js")).status).toBe(404);
    const escape = await fetch(server!.url + "..%2foutside.txt");
    expect(escape.status).toBe(400);
    expect(await escape.text()).not.toContain("secret");
  });

  it("refuses methods other than GET and HEAD", async () => {
    expect((await fetch(server!.url, { method: "POST", body: "x" })).status).toBe(405);
    const head = await fetch(server!.url + "app.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("10");
  });
});
