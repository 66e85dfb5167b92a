// The stateful mock's own endpoints, outside the API's spec: put the demo data back, or load a
// given seed, so that each test of a frontend starts from a known state.
import express, { Router } from 'express';
import type { BackupDetail } from '../contract/types.ts';
import { errors } from '../http/errors.ts';
import { parseSeed } from '../store/seed-file.ts';
import type { SwappableStore } from './swappable-store.ts';

export const MOCK_PATHS = { reset: '/__mock/reset', backups: '/__mock/backups' } as const;

/** The largest seed a PUT may carry. */
const SEED_LIMIT = '10mb';

export function mockRoutes(store: SwappableStore, demoBackups: () => BackupDetail[]): Router {
  const router = Router({ strict: true, caseSensitive: true });
  router.post(MOCK_PATHS.reset, async (_req, res) => {
    const backups = demoBackups();
    await store.replace(backups);
    res.json({ backups: backups.length });
  });
  const json = express.json({ limit: SEED_LIMIT });
  // A body that is not JSON, or too large, is the caller's mistake: answered in the envelope.
  const seedBody: express.RequestHandler = (req, res, next) =>
    json(req, res, (error?: unknown) => next(error === undefined ? undefined : errors.invalidRequest(`the seed is not a JSON body of at most ${SEED_LIMIT}: ${(error as Error).message}`)));
  router.put(MOCK_PATHS.backups, seedBody, async (req, res) => {
    let backups: BackupDetail[];
    try {
      backups = parseSeed(req.body, 'the seed');
    } catch (error) {
      throw errors.invalidRequest((error as Error).message);
    }
    await store.replace(backups);
    res.json({ backups: backups.length });
  });
  return router;
}
