/**
 * Browser JavaScript, part 3 of 4: rendering the current run (status, subtask cards, answer and
 * references) and its controls: cancel, approve or reject the plan.
 */

/** `render()` of the run in `view`, and the handlers of the run's buttons. */
export const CLIENT_RENDER = String.raw`
function render() {
	const run = view.run;
	$("run-prompt").textContent = run.prompt || "";
	setStatus($("run-status"), run.status);
	const usage = run.usage;
	// Live: every step adds its usage as it ends (run.usage events bring a re-read of the status).
	$("run-usage").textContent = usage && usage.calls > 0 ? usageText(usage, run.cost) : "";
	// The demo model (picked by nx dev when no model is set up) must never pass for a real one.
	$("run-demo").hidden = !(run.models && run.models.provider === "demo");
	$("cancel-run").hidden = isTerminal(run.status);
	$("approval").hidden = run.status !== "waiting" || view.decided;
	if (run.error) showError($("run-failure"), "The run failed: " + run.error.message + " (" + run.error.code + ")");
	else hideError($("run-failure"));
	$("plan-empty").hidden = run.subtasks.length > 0;
	const list = $("subtasks");
	run.subtasks.forEach((task, i) => {
		const card = renderCard(task);
		if (list.children[i] !== card.parentNode) list.insertBefore(card.parentNode, list.children[i] || null);
	});
	while (list.children.length > run.subtasks.length) list.lastChild.remove();
	renderResult(run.result);
	renderTimeline(run.id);
	markCurrentRun();
}

/**
 * The run's waterfall (GET /:id/timeline.svg), fetched with the API key (an <img> cannot send one) and
 * shown from a blob URL. One fetch at a time; renders asked for meanwhile fold into one more.
 */
async function renderTimeline(runId) {
	if (view.timelineBusy) {
		view.timelineAgain = true;
		return;
	}
	view.timelineBusy = true;
	try {
		const headers = apiKey() ? { authorization: "Bearer " + apiKey() } : {};
		const res = await fetch("/" + runId + "/timeline.svg", { headers });
		if (res.ok && view.run && view.run.id === runId) {
			const img = $("timeline");
			const previous = img.src;
			img.src = URL.createObjectURL(await res.blob());
			img.hidden = false;
			if (previous.startsWith("blob:")) URL.revokeObjectURL(previous);
		}
	} catch (_error) {
		// The timeline is a view of the status above, which says what matters; the next update retries.
	} finally {
		view.timelineBusy = false;
		if (view.timelineAgain && view.run) {
			view.timelineAgain = false;
			renderTimeline(view.run.id);
		}
	}
}

/** "Tokens: 120 in, 40 out · 1 call unreported · about $0.0012". */
function usageText(usage, cost) {
	let text = "Tokens: " + (usage.inputTokens ?? "?") + " in, " + (usage.outputTokens ?? "?") + " out";
	if (usage.unknownCalls > 0) text += " · " + usage.unknownCalls + (usage.unknownCalls === 1 ? " call" : " calls") + " unreported";
	if (cost && cost.total !== null) text += " · about $" + cost.total.toFixed(4);
	return text;
}

/** The card of one subtask, built once and updated in place so focus and scrolling survive updates. */
function renderCard(task) {
	let parts = view.cards.get(task.id);
	if (!parts) {
		const headingId = "subtask-" + task.id + "-title";
		parts = {
			title: h("h4", { id: headingId }),
			status: h("span", { className: "status" }),
			attempts: h("dd"),
			where: h("dd"),
			output: h("pre", { tabindex: "0", "aria-label": "Output of subtask " + task.id, hidden: true }),
			error: h("p", { className: "subtask-error", hidden: true }),
		};
		const cardAttrs = { id: "subtask-" + task.id, className: "card", tabindex: "-1", "aria-labelledby": headingId };
		parts.card = h("article", cardAttrs, [
			parts.title,
			h("dl", {}, [
				h("dt", { text: "Id" }), h("dd", {}, [h("code", { text: task.id })]),
				h("dt", { text: "Executor" }), parts.where,
				h("dt", { text: "State" }), h("dd", {}, [parts.status]),
				h("dt", { text: "Attempts" }), parts.attempts,
			]),
			parts.error,
			parts.output,
		]);
		h("li", {}, [parts.card]);
		view.cards.set(task.id, parts);
	}
	parts.title.textContent = task.title;
	parts.where.replaceChildren(task.executor, task.url ? " · " : "", task.url ? urlLink(task.url) : "");
	setStatus(parts.status, task.status);
	parts.card.className = "card card-" + task.status;
	parts.attempts.textContent = String(task.attempts || 0);
	const error = task.error || (task.status === "running" ? task.retryError : null);
	parts.error.hidden = !error;
	parts.error.textContent = error
		? (task.status === "running" ? "Last attempt failed, retrying: " : "Error: ") + error.message
		: "";
	parts.output.hidden = !task.output;
	parts.output.textContent = task.output || "";
	return parts.card;
}

/**
 * The answer while the synthesis writes it: synthesis.delta adds text, synthesis.reset (a retried
 * attempt) starts over. The run's result replaces it once the run completes.
 */
function onSynthesisText(event) {
	view.streamed = event.type === "synthesis.reset" ? "" : view.streamed + event.data.text;
	if (!view.run || view.run.result) return;
	$("result").hidden = view.streamed === "";
	$("answer").textContent = view.streamed;
	$("references").replaceChildren(h("li", { text: "Writing the answer…" }));
}

function renderResult(result) {
	if (!result && view.streamed) return onSynthesisText({ type: "synthesis.delta", data: { text: "" } });
	$("result").hidden = !result;
	if (!result) return;
	$("answer").textContent = result.answer;
	const items = (result.references || []).map((ref) =>
		h("li", {}, [
			"Subtask ",
			h("a", { href: "#subtask-" + ref.subtaskId, "data-subtask": ref.subtaskId, text: ref.subtaskId }),
			ref.url ? ": " : "",
			ref.url ? urlLink(ref.url) : "",
		]),
	);
	$("references").replaceChildren(...(items.length > 0 ? items : [h("li", { text: "No references." })]));
}

/** Subtask links move focus to the card; they must not replace the run id in the address bar. */
$("references").addEventListener("click", (event) => {
	const link = event.target.closest("a[data-subtask]");
	if (!link) return;
	event.preventDefault();
	const card = $("subtask-" + link.dataset.subtask);
	if (card) {
		card.scrollIntoView({ block: "center" });
		card.focus();
	}
});

$("cancel-run").addEventListener("click", () =>
	act($("cancel-run"), "DELETE", "/" + view.id, undefined, "Run cancelled"),
);
$("approve-plan-button").addEventListener("click", () =>
	act($("approve-plan-button"), "POST", "/" + view.id + "/approve", { approved: true }, "Plan approved", true),
);
$("reject-plan-button").addEventListener("click", () => {
	const reason = $("reject-reason").value.trim();
	const body = reason ? { approved: false, reason } : { approved: false };
	act($("reject-plan-button"), "POST", "/" + view.id + "/approve", body, "Plan rejected", true);
});

/**
 * Runs a lifecycle call from a button; its answer is the run's new status. A plan decision hides the
 * approval panel at once: the run still says "waiting" until the Workflow has taken the decision.
 */
async function act(button, method, path, body, said, decides) {
	const id = view.id;
	button.disabled = true;
	hideError($("run-error"));
	try {
		const fresh = await api(method, path, body);
		if (view.id !== id) return;
		announce(said);
		if (decides) view.decided = true;
		mergeRun(fresh, true);
		render();
		refresh(500);
	} catch (error) {
		if (view.id === id) showError($("run-error"), error);
	} finally {
		button.disabled = false;
	}
}
`;
