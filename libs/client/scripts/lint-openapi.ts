/**
 * `npm run lint -w @ow/client` runs this: the committed openapi.json (which the CLI end-to-end test
 * keeps equal to the served document) must pass Redocly's recommended rules without an error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { lintOpenApi } from "../src/lint-openapi.ts";

const documentPath = path.resolve(import.meta.dirname, "../openapi.json");
const { errors, warnings } = await lintOpenApi(JSON.parse(readFileSync(documentPath, "utf8")) as object);
for (const warning of warnings) console.warn(`warning ${warning}`);
for (const error of errors) console.error(`error ${error}`);
if (errors.length > 0) process.exit(1);
console.log(`openapi.json passes the recommended rules (${warnings.length} warnings)`);
