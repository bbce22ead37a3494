/** The current run's state, shared by the panels: which run is open, what the page knows of it. */
import type { ViewRun } from "./run-events";

export interface View {
	/** The open run's id; null before any run is opened. */
	id: string | null;
	/** The open run as last read and moved on by events; null while its first read is under way. */
	run: ViewRun | null;
	/** Whether the plan's approval or rejection was sent and the run has not moved on yet. */
	decided: boolean;
}

export const view: View = { id: null, run: null, decided: false };
