// One HTTP request as the contract tests describe it (method, path, query, token, extra
// headers, body), sent with fetch so the tests see exactly what a caller sees.

export interface ContractRequest {
  method: string;
  /** Path with its parameters already in place (encoded where needed). */
  path: string;
  query?: Readonly<Record<string, string>>;
  /** The X-Auth-Token value; null sends no X-Auth-Token header at all. */
  token: string | null;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: any;
  text: string;
}

export function describeRequest(request: ContractRequest): string {
  const token = request.token === null ? 'no token' : `token "${request.token}"`;
  const body = request.body === undefined ? '' : `, body ${JSON.stringify(request.body.slice(0, 60))}`;
  return `${request.method} ${request.path}${queryString(request.query)} (${token}${body})`;
}

// Percent-encoding as RFC 3986 and OpenAPI (allowReserved: false) want it: every reserved
// character encoded. URLSearchParams writes a space as '+', and encodeURIComponent leaves
// !'()* as they are; the server refuses both as unencoded reserved characters (400).
export function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function queryString(query: Readonly<Record<string, string>> | undefined): string {
  if (query === undefined || Object.keys(query).length === 0) return '';
  return `?${Object.entries(query).map(([name, value]) => `${encodeQueryComponent(name)}=${encodeQueryComponent(value)}`).join('&')}`;
}

export async function send(baseUrl: string, request: ContractRequest, extraHeaders: Readonly<Record<string, string>> = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...request.headers, ...extraHeaders };
  if (request.token !== null) headers['X-Auth-Token'] = request.token;
  if (request.body !== undefined) headers['Content-Type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${request.path}${queryString(request.query)}`, {
    method: request.method,
    headers,
    body: request.body,
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}
