/** Which run statuses are final, in TypeScript and in SQL. */
import type { RunState } from "@ow/schemas";

/** Statuses a run never leaves by itself (a restart starts it anew). */
export const TERMINAL_RUN_STATES: readonly RunState[] = ["complete", "errored", "terminated"];
/** SQL condition: the run has not ended. */
export const NOT_TERMINAL = `status NOT IN (${TERMINAL_RUN_STATES.map((s) => `'${s}'`).join(", ")})`;
