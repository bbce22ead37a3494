/**
 * The run's waterfall (`GET /:id/timeline.svg`), fetched with the API key (an <img> cannot send one)
 * and shown from a blob URL. One fetch at a time; renders asked for meanwhile fold into one more.
 */
import { authHeaders } from "./api-key";
import { byId } from "./dom";
import { view } from "./view-state";

const img = byId("timeline", HTMLImageElement);
const fetching = { busy: false, again: false };

export function resetTimeline(): void {
	img.hidden = true;
}

export async function renderTimeline(runId: string): Promise<void> {
	if (fetching.busy) {
		fetching.again = true;
		return;
	}
	fetching.busy = true;
	try {
		const res = await fetch(`/${runId}/timeline.svg`, { headers: authHeaders() });
		if (res.ok && view.run?.id === runId) {
			const previous = img.src;
			img.src = URL.createObjectURL(await res.blob());
			img.hidden = false;
			if (previous.startsWith("blob:")) URL.revokeObjectURL(previous);
		}
	} catch (_error) {
		// The timeline is a view of the status above, which says what matters; the next update retries.
	} finally {
		fetching.busy = false;
		if (fetching.again && view.run) {
			fetching.again = false;
			void renderTimeline(view.run.id);
		}
	}
}
