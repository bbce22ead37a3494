/**
 * `ow run --ensemble`: `vote:<samples>` or `debate:<agents>[:<maxRounds>[:<threshold>]]` as the run's
 * `options.ensemble`. Only the shape is checked here; the server checks the bounds (a 400 names them).
 */
import type { RunRequest } from "@ow/client";
import { InvalidArgumentError } from "commander";

type Ensemble = NonNullable<NonNullable<RunRequest["options"]>["ensemble"]>;

const USAGE =
	"an ensemble is vote:<samples> (e.g. vote:3) or debate:<agents>[:<rounds>[:<threshold>]] (e.g. debate:3:2:0.67)";

export function parseEnsemble(value: string): Ensemble {
	const [mode, ...rest] = value.split(":");
	const numbers = rest.map(Number);
	if (numbers.some((n) => !Number.isFinite(n)) || rest.some((r) => r.trim() === ""))
		throw new InvalidArgumentError(USAGE);
	if (mode === "vote" && numbers.length === 1) return { mode: "vote", samples: numbers[0]! };
	if (mode === "debate" && numbers.length >= 1 && numbers.length <= 3) {
		const [agents, maxRounds = 2, consensusThreshold = 1] = numbers as [number, number?, number?];
		return { mode: "debate", agents, maxRounds, consensusThreshold };
	}
	throw new InvalidArgumentError(USAGE);
}
