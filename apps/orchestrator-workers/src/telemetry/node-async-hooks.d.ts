/**
 * The one Node API the Worker uses, as workerd provides it under `nodejs_compat`. Declared here rather
 * than loading all of @types/node into Worker code, where most of Node does not exist.
 */
declare module "node:async_hooks" {
	export class AsyncLocalStorage<T> {
		run<R>(store: T, callback: () => R): R;
		getStore(): T | undefined;
	}
}
