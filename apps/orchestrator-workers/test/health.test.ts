import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("should answer /health", async () => {
	const res = await exports.default.fetch("http://example.com/health");
	expect(await res.text()).toBe("ok");
});
