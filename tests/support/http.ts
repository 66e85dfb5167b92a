// Plain fetch calls for the HTTP tests, so they see exactly what a caller sees, and raw
// bytes for what fetch cannot send.
import { connect } from 'node:net';
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

/** Sends raw bytes and returns the raw HTTP answer, once the server has closed the connection. */
export function rawRequest(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** The status, headers (lower-case names) and JSON body of a raw HTTP answer. */
export function parseRawAnswer(answer: string): { status: number; headers: Map<string, string>; body: any } {
  const end = answer.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = answer.slice(0, end).split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const text = answer.slice(end + 4);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}
