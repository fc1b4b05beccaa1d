import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";

const mimeTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
};

/**
 * Cross-origin isolation: with these two headers the page gets `SharedArrayBuffer`, which threaded
 * WebAssembly kernels need; every response carries them so the page and its scripts agree.
 */
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } as const;

/** A running static server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Stops accepting connections, ends the open ones and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Options of {@link serveStatic}. */
export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Address to bind; 127.0.0.1 by default, so the page is not exposed to the network. */
  readonly host?: string;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...isolation, "Content-Type": "text/plain; charset=utf-8" }).end(text);
}

/** The file under `root` that a request path names (`/` is `index.html`), or null if it leaves `root`. */
function fileFor(root: string, url: string): string | null {
  let path: string;
  try {
    // Prefixed rather than resolved against a base, so "//x" stays a path and never becomes a host.
    path = decodeURIComponent(new URL(`http://localhost${url}`).pathname);
  } catch {
    return null;
  }
  const file = resolve(join(root, path.endsWith("/") ? `${path}index.html` : path));
  return file === root || file.startsWith(root + sep) ? file : null;
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "method not allowed");
  const file = fileFor(root, req.url ?? "/");
  if (file === null) return send(res, 400, "bad path");
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) return send(res, 404, "not found");
  res.writeHead(200, {
    ...isolation,
    "Content-Type": mimeTypes[extname(file)] ?? "application/octet-stream",
    "Content-Length": info.size,
    // The bundle is rebuilt in place, so a reload must never show a stale one.
    "Cache-Control": "no-cache",
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
}

/**
 * Serves the files under `root` over HTTP on 127.0.0.1 with their MIME types and the cross-origin
 * isolation headers. Resolves once it is listening.
 */
export function serveStatic(root: string, options: ServeOptions): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    handle(base, req, res).catch((error: unknown) => send(res, 500, String(error)));
  });
  const host = options.host ?? "127.0.0.1";
  return new Promise((ready, fail) => {
    server.once("error", fail);
    server.listen(options.port, host, () => {
      const { port } = server.address() as AddressInfo;
      ready({
        url: `http://${host}:${port}/`,
        close: () =>
          new Promise<void>((done, failClose) => {
            server.close((error) => (error ? failClose(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
