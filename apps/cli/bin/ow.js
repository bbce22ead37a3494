#!/usr/bin/env node
// The `ow` command. Its source is TypeScript that Node runs as it is (type stripping, Node 22.18+);
// in a clone of the repository `npx ow` runs on the Node the workspace installs.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
	console.error(`ow needs Node.js 22.18 or newer (this is ${process.version}); run it with npx ow in the repository.`);
	process.exit(2);
}
await import("../src/main.ts");
