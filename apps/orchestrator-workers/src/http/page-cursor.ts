/**
 * The cursor of a paged list (`GET /runs`, `GET /schedules`): it names the last item of a page by its
 * creation time and id (ids break ties), opaque to clients.
 */
import { OrchestratorError } from "../errors";

export const encodeCursor = (row: { created_at: string; id: string }): string =>
	btoa(`${row.created_at}|${row.id}`).replaceAll("=", "");

/** The creation time and id a cursor names; a 400 for one this API did not return. */
export function decodeCursor(cursor: string): [createdAt: string, id: string] {
	try {
		const [createdAt, id] = atob(cursor).split("|");
		if (createdAt && id) return [createdAt, id];
	} catch (_error) {
		// not base64: reported below like any other malformed cursor
	}
	throw new OrchestratorError("invalid-request", "cursor is not one this API returned.");
}
