/**
 * Reading a Worker variable that `Env` does not declare. The generated `Env` lists only what wrangler.jsonc
 * and the .dev.vars files name; the optional settings (limits, CORS_ORIGINS, MODEL_PRICES, OTEL_*) are
 * set per deployment or not at all, so their readers take any object and check what they find.
 */

/** The variable `name` of `env`, or undefined when it is not set; its type is for the caller to check. */
export function workerVar(env: object, name: string): unknown {
	return Reflect.get(env, name);
}
