/**
 * The floor's model call: one plain `fetch` to the scripted model server, no SDK.
 */

/** A subtask's question, by its index in the plan: the same in a step and in a child instance. */
export const subtaskText = (index: number, prompt: string) => `Your subtask: s${index + 1}. ${prompt}`;

/** One chat completion; its text. A failure throws, and the step's default retries take it. */
export async function complete(baseURL: string, model: string, text: string): Promise<string> {
	const res = await fetch(`${baseURL}/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model, messages: [{ role: "user", content: text }] }),
	});
	if (!res.ok) throw new Error(`model server answered ${res.status}`);
	const body = (await res.json()) as { choices: { message: { content: string } }[] };
	return body.choices[0]!.message.content;
}
