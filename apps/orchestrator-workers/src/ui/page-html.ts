/**
 * The web page's HTML: the new-run form, the current run (plan, subtasks, answer, approval, cancel)
 * and the list of past runs. Static: the script (`/ui/app.js`) fills it in, so the page carries no
 * inline script or style and the Content-Security-Policy stays strict.
 */

/** Run states offered by the runs list's status filter (`runStateSchema` of @ow/schemas). */
const RUN_STATES = ["scheduled", "queued", "running", "waiting", "paused", "complete", "errored", "terminated"];

/** The whole page, served at `/ui` (and at `/` to browsers). */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Orchestrator</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
	<h1>Orchestrator</h1>
	<p>Ask a question: a planner splits it into subtasks, runs them in parallel and combines the results.</p>
</header>
<main id="main" tabindex="-1">
	<details id="api-key-panel" class="panel key-panel">
		<summary>API key</summary>
		<form id="api-key-form">
			<label for="api-key">API key</label>
			<input id="api-key" type="password" autocomplete="off" spellcheck="false" aria-describedby="api-key-hint">
			<p id="api-key-hint" class="hint">Only needed when the server sets <code>API_KEY</code>. Kept in this tab only.</p>
			<div class="actions">
				<button type="submit">Use key</button>
				<button id="api-key-forget" type="button" class="secondary">Forget key</button>
			</div>
		</form>
	</details>
	<section class="panel" aria-labelledby="new-run-heading">
		<h2 id="new-run-heading">New run</h2>
		<form id="run-form">
			<label for="prompt">Prompt</label>
			<textarea id="prompt" name="prompt" rows="5" required aria-describedby="prompt-hint"></textarea>
			<p id="prompt-hint" class="hint">What should the run find out or produce?</p>
			<fieldset class="options">
				<legend>Options</legend>
				<div class="field">
					<label for="max-subtasks">Max subtasks</label>
					<input id="max-subtasks" name="maxSubtasks" type="number" min="1" max="64" step="1" inputmode="numeric"
						placeholder="server default" aria-describedby="max-subtasks-hint">
					<span id="max-subtasks-hint" class="hint">Empty: the server's default.</span>
				</div>
				<div class="field">
					<label for="failure-policy">Failure policy</label>
					<select id="failure-policy" name="failurePolicy">
						<option value="bestEffort" selected>Best effort: answer from the subtasks that worked</option>
						<option value="failFast">Fail fast: stop at the first failed subtask</option>
					</select>
				</div>
				<div class="check">
					<input id="allow-browser" name="allowBrowser" type="checkbox" checked>
					<label for="allow-browser">Allow browser subtasks (read web pages)</label>
				</div>
				<div class="check">
					<input id="approve-plan" name="approvePlan" type="checkbox">
					<label for="approve-plan">Let me approve the plan before it runs</label>
				</div>
			</fieldset>
			<div class="actions">
				<button id="start-run" type="submit">Start run</button>
			</div>
			<div id="form-error" class="error" role="alert" hidden></div>
		</form>
	</section>

	<section id="run" class="panel" aria-labelledby="run-heading" hidden>
		<h2 id="run-heading" tabindex="-1">Run <code id="run-id"></code></h2>
		<p id="run-prompt" class="prompt"></p>
		<p class="run-meta">Status: <span id="run-status" class="status"></span><span id="run-usage"></span><span
			id="run-demo" class="demo-badge" title="No model is configured: a built-in demo model wrote these answers from the prompt and the pages read"
			hidden>demo model: scripted answers</span></p>
		<div class="actions">
			<button id="cancel-run" type="button" class="danger" hidden>Cancel run</button>
		</div>
		<div id="run-error" class="error" role="alert" hidden></div>
		<div id="run-failure" class="error" hidden></div>
		<section id="approval" class="approval" aria-labelledby="approval-heading" hidden>
			<h3 id="approval-heading">Approve the plan</h3>
			<p>The run waits for your decision before it starts any subtask.</p>
			<div class="actions">
				<button id="approve-plan-button" type="button">Approve plan</button>
			</div>
			<label for="reject-reason">Reason for rejecting (optional)</label>
			<textarea id="reject-reason" rows="2" maxlength="2000"></textarea>
			<div class="actions">
				<button id="reject-plan-button" type="button" class="danger">Reject plan</button>
			</div>
		</section>
		<section aria-labelledby="plan-heading">
			<h3 id="plan-heading">Plan</h3>
			<p id="plan-empty" class="hint">No plan yet: the planner is working on it.</p>
			<ol id="subtasks" class="subtasks"></ol>
		</section>
		<section aria-labelledby="timeline-heading">
			<h3 id="timeline-heading">Timeline</h3>
			<img id="timeline" class="timeline" alt="The run's steps against time: a bar per attempt" hidden />
		</section>
		<section id="result" aria-labelledby="answer-heading" hidden>
			<h3 id="answer-heading">Answer</h3>
			<div id="answer" class="answer"></div>
			<h4 id="references-heading">References</h4>
			<ul id="references" aria-labelledby="references-heading"></ul>
		</section>
	</section>

	<section class="panel" aria-labelledby="runs-heading">
		<h2 id="runs-heading">Past runs</h2>
		<div class="list-controls">
			<label for="runs-status">Show</label>
			<select id="runs-status">
				<option value="">all runs</option>
${RUN_STATES.map((s) => `				<option value="${s}">${s}</option>`).join("\n")}
			</select>
			<button id="runs-refresh" type="button">Refresh</button>
			<span id="runs-total" class="hint"></span>
		</div>
		<div id="runs-error" class="error" role="alert" hidden></div>
		<ul id="runs-list" class="runs" aria-labelledby="runs-heading"></ul>
		<button id="runs-more" type="button" hidden>More runs</button>
	</section>
</main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true"></div>
</body>
</html>
`;
