/**
 * The deployment version a run records: the id of the Worker version that took it, from the Workers
 * version metadata binding (`CF_VERSION_METADATA`, bound in the staging and production envs), so a
 * run's behaviour can be traced to the code that ran it, next to its prompt version and models.
 *
 * Local environments do not bind it: under `wrangler dev` the binding yields a fresh random id on
 * every start, which names no code anyone can find again. There, and wherever it is missing, the
 * version is "dev".
 * @see https://developers.cloudflare.com/workers/runtime-apis/bindings/version-metadata/
 */

/** The version recorded where no version metadata is bound. */
export const LOCAL_DEPLOYMENT_VERSION = "dev";

/** The part of the Env this reads: typed by shape, so tests pass a plain object. */
export interface VersionEnv {
	CF_VERSION_METADATA?: { id: string; tag?: string };
}

/** The id of the Worker version running now, or "dev". */
export function deploymentVersion(env: VersionEnv): string {
	return env.CF_VERSION_METADATA?.id || LOCAL_DEPLOYMENT_VERSION;
}
