// The files the service reads at run time (the contract, the demo data, the reference page's
// assets) are read where they are in the package, whether the service runs compiled
// (dist/server/*.js, as `npm start` runs it) or as TypeScript (server/*.ts, under tsx).
const PACKAGE_ROOT = new URL(import.meta.url.endsWith('.js') ? '../../' : '../', import.meta.url);

/** A file of the package, by its path from the package root (e.g. 'openapi.yaml'). */
export function packageFile(relativePath: string): URL {
  return new URL(relativePath, PACKAGE_ROOT);
}
