import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runStateSchema } from "@ow/schemas";

const request = (path: string, init?: RequestInit) => exports.default.fetch(`http://o.test${path}`, init);
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("the web page", () => {
	it("should serve GET /ui as HTML under a strict Content-Security-Policy", async () => {
		const res = await request("/ui");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
		expect(res.headers.get("cache-control")).toBe("no-cache");
		const csp = res.headers.get("content-security-policy") ?? "";
		expect(csp).toContain("default-src 'none'");
		for (const directive of ["script-src", "style-src", "connect-src"]) expect(csp).toContain(`${directive} 'self'`);
		expect(csp).not.toContain("unsafe-inline");
		const html = await res.text();
		expect(html).toMatch(/^<!doctype html>/);
		expect(html).toContain('<script src="/ui/app.js" defer></script>');
		expect(html).toMatch(/<link rel="stylesheet" href="\/ui\/app.css" ?\/?>/);
		// Nothing inline, nothing from elsewhere: the policy above would block it.
		expect(html).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
		expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
	});

	it("should answer HEAD /ui with the page's headers and no body", async () => {
		const res = await request("/ui", { method: "HEAD" });
		expect(res.status).toBe(200);
		expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
		expect(res.headers.get("etag")).toBeTruthy();
		expect(await res.text()).toBe("");
	});

	it("should label every form control", async () => {
		const html = await (await request("/ui")).text();
		const ids = [...html.matchAll(/<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
		expect(ids.length).toBeGreaterThan(5);
		expect(ids.filter((id) => !html.includes(`<label for="${id}">`))).toEqual([]);
		expect(html).toContain('aria-live="polite"');
	});

	it("should serve the page at / to a browser", async () => {
		const res = await request("/", { headers: { accept: BROWSER_ACCEPT } });
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
		expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
		expect(res.headers.get("vary")).toContain("Accept");
		expect(await res.text()).toContain("/ui/app.js");
	});

	for (const accept of ["application/json", "*/*", null]) {
		it(`should leave GET / to the API for Accept: ${accept ?? "(none)"}`, async () => {
			const res = await request("/", accept === null ? {} : { headers: { accept } });
			expect(res.status).toBe(405);
			expect(res.headers.get("content-type")).toMatch(/^application\/json/);
			expect(res.headers.get("allow")).toBe("POST");
			expect(await res.json()).toMatchObject({ error: { code: "method-not-allowed" } });
		});
	}

	it("should serve the bundled script and the stylesheet with their content types", async () => {
		const js = await request("/ui/app.js");
		expect(js.status).toBe(200);
		expect(js.headers.get("content-type")).toMatch(/^text\/javascript\b/);
		expect(js.headers.get("x-content-type-options")).toBe("nosniff");
		expect(js.headers.get("cache-control")).toBe("no-cache");
		const script = await js.text();
		expect(script).toContain("new EventSource(");
		// One classic script, bundled: nothing left for the browser to import.
		expect(script).not.toMatch(/^\s*(import|export)\b/m);
		const css = await request("/ui/app.css");
		expect(css.status).toBe(200);
		expect(css.headers.get("content-type")).toMatch(/^text\/css\b/);
		expect(await css.text()).toContain(":focus-visible");
	});

	it("should offer every run state in the runs list's filter", async () => {
		const html = await (await request("/ui")).text();
		const filter = /<select id="runs-status">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? "";
		const values = [...filter.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
		expect(values).toEqual(["", ...runStateSchema.options]);
	});

	for (const path of ["/ui", "/ui/app.js", "/ui/app.css"]) {
		it(`should answer 304 to a request for ${path} that holds the current ETag`, async () => {
			const first = await request(path);
			const etag = first.headers.get("etag");
			expect(etag).toMatch(/^"[^"]+"$/);
			const again = await request(path, { headers: { "if-none-match": etag! } });
			expect(again.status).toBe(304);
			expect(await again.text()).toBe("");
			expect(again.headers.get("etag")).toBe(etag);
		});
	}

	it("should serve the page to a browser at / with the page's ETag", async () => {
		const page = await request("/ui");
		const root = await request("/", { headers: { accept: BROWSER_ACCEPT } });
		expect(root.headers.get("etag")).toBe(page.headers.get("etag"));
		const again = await request("/", {
			headers: { accept: BROWSER_ACCEPT, "if-none-match": page.headers.get("etag")! },
		});
		expect(again.status).toBe(304);
	});

	it("should answer 405 to other methods on the page's paths", async () => {
		for (const path of ["/ui", "/ui/app.js", "/ui/app.css"]) {
			const res = await request(path, { method: "POST" });
			expect({ path, status: res.status, allow: res.headers.get("allow") }).toEqual({
				path,
				status: 405,
				allow: "GET",
			});
		}
	});
});
