import { startModelServer } from "@ow/testing";
import { workerdSeconds } from "./cpu.ts";
import { startFloor, timeFloorRun } from "./floor/index.ts";
import { MODEL_LATENCY_MS, startProduct, timeRun, waveScenario } from "./product.ts";
import { median } from "./stats.ts";
const models = await startModelServer({ latencyMs: MODEL_LATENCY_MS });
const [product, floor] = await Promise.all([startProduct(models, { MAX_PARALLEL: "32" }), startFloor(models)]);
try {
	await timeRun(product, models, waveScenario(models, 2));
	await timeFloorRun(floor, waveScenario(models, 2).prompt, 2);
	const p: number[] = [],
		f: number[] = [];
	let pc = 0,
		fc = 0;
	for (let r = 0; r < 4; r++) {
		const a0 = workerdSeconds(product.pid);
		p.push((await timeRun(product, models, waveScenario(models, 32))).endToEndMs);
		pc += workerdSeconds(product.pid) - a0;
		const b0 = workerdSeconds(floor.pid);
		f.push(await timeFloorRun(floor, waveScenario(models, 32).prompt, 32));
		fc += workerdSeconds(floor.pid) - b0;
	}
	console.log(
		`32: product ${median(p)} floor ${median(f)} ratio ${(median(p) / median(f)).toFixed(3)}; cpu/subtask product ${((pc * 1000) / 128).toFixed(1)} floor ${((fc * 1000) / 128).toFixed(1)} ms`,
	);
} finally {
	await Promise.all([product.stop(), floor.stop()]);
	await models.close();
}
