// The browser test drives Debian's Chromium (/usr/bin/chromium) with playwright-core; this installs it when it is
// missing and the tests run as root (apt-get update first), and says why when it cannot.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const chromiumPath = "/usr/bin/chromium";

export function ensureChromium() {
  if (existsSync(chromiumPath) || process.env.LIVESYNC_SKIP_INSTALL) {
    return existsSync(chromiumPath);
  }

  if (process.getuid?.() !== 0) {
    console.error(`${chromiumPath} is missing: install the Debian packages chromium and chromium-driver`);
    return false;
  }

  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const options = { stdio: ["ignore", "ignore", "inherit"], env, timeout: 900_000 };
  const install = () => spawnSync("apt-get", ["install", "-y", "-qq", "chromium", "chromium-driver"], options).status === 0;
  if (!install()) {
    spawnSync("apt-get", ["update", "-qq"], options);
    install();
  }

  return existsSync(chromiumPath);
}

/** The Chromium flags for a headless run with nothing reaching out to the network. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
