/**
 * `pnpm playground` (after the bundle): serves the built page from `dist/` on 127.0.0.1, on the port in
 * `PORT` or 8080, and prints its address. Stops on Ctrl-C.
 */
import { fileURLToPath } from "node:url";
import { serveStatic } from "./static.js";

const root = fileURLToPath(new URL("../../dist/", import.meta.url));
const port = Number(process.env["PORT"] ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${process.env["PORT"]}`);
  process.exit(1);
}

const server = await serveStatic(root, { port });
console.log(`tapegrad playground: ${server.url}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
