/**
 * The API reference page (`GET /docs`): a static HTML shell, its stylesheet and a small script that
 * fetches `/openapi.json` and renders it. Everything is served by this Worker, so the page works
 * offline; no inline script or style, so the page's CSP can forbid both.
 *
 * The page holds no data. When the deployment sets API_KEY, the script asks for the key, keeps it in
 * sessionStorage (this tab only) and sends it as a Bearer token.
 */

/** Where the page's assets are served. */
export const DOCS_ASSETS = { script: "/docs/docs.js", styles: "/docs/docs.css" } as const;

/** The page's Content-Security-Policy: only its own script, styles and the document. */
export const DOCS_CSP =
	"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The HTML shell. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>orchestrator-workers API</title>
<link rel="stylesheet" href="${DOCS_ASSETS.styles}">
<script src="${DOCS_ASSETS.script}" defer></script>
</head>
<body>
<header><h1 id="title">API reference</h1><p id="description"></p></header>
<form id="key-form" hidden>
<label for="key">This API needs a key:</label>
<input id="key" type="password" autocomplete="off" required>
<button type="submit">Use key</button>
</form>
<p id="status" role="status">Loading /openapi.json…</p>
<main id="operations"></main>
<section id="schemas"></section>
<footer><a href="/openapi.json">openapi.json</a> <button id="forget" type="button" hidden>Forget key</button></footer>
</body>
</html>
`;

/** The stylesheet. */
export const DOCS_CSS = `body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { margin-bottom: 0.25rem; }
h2 { border-bottom: 1px solid #ddd; margin-top: 2rem; text-transform: capitalize; }
details { border: 1px solid #ddd; border-radius: 6px; margin: 0.5rem 0; }
summary { cursor: pointer; padding: 0.5rem; font-family: ui-monospace, monospace; }
details > div { padding: 0 1rem 0.75rem; }
.method { display: inline-block; min-width: 4.5rem; font-weight: bold; text-transform: uppercase; }
.get { color: #0a6d2c; } .post { color: #0b57a4; } .delete { color: #a4130b; }
.public { color: #666; font-size: 0.85em; margin-left: 0.5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #eee; padding: 0.25rem 0.5rem; vertical-align: top; }
pre { background: #f5f5f7; padding: 0.5rem; overflow-x: auto; font-size: 0.85em; }
code { font-family: ui-monospace, monospace; }
#status.error { color: #a4130b; }
`;

/** The script: fetch the document, ask for the key on 401, render operations by tag and the schemas. */
export const DOCS_SCRIPT = String.raw`"use strict";
(function () {
	var KEY = "orchestrator-api-key";
	var byId = function (id) { return document.getElementById(id); };

	function el(tag, props, children) {
		var node = document.createElement(tag);
		Object.keys(props || {}).forEach(function (name) {
			if (name === "text") node.textContent = props[name];
			else node.setAttribute(name, props[name]);
		});
		(children || []).forEach(function (child) { if (child) node.appendChild(child); });
		return node;
	}

	function refName(schema) {
		var ref = schema && schema.$ref;
		return typeof ref === "string" ? ref.replace("#/components/schemas/", "") : null;
	}

	function schemaNode(schema) {
		var name = refName(schema);
		if (name) return el("a", { href: "#schema-" + name, text: name });
		return el("code", { text: JSON.stringify(schema) });
	}

	function parametersTable(parameters) {
		if (!parameters || parameters.length === 0) return null;
		var rows = parameters.map(function (p) {
			return el("tr", {}, [
				el("td", {}, [el("code", { text: p.name })]),
				el("td", { text: p.in + (p.required ? ", required" : "") }),
				el("td", {}, [schemaNode(p.schema)]),
				el("td", { text: p.description || "" }),
			]);
		});
		var head = el("tr", {}, ["name", "in", "schema", ""].map(function (h) { return el("th", { text: h }); }));
		return el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)]);
	}

	function responsesTable(responses) {
		var rows = Object.keys(responses).map(function (status) {
			var response = responses[status];
			var content = response.content || {};
			var media = Object.keys(content).map(function (type) {
				return el("div", {}, [el("code", { text: type + " " }), schemaNode(content[type].schema)]);
			});
			return el("tr", {}, [el("td", { text: status }), el("td", { text: response.description }), el("td", {}, media)]);
		});
		return el("table", {}, [el("tbody", {}, rows)]);
	}

	function operationNode(path, method, op, globalSecurity) {
		var isPublic = Array.isArray(op.security) ? op.security.length === 0 : globalSecurity.length === 0;
		var summary = el("summary", {}, [
			el("span", { class: "method " + method, text: method }),
			el("span", { text: path + "  " + op.summary }),
			isPublic ? el("span", { class: "public", text: "no key needed" }) : null,
		]);
		var body = op.requestBody && op.requestBody.content["application/json"];
		return el("details", { id: op.operationId }, [
			summary,
			el("div", {}, [
				op.description ? el("p", { text: op.description }) : null,
				parametersTable(op.parameters),
				body ? el("p", {}, [el("strong", { text: "Body: " }), schemaNode(body.schema)]) : null,
				el("h4", { text: "Responses" }),
				responsesTable(op.responses),
			]),
		]);
	}

	function render(doc) {
		byId("title").textContent = doc.info.title + " " + doc.info.version;
		byId("description").textContent = doc.info.description || "";
		var main = byId("operations");
		main.replaceChildren();
		(doc.tags || []).forEach(function (tag) {
			var section = el("section", {}, [el("h2", { text: tag.name }), el("p", { text: tag.description || "" })]);
			Object.keys(doc.paths).forEach(function (path) {
				Object.keys(doc.paths[path]).forEach(function (method) {
					var op = doc.paths[path][method];
					if ((op.tags || [])[0] === tag.name) section.appendChild(operationNode(path, method, op, doc.security || []));
				});
			});
			main.appendChild(section);
		});
		var schemas = byId("schemas");
		schemas.replaceChildren(el("h2", { text: "schemas" }));
		Object.keys(doc.components.schemas).forEach(function (name) {
			schemas.appendChild(
				el("details", { id: "schema-" + name }, [
					el("summary", { text: name }),
					el("pre", { text: JSON.stringify(doc.components.schemas[name], null, 2) }),
				]),
			);
		});
		if (location.hash) {
			var target = document.getElementById(location.hash.slice(1));
			if (target) { target.open = true; target.scrollIntoView(); }
		}
	}

	function status(text, isError) {
		var node = byId("status");
		node.textContent = text;
		node.className = isError ? "error" : "";
		node.hidden = text === "";
	}

	function load() {
		var key = sessionStorage.getItem(KEY);
		byId("forget").hidden = !key;
		fetch("/openapi.json", { headers: key ? { Authorization: "Bearer " + key } : {} })
			.then(function (res) {
				if (res.status === 401) {
					byId("key-form").hidden = false;
					status(key ? "That key was refused; enter the API key." : "Enter the API key to read the document.", Boolean(key));
					return null;
				}
				if (!res.ok) throw new Error("GET /openapi.json answered " + res.status);
				return res.json();
			})
			.then(function (doc) {
				if (!doc) return;
				byId("key-form").hidden = true;
				status("");
				render(doc);
			})
			.catch(function (error) { status(String(error), true); });
	}

	document.addEventListener("DOMContentLoaded", function () {
		byId("key-form").addEventListener("submit", function (event) {
			event.preventDefault();
			sessionStorage.setItem(KEY, byId("key").value.trim());
			byId("key").value = "";
			load();
		});
		byId("forget").addEventListener("click", function () {
			sessionStorage.removeItem(KEY);
			load();
		});
		document.addEventListener("click", function (event) {
			var link = event.target.closest && event.target.closest("a[href^='#schema-']");
			var target = link && document.getElementById(link.getAttribute("href").slice(1));
			if (target) target.open = true;
		});
		load();
	});
})();
`;
