/**
 * Regenerates the client's types: `npm run generate -w @ow/client -- [URL]`.
 *
 * With a URL (a running dev server, e.g. http://127.0.0.1:8787) it first saves that server's
 * `/openapi.json` as libs/client/openapi.json; without one it uses the saved document.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateTypes } from "../src/generate-types.ts";

const root = path.resolve(import.meta.dirname, "..");
const documentPath = path.join(root, "openapi.json");
const url = process.argv[2];
if (url) {
	const res = await fetch(new URL("/openapi.json", url), {
		headers: process.env.OW_API_KEY ? { authorization: `Bearer ${process.env.OW_API_KEY}` } : {},
	});
	if (!res.ok) throw new Error(`GET ${url}/openapi.json answered ${res.status}: ${await res.text()}`);
	writeFileSync(documentPath, `${JSON.stringify(await res.json(), null, "\t")}\n`);
}
const document = JSON.parse(readFileSync(documentPath, "utf8")) as object;
writeFileSync(path.join(root, "src/generated/api.ts"), await generateTypes(document));
console.log(`wrote src/generated/api.ts from ${url ?? "openapi.json"}`);
