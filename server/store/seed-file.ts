// Seed files: {"backups": [<BackupDetail>, ...]}. Every entry is checked against the spec's
// BackupDetail schema before anything is stored, so a bad file loads nothing.
import { readFileSync } from 'node:fs';
import type { BackupDetail } from '../contract/types.ts';
import { componentValidator } from '../contract/spec.ts';
import { packageFile } from '../package-files.ts';

export const DEMO_BACKUPS_FILE = packageFile('server/demo/backups.json');

export function readSeedFile(file: string | URL): BackupDetail[] {
  const source = `seed file ${String(file)}`;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
  return parseSeed(data, source);
}

/** The backups of a seed, `{"backups": [...]}`, each checked; `source` names it in the error. */
export function parseSeed(data: unknown, source: string): BackupDetail[] {
  const entries = (data as { backups?: unknown } | null)?.backups;
  if (!Array.isArray(entries)) throw new Error(`${source}: expected {"backups": [...]}`);
  const isBackup = componentValidator('BackupDetail');
  const seen = new Set<string>();
  entries.forEach((entry: unknown, index) => {
    const id = (entry as { id?: unknown } | null)?.id;
    const where = `${source}: backups[${index}]${typeof id === 'string' ? ` (id ${id})` : ''}`;
    if (!isBackup(entry)) {
      const problems = (isBackup.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
      throw new Error(`${where} is not a valid backup: ${problems.join('; ')}`);
    }
    if (seen.has(id as string)) throw new Error(`${where}: id is listed twice`);
    seen.add(id as string);
  });
  return entries as BackupDetail[];
}
