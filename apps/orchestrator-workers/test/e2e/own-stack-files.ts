/**
 * The e2e files that start (and often kill or restart) their own `wrangler dev` instead of using the
 * shared stack. They run as their own target (`e2e-stacks`), beside the shared-stack files: two
 * stacks never see each other's runs, so the only thing they share is the machine.
 */
export const OWN_STACK_FILES = [
	"test/e2e/admission.e2e.test.ts",
	"test/e2e/idempotency.e2e.test.ts",
	"test/e2e/load.e2e.test.ts",
	"test/e2e/metrics.e2e.test.ts",
	"test/e2e/model-faults.e2e.test.ts",
	"test/e2e/quick-start.e2e.test.ts",
	"test/e2e/recovery.e2e.test.ts",
	"test/e2e/retention.e2e.test.ts",
	"test/e2e/secrets.e2e.test.ts",
	"test/e2e/short-secrets.e2e.test.ts",
	"test/e2e/telemetry.e2e.test.ts",
	"test/e2e/wrangler-environments.e2e.test.ts",
];
