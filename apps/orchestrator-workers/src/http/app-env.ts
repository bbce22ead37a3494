/**
 * The Hono environment every route and middleware shares: the Worker's bindings. Its own module, below
 * the app and the routes, so that they need not import each other for a type.
 */
export type AppEnv = { Bindings: Env };
