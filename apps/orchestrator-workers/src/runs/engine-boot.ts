/**
 * Which process (isolate) the Workflow engine that runs a step lives in. Each step that calls a model
 * or the browser writes this boot id on its run as it starts (with the cancel check, no extra round
 * trip). Under `wrangler dev` one process runs the API and the engine, and local Workflows do not
 * resume a running instance after that process restarts: a run whose marker names an earlier boot
 * has lost its engine for certain, and recovery gets it going at once instead of waiting out a timer.
 *
 * On Cloudflare many isolates run at once, so a foreign boot id says nothing there; the check is on
 * only where `RECOVERY_BOOT_CHECK` says so (the development environment).
 */

interface Boot {
	id: string;
	/** When this isolate first needed its boot id: runs it touched are never older. */
	at: string;
}

let boot: Boot | undefined;

/**
 * This isolate's boot. Made on first use, because Workers refuse random values and give a frozen
 * clock at global scope.
 */
export function currentBoot(): Boot {
	boot ??= { id: crypto.randomUUID(), at: new Date().toISOString() };
	return boot;
}

/** A statement that marks the run as driven by this isolate's engine; batch it with the step's first write. */
export function claimRunStatement(db: D1Database, runId: string): D1PreparedStatement {
	const { id } = currentBoot();
	return db.prepare("UPDATE runs SET engine_boot = ?1 WHERE id = ?2 AND engine_boot IS NOT ?1").bind(id, runId);
}
