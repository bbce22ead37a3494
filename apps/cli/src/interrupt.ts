/**
 * Ctrl-C. The handler is installed when `ow` starts, before any output, so a signal can never arrive
 * before it: until a command takes it over, Ctrl-C ends `ow` with 130 at once; a command that follows a
 * run takes it over to stop following and offer to cancel the run instead.
 */
import { EXIT } from "./exit.ts";

const controller = new AbortController();
let takenOver = false;

process.once("SIGINT", () => {
	if (takenOver) controller.abort();
	else process.exit(EXIT.interrupted);
});

/** From now on Ctrl-C aborts the returned signal instead of ending `ow`. */
export function takeOverInterrupt(): AbortSignal {
	takenOver = true;
	return controller.signal;
}
