// One HTTP request as the verifier describes it (method, path, query, token, extra headers,
// body, an AK/SK signature), sent with fetch so the checks see exactly what a caller sees, and
// what was sent kept so that a failure can be replayed with curl.
import { type AccessKey, encodeRfc3986, signatureHeaders } from './signing.ts';

export interface ContractRequest {
  method: string;
  /** Path with its parameters already in place (encoded where needed). */
  path: string;
  query?: Readonly<Record<string, string>>;
  /** The X-Auth-Token value; null sends no X-Auth-Token header at all. */
  token: string | null;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** Signed with the run's access key (AK/SK); `tampered`: with a signature that does not match. */
  sign?: 'valid' | 'tampered';
}

/** The request as it went on the wire. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Reply {
  /** 0 when no answer came (the error says why). */
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: any;
  text: string;
  sent: SentRequest;
  /** Why there is no answer: a timeout, a refused connection. */
  error?: string;
}

export interface SendOptions {
  /** Headers on top of the request's own (Prism's Prefer). */
  extraHeaders?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /** The access key for requests with `sign`; without it such a request goes unsigned. */
  accessKey?: AccessKey;
  /** The host the service sees (for the signature), when requests go through a proxy. */
  signedHost?: string;
  /** Counts the requests sent. */
  counter?: { sent: number };
}

export function describeRequest(request: ContractRequest): string {
  const credentials = request.sign === undefined ? (request.token === null ? 'no token' : `token "${request.token}"`) : `signed with the access key${request.sign === 'tampered' ? ', signature spoiled' : ''}`;
  const body = request.body === undefined ? '' : `, body ${JSON.stringify(request.body.slice(0, 60))}`;
  return `${request.method} ${request.path}${queryString(request.query)} (${credentials}${body})`;
}

// Percent-encoding as RFC 3986 and OpenAPI (allowReserved: false) want it: every reserved
// character encoded. URLSearchParams writes a space as '+', and encodeURIComponent leaves
// !'()* as they are; the server refuses both as unencoded reserved characters (400).
export const encodeQueryComponent = encodeRfc3986;

function queryString(query: Readonly<Record<string, string>> | undefined): string {
  if (query === undefined || Object.keys(query).length === 0) return '';
  return `?${Object.entries(query).map(([name, value]) => `${encodeQueryComponent(name)}=${encodeQueryComponent(value)}`).join('&')}`;
}

const NO_HEADERS = new Headers();

export async function send(baseUrl: string, request: ContractRequest, options: SendOptions = {}): Promise<Reply> {
  const url = `${baseUrl}${request.path}${queryString(request.query)}`;
  const headers: Record<string, string> = { ...request.headers, ...options.extraHeaders };
  if (request.token !== null) headers['X-Auth-Token'] = request.token;
  if (request.body !== undefined) headers['Content-Type'] ??= 'application/json';
  if (request.sign !== undefined && options.accessKey !== undefined) {
    const parsed = new URL(url);
    Object.assign(headers, signatureHeaders(options.accessKey, request.method, parsed, options.signedHost ?? parsed.host, request.body, request.sign === 'tampered'));
  }
  const sent: SentRequest = { method: request.method, url, headers, ...(request.body === undefined ? {} : { body: request.body }) };
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (options.counter !== undefined) options.counter.sent += 1;
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `no answer: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
    return { status: 0, headers: NO_HEADERS, body: undefined, text: '', sent, error: why };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { status: 0, headers: response.headers, body: undefined, text: '', sent, error: `answer cut short: ${(error as Error).message}` };
  }
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text, sent };
}

/** A single-quoted shell word. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The request as a curl command line that sends it again (to `baseUrl` instead of where it was
 * sent, when given: the service rather than the proxy in front of it).
 */
export function curlLine(sent: SentRequest, from?: { sentTo: string; replayTo: string }): string {
  const url = from !== undefined && sent.url.startsWith(from.sentTo) ? `${from.replayTo}${sent.url.slice(from.sentTo.length)}` : sent.url;
  const words = ['curl', '-i', '-g', '--path-as-is', '-X', sent.method];
  for (const [name, value] of Object.entries(sent.headers)) words.push('-H', shellQuote(`${name}: ${value}`));
  if (sent.body !== undefined) words.push('--data-raw', shellQuote(sent.body));
  words.push(shellQuote(url));
  return words.join(' ');
}
