/**
 * Runs the browser benchmark alone and prints its JSON: `node bench/try-browser.ts [--quick]`
 * (from apps/orchestrator-workers; `npm run bench` runs it with the others).
 */
import { measureBrowser } from "./browser.ts";

const started = performance.now();
const result = await measureBrowser({ quick: process.argv.includes("--quick") });
console.log(JSON.stringify({ ...result, elapsedS: Math.round((performance.now() - started) / 100) / 10 }, null, 2));
