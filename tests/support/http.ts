// Plain fetch calls for the HTTP tests, so they see exactly what a caller sees.
import { DEMO_PROJECT, DEMO_TOKENS } from '../../server/demo/demo.ts';

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: any;
  text: string;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body, text };
}

export function backupUrl(base: string, backupId: string, project: string = DEMO_PROJECT): string {
  return `${base}/v3/${project}/backups/${backupId}`;
}

export function deleteBackup(base: string, backupId: string, options: { token?: string | null; project?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const token = options.token === undefined ? DEMO_TOKENS.member : options.token;
  return call(backupUrl(base, backupId, options.project), {
    method: 'DELETE',
    headers: { ...(token === null ? {} : { 'X-Auth-Token': token }), ...options.headers },
  });
}

export function showBackup(base: string, backupId: string, options: { token?: string; project?: string } = {}): Promise<Reply> {
  return call(backupUrl(base, backupId, options.project), { headers: { 'X-Auth-Token': options.token ?? DEMO_TOKENS.reader } });
}
