#!/usr/bin/env node
// Seeds wrangler's browser cache with Debian's Chromium so local Browser Rendering works offline.
//
// wrangler (through miniflare) downloads Chrome for Testing on first use of the `browser` binding.
// Where that download cannot happen, miniflare accepts an install it finds already complete in its
// cache: `<cache>/chrome/linux-<V>/chrome-linux64/chrome` plus a `.miniflare-install-complete` marker.
// <V> is miniflare's BROWSER_VERSION, read from the miniflare that wrangler itself loads.
//
// Does nothing when the cache already holds that version, or when Debian's Chromium is not installed
// (then wrangler downloads its own Chrome, as it does on any machine with internet access).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const DEBIAN_CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";
const MARKER = ".miniflare-install-complete";

function miniflareBrowserVersion() {
	const require = createRequire(import.meta.url);
	const wranglerDir = path.dirname(require.resolve("wrangler/package.json"));
	const miniflareMain = createRequire(path.join(wranglerDir, "package.json")).resolve("miniflare");
	const source = fs.readFileSync(miniflareMain, "utf8");
	const match = source.match(/\bBROWSER_VERSION\s*=\s*"([\d.]+)"/);
	if (!match) throw new Error(`BROWSER_VERSION not found in ${miniflareMain}; miniflare changed how it pins Chrome.`);
	return match[1];
}

// Same as miniflare's getGlobalWranglerCachePath(): xdg-app-paths(".wrangler").cache().
function wranglerCacheDir() {
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
	return path.join(base, ".wrangler");
}

export function seedBrowserCache({ log = console.log } = {}) {
	if (process.platform !== "linux") return log("seed-browser-cache: not Linux; wrangler manages its own Chrome.");
	const version = miniflareBrowserVersion();
	const installDir = path.join(wranglerCacheDir(), "chrome", `linux-${version}`);
	if (fs.existsSync(path.join(installDir, MARKER)))
		return log(`seed-browser-cache: Chrome ${version} already in ${installDir}.`);
	if (!fs.existsSync(DEBIAN_CHROMIUM)) {
		return log(`seed-browser-cache: ${DEBIAN_CHROMIUM} not found; wrangler will download Chrome ${version} itself.`);
	}
	const binDir = path.join(installDir, "chrome-linux64");
	fs.mkdirSync(binDir, { recursive: true });
	const link = path.join(binDir, "chrome");
	fs.rmSync(link, { force: true });
	fs.symlinkSync(DEBIAN_CHROMIUM, link);
	fs.writeFileSync(path.join(installDir, MARKER), "");
	log(`seed-browser-cache: linked ${link} -> ${DEBIAN_CHROMIUM} (miniflare expects Chrome ${version}).`);
}

if (import.meta.url === `file://${process.argv[1]}`) seedBrowserCache();
