/** What the registry tests insert as a run's models and resolved options, unless a test says otherwise. */
import type { ResolvedRunOptions } from "@ow/schemas";

export const TEST_MODELS = { provider: "openai-compatible" as const, big: "big", small: "small", baseURL: null };

export const testOptions = (overrides: Partial<ResolvedRunOptions> = {}) => ({
	maxSubtasks: 4,
	failurePolicy: "bestEffort" as const,
	allowBrowser: true,
	screenshots: false,
	approvePlan: false,
	approvalTimeoutMinutes: 60,
	...overrides,
});
