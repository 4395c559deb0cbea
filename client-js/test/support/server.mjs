// Starts a real LiveSync server process on a free loopback port with a fresh data directory, for one test file.
// Uses the default build output of the host (server/src/LiveSync.Host/bin/Debug/net10.0), building it first when
// it is missing, so the tests work from a clean clone.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const hostProject = path.join(repo, "server/src/LiveSync.Host");
// LIVESYNC_HOST_DLL points at another build of the host (one made with --artifacts-path, say).
const hostDll = process.env.LIVESYNC_HOST_DLL || path.join(hostProject, "bin/Debug/net10.0/LiveSync.Host.dll");

/** The host's built dll, building it when it is missing. */
export function ensureServerBuilt() {
  if (!existsSync(hostDll)) {
    const build = spawnSync("dotnet", ["build", hostProject, "-nologo", "-v", "quiet"], { stdio: "inherit", timeout: 600_000 });
    if (build.status !== 0 || !existsSync(hostDll)) {
      throw new Error(`could not build ${hostProject}`);
    }
  }

  return hostDll;
}

/**
 * Starts a server; resolves with `{ url, port, dataDir, stop() }` once it listens. `args` are extra command-line
 * settings, e.g. `--LiveSync:SnapshotInterval=10`.
 */
export async function startServer({ args = [], dataDir, timeoutMs = 60_000 } = {}) {
  const dll = ensureServerBuilt();
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), "livesync-js-"));
  const child = spawn("dotnet", [dll, "--urls", "http://127.0.0.1:0", `--LiveSync:DataDir=${dir}`, ...args], {
    // The project folder as the content root, as with `dotnet run`: wwwroot (the demo) and appsettings.json.
    cwd: hostProject,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DOTNET_NOLOGO: "1", Logging__LogLevel__Default: "Warning", "Logging__LogLevel__Microsoft.Hosting.Lifetime": "Information" },
  });

  let output = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = /Now listening on: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });

  // Keep draining its output so the pipe never fills up.
  child.stdout.on("data", () => {});
  return {
    url,
    port: Number(new URL(url).port),
    dataDir: dir,
    output: () => output,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }

      if (!keepData && !dataDir) {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
