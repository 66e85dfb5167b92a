// Benchmark target (5): the delete as a team would write it by hand, with no contract layer:
// Express 5 and better-sqlite3, the token looked up in a Map, one transaction per DELETE
// (find the backup in the caller's project, refuse it when busy or registered as an image
// with the contract's 400 bodies, delete it, write the audit row), WAL with
// synchronous=NORMAL. No validation, no logging, no metrics. What the service costs over
// this is what the contract-first stack costs.
//
// Env: PORT, DB_FILE (a store with the service's schema), TOKENS_FILE (the benchmark's
// tokens file). Listens on 127.0.0.1:$PORT.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import express, { type Response } from 'express';

interface Caller {
  projectId: string;
  userId: string;
  userName: string;
}

interface TokensFile {
  tokens: { token: string; project_id: string; user: { id: string; name: string } }[];
}

const { tokens: entries } = JSON.parse(readFileSync(process.env.TOKENS_FILE!, 'utf8')) as TokensFile;
const callers = new Map<string, Caller>(entries.map((t) => [t.token, { projectId: t.project_id, userId: t.user.id, userName: t.user.name }]));

const db = new Database(process.env.DB_FILE!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

const BUSY = new Set(['protecting', 'waiting_protect', 'restoring', 'waiting_restore', 'deleting', 'waiting_delete']);
const find = db.prepare<[string, string], Record<string, unknown> & { status: string; extend_info: string }>(
  'SELECT * FROM backups WHERE id = ? AND project_id = ?',
);
const remove = db.prepare<[string]>('DELETE FROM backups WHERE id = ?');
const audit = db.prepare(
  'INSERT INTO deletion_audit (backup_id, project_id, user_id, user_name, request_id, deleted_at, last_status, backup) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
);

type Refusal = { code: string; message: string } | undefined;

const deleteBackup = db.transaction((projectId: string, backupId: string, caller: Caller, requestId: string): Refusal => {
  const row = find.get(backupId, projectId);
  if (row === undefined) return { code: 'CSBS.3001', message: `Backup ${backupId} does not exist` };
  if (BUSY.has(row.status)) return { code: 'CSBS.2003', message: `Backup ${backupId} is ${row.status}; try again when it is available` };
  const extendInfo = JSON.parse(row.extend_info) as { os_images_data?: { image_id: string }[] };
  const images = extendInfo.os_images_data ?? [];
  if (images.length > 0) {
    return { code: '6201', message: `Backup ${backupId} is registered as an image (${images.map((i) => i.image_id).join(', ')}) and cannot be deleted` };
  }
  remove.run(backupId);
  const backup = JSON.stringify({ ...row, extend_info: extendInfo });
  audit.run(backupId, projectId, caller.userId, caller.userName, requestId, new Date().toISOString(), row.status, backup);
  return undefined;
});

function fail(res: Response, status: number, code: string, message: string, requestId: string): void {
  res.status(status).json({ error_code: code, error_msg: message, request_id: requestId });
}

const app = express();
app.delete('/v3/:project_id/backups/:backup_id', (req, res) => {
  const requestId = randomUUID();
  const caller = callers.get(req.get('x-auth-token') ?? '');
  if (caller === undefined) return fail(res, 401, 'APIGW.0301', 'Incorrect IAM authentication information', requestId);
  if (caller.projectId !== req.params.project_id) return fail(res, 403, 'APIGW.0302', 'The IAM user is not authorized', requestId);
  const refusal = deleteBackup.immediate(req.params.project_id, req.params.backup_id, caller, requestId);
  if (refusal !== undefined) return fail(res, 400, refusal.code, refusal.message, requestId);
  res.status(204).end();
});
app.listen(Number(process.env.PORT), '127.0.0.1');
