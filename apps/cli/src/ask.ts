/** Yes/no questions on the terminal. */
import { createInterface } from "node:readline/promises";

/** Asks `question` on stderr and reads the answer from stdin; only an answer starting with y is yes. */
export async function askYesNo(question: string): Promise<boolean> {
	const rl = createInterface({ input: process.stdin, output: process.stderr });
	try {
		const answer = await rl.question(`${question} [y/N] `);
		return /^y/i.test(answer.trim());
	} finally {
		rl.close();
	}
}
