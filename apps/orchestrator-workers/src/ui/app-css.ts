/**
 * The web page's stylesheet, served at `/ui/app.css`. System fonts, no images; light and dark through
 * `prefers-color-scheme`. States are always spelled out in text, colour only repeats them.
 */

/** The stylesheet. */
export const APP_CSS = String.raw`:root {
	color-scheme: light dark;
	--bg: #f6f7f9;
	--panel: #ffffff;
	--text: #1b1f24;
	--muted: #59636e;
	--border: #d0d7de;
	--accent: #0b5cad;
	--focus: #0b5cad;
	--ok: #1a7f37;
	--bad: #b42318;
	--warn: #8a5a00;
	--run: #0b5cad;
	--code-bg: #eef1f4;
	font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
	line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
	:root {
		--bg: #0f1216;
		--panel: #171b21;
		--text: #e6e9ee;
		--muted: #9aa4af;
		--border: #33404d;
		--accent: #6cb6ff;
		--focus: #6cb6ff;
		--ok: #57c874;
		--bad: #ff7b72;
		--warn: #e3b341;
		--run: #6cb6ff;
		--code-bg: #222a33;
	}
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; padding: 0.5rem 1rem; background: var(--panel); z-index: 1; }
.skip-link:focus { top: 0.5rem; }
.visually-hidden {
	position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
	overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.site-header, main { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
.site-header h1 { margin: 1.5rem 0 0.25rem; font-size: 1.6rem; }
.site-header p { margin: 0 0 1rem; color: var(--muted); }
main:focus { outline: none; }
.panel {
	background: var(--panel); border: 1px solid var(--border); border-radius: 8px;
	padding: 1rem 1.25rem; margin: 0 0 1.25rem;
}
h2 { font-size: 1.25rem; margin: 0 0 0.75rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
h4 { font-size: 0.95rem; margin: 1rem 0 0.25rem; }
h2:focus { outline: none; }
label { display: block; font-weight: 600; margin: 0.5rem 0 0.25rem; }
.check label { display: inline; font-weight: normal; margin: 0 0 0 0.4rem; }
.check { margin: 0.5rem 0; }
textarea, input[type="number"], select {
	font: inherit; color: inherit; background: var(--panel);
	border: 1px solid var(--border); border-radius: 6px; padding: 0.4rem 0.5rem;
}
textarea { width: 100%; resize: vertical; }
input[type="number"] { width: 10rem; }
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; vertical-align: middle; }
fieldset.options {
	border: 1px solid var(--border);
	border-radius: 6px;
	margin: 0.75rem 0;
	padding: 0.25rem 1rem 0.75rem;
}
legend { font-weight: 600; padding: 0 0.25rem; }
.field { display: inline-block; margin-right: 1.5rem; vertical-align: top; }
.hint { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0; }
.field .hint { display: block; }
.actions { margin: 0.75rem 0; display: flex; gap: 0.5rem; flex-wrap: wrap; }
button {
	font: inherit; cursor: pointer; border-radius: 6px; padding: 0.45rem 1rem;
	border: 1px solid var(--accent); background: var(--accent); color: var(--panel); font-weight: 600;
}
button.danger { background: transparent; color: var(--bad); border-color: var(--bad); }
button:disabled { opacity: 0.6; cursor: progress; }
#runs-refresh, #runs-more, button.secondary { background: transparent; color: var(--accent); }
.key-panel summary { cursor: pointer; font-weight: 600; }
.key-panel input {
	font: inherit;
	width: min(30rem, 100%);
	padding: 0.4rem 0.5rem;
	border: 1px solid var(--border);
	border-radius: 6px;
	background: var(--panel);
	color: inherit;
}
.error {
	border: 1px solid var(--bad); border-left-width: 4px; border-radius: 6px;
	padding: 0.5rem 0.75rem; margin: 0.75rem 0; color: var(--bad);
}
.error ul { margin: 0.25rem 0 0; padding-left: 1.25rem; }
.prompt { white-space: pre-wrap; margin: 0.25rem 0; }
.run-meta { margin: 0.5rem 0; }
#run-usage { color: var(--muted); margin-left: 1rem; }
.demo-badge {
	display: inline-block; margin-left: 1rem; padding: 0 0.5rem; font-size: 0.85rem; font-weight: 600;
	border-radius: 999px; border: 1px dashed var(--warn); color: var(--warn);
}
.demo-badge[hidden] { display: none; }
.timeline { display: block; max-width: 100%; height: auto; border: 1px solid var(--border); border-radius: 6px; }
.timeline[hidden] { display: none; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
code { background: var(--code-bg); border-radius: 4px; padding: 0 0.25rem; }
.status {
	display: inline-block; font-weight: 600; font-size: 0.85rem; padding: 0 0.5rem;
	border-radius: 999px; border: 1px solid currentColor; color: var(--muted);
}
.status-running, .status-queued, .status-scheduled { color: var(--run); }
.status-waiting, .status-paused, .status-skipped { color: var(--warn); }
.status-complete, .status-succeeded { color: var(--ok); }
.status-errored, .status-failed, .status-terminated { color: var(--bad); }
.approval { border: 1px solid var(--warn); border-radius: 6px; padding: 0.25rem 1rem 0.5rem; margin: 0.75rem 0; }
.subtasks {
	list-style: none;
	padding: 0;
	margin: 0;
	display: grid;
	gap: 0.75rem;
	grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr));
}
.card {
	border: 1px solid var(--border);
	border-left: 4px solid var(--border);
	border-radius: 6px;
	padding: 0.5rem 0.75rem;
	height: 100%;
}
.card:focus { outline: 3px solid var(--focus); }
.card h4 { margin: 0 0 0.25rem; }
.card.card-running { border-left-color: var(--run); }
.card.card-succeeded { border-left-color: var(--ok); }
.card.card-failed { border-left-color: var(--bad); }
.card.card-skipped { border-left-color: var(--warn); }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 0 0.75rem; margin: 0.25rem 0; font-size: 0.9rem; }
.card dt { color: var(--muted); }
.card dd { margin: 0; overflow-wrap: anywhere; }
.card pre {
	white-space: pre-wrap; overflow-wrap: anywhere; max-height: 12rem; overflow: auto;
	background: var(--code-bg); border-radius: 4px; padding: 0.4rem 0.5rem; margin: 0.25rem 0 0;
}
.card .subtask-error { color: var(--bad); font-size: 0.9rem; margin: 0.25rem 0 0; }
.answer { white-space: pre-wrap; border-left: 4px solid var(--ok); padding: 0.25rem 0.75rem; }
.runs { list-style: none; padding: 0; margin: 0.5rem 0; }
.runs li {
	display: flex;
	gap: 0.75rem;
	align-items: baseline;
	padding: 0.4rem 0;
	border-bottom: 1px solid var(--border);
}
.runs li a { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.runs li a[aria-current="true"] { font-weight: 700; }
.runs time { color: var(--muted); font-size: 0.85rem; white-space: nowrap; }
.list-controls { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
.list-controls label { margin: 0; }
@media (max-width: 40rem) {
	.field { display: block; }
	.runs li { flex-wrap: wrap; }
}
`;
