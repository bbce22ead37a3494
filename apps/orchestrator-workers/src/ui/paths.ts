/**
 * Paths of the web page's files. The page's sources are in `web/` (TypeScript modules, HTML, CSS);
 * `web/build.mjs` builds them into static assets that the `ASSETS` binding serves.
 */
export const UI_PATHS = { page: "/ui", script: "/ui/app.js", styles: "/ui/app.css" } as const;
