/** The admission switch as a gauge: 1 while new runs are taken, 0 while `POST /admission` closed it. */
import { admissionState } from "../registry/admission-switch";
import type { MetricFamily } from "./exposition";

export async function admissionFamilies(db: D1Database): Promise<MetricFamily[]> {
	const state = await admissionState(db);
	return [
		{
			name: "orchestrator_admission_open",
			help: "1 while new runs are admitted; 0 while admission is closed (POST /admission).",
			type: "gauge",
			samples: [{ labels: {}, value: state.open ? 1 : 0 }],
		},
	];
}
