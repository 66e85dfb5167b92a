// The SQLite store's worker threads (checkpoint-worker.ts, list-worker.ts), started from this
// directory whether it runs compiled (dist/, as `npm start` runs it) or as TypeScript under tsx
// (tests, scripts).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const FROM_SOURCES = !import.meta.url.endsWith('.js');

/** The module `name` (without extension) of this directory, in a new worker thread. */
export function startStoreWorker(name: string, options: Omit<WorkerOptions, 'eval' | 'execArgv'>): Worker {
  const file = new URL(`./${name}${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);
  if (!FROM_SOURCES) return new Worker(file, { ...options, execArgv: [] });
  // A worker's entry in this "type": "module" package is loaded as ESM without the parent's
  // hooks, and Node 20 ignores --import in a worker's execArgv: the TypeScript is require()d
  // through tsx's require hook instead.
  return new Worker(`require(${JSON.stringify(fileURLToPath(file))})`, {
    ...options,
    eval: true,
    execArgv: ['--require', createRequire(import.meta.url).resolve('tsx/cjs')],
  });
}
