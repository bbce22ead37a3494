/** Exit codes of `ow`, and the error that carries one to the top. */
export const EXIT = {
	/** The run completed (or the command succeeded). */
	ok: 0,
	/** The run errored or was cancelled. */
	runFailed: 1,
	/** Bad usage, or the server refused the request (unknown id, 400, 401 …). */
	usage: 2,
	/** Interrupted with Ctrl-C. */
	interrupted: 130,
} as const;

export class CliExit extends Error {
	override readonly name = "CliExit";
	readonly code: number;

	constructor(code: number, message: string) {
		super(message);
		this.code = code;
	}
}
