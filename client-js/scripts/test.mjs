// `npm test`: compiles the SDK, makes sure the server is built (and, for the browser test, that Chromium is
// there), then runs every test file with Node's test runner, one file at a time, with the TAP reporter: its
// closing "# pass N" / "# fail N" lines are the summary.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureServerBuilt } from "../test/support/server.mjs";
import { ensureChromium } from "../test/support/chromium.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: "inherit" }).status;

if (run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]) !== 0) {
  console.log("# pass 0\n# fail 1");
  process.exit(1);
}

ensureServerBuilt();
ensureChromium();

const files = (dir) =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? (entry.name === "support" ? [] : files(path.join(dir, entry.name))) : entry.name.endsWith(".test.mjs") ? [path.join(dir, entry.name)] : [],
  );

const status = run(process.execPath, ["--test", "--test-reporter=tap", "--test-concurrency=1", "--test-timeout=120000", ...files("test")]);
process.exit(status ?? 1);
