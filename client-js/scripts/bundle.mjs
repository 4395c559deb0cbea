// Builds the single-file browser bundle the server serves (server/src/LiveSync.Host/wwwroot/livesync.js): the
// SDK with its dependencies, as a minified ES module. `bundle()` returns the bytes without writing them, so a
// test can check that the committed bundle is the one the sources make.
import { build } from "esbuild";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const bundlePath = path.resolve(root, "../server/src/LiveSync.Host/wwwroot/livesync.js");

export async function bundle() {
  const result = await build({
    entryPoints: [path.join(root, "src/index.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    write: false,
    legalComments: "eof",
    logLevel: "warning",
    absWorkingDir: root,
    banner: { js: "// LiveSync JavaScript SDK, browser bundle: built by client-js `npm run build`; do not edit." },
  });
  return result.outputFiles[0].contents;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await bundle();
  writeFileSync(bundlePath, bytes);
  console.log(`${path.relative(process.cwd(), bundlePath)}: ${bytes.length} bytes`);
}
