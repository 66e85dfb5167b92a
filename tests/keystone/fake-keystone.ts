// A small stand-in for Keystone's /v3/auth/tokens on a loopback port, for what a real
// Keystone cannot be made to do on demand: hold answers, hang, fail, forget service tokens.
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUserToken {
  user: { id: string; name: string };
  /** Undefined: an unscoped token. */
  projectId?: string;
  roles: string[];
  expiresAt: string;
}

export interface RecordedCall {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export const SERVICE_USER = { user: 'cbr', password: 'service-secret', project: 'service', domain: 'Default' };

/**
 * A user token named `name`, shaped as Keystone's Fernet tokens are ("gAAAAAB" and about 180
 * characters of unpadded base64url), so that the verifier asks IAM about it: the names alone
 * ("member-token") are too short to be tokens. Distinct names give distinct tokens.
 */
export function userToken(name: string): string {
  return `gAAAAAB${Buffer.from(`fake keystone user token ${name} `.padEnd(128, '.')).toString('base64url')}`;
}

export class FakeKeystone {
  readonly calls: RecordedCall[] = [];
  /** User tokens Keystone knows; anything else validates to 404. */
  readonly tokens = new Map<string, FakeUserToken>();
  /** Service tokens it accepts as X-Auth-Token. */
  readonly serviceTokens = new Set<string>(['fixed-service-token']);
  /** Lifetime of the service tokens it issues, from the clock below. */
  serviceTokenLifetimeMs = 3_600_000;
  now: () => number = Date.now;
  /** When set, validations wait for this before answering. */
  gate: Promise<void> | undefined;
  /** When set, every request is answered with this status and an empty JSON body. */
  failWith: number | undefined;
  /** When true, requests are read and never answered. */
  hang = false;
  #issued = 0;
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeKeystone> {
    let fake: FakeKeystone | undefined;
    const server = createServer((req, res) => void fake!.#handle(req, res));
    fake = new FakeKeystone(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Back to a fresh Keystone: no calls, no user tokens, only the fixed service token. */
  reset(now: () => number): void {
    this.now = now;
    this.calls.length = 0;
    this.tokens.clear();
    this.serviceTokens.clear();
    this.serviceTokens.add('fixed-service-token');
    this.serviceTokenLifetimeMs = 3_600_000;
    this.gate = undefined;
    this.failWith = undefined;
    this.hang = false;
    this.#issued = 0;
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    this.calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (this.hang) {
      this.#hanging.add(res);
      return;
    }
    if (this.failWith !== undefined) return send(res, this.failWith, {});
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/v3/auth/tokens') return send(res, 404, { error: { code: 404 } });
    if (req.method === 'POST') return this.#issue(res, body);
    if (req.method !== 'GET') return send(res, 405, {});
    if (!this.serviceTokens.has(String(req.headers['x-auth-token']))) return send(res, 401, { error: { code: 401 } });
    if (this.gate !== undefined) await this.gate;
    const subject = String(req.headers['x-subject-token']);
    if (this.serviceTokens.has(subject)) {
      return send(res, 200, { token: { user: { id: 'svc', name: SERVICE_USER.user }, roles: [{ id: 'r', name: 'service' }], expires_at: new Date(this.now() + 60_000).toISOString() } });
    }
    const token = this.tokens.get(subject);
    if (token === undefined) return send(res, 404, { error: { code: 404, message: 'Could not find token' } });
    return send(res, 200, {
      token: {
        methods: ['password'],
        user: { ...token.user, domain: { id: 'default', name: 'Default' } },
        ...(token.projectId === undefined ? {} : { project: { id: token.projectId, name: 'p', domain: { id: 'default', name: 'Default' } } }),
        roles: token.roles.map((name, i) => ({ id: `role-${i}`, name })),
        expires_at: token.expiresAt,
        issued_at: new Date(this.now()).toISOString(),
      },
    });
  }

  #issue(res: ServerResponse, body: string): void {
    const auth = JSON.parse(body).auth;
    const user = auth?.identity?.password?.user;
    const project = auth?.scope?.project;
    const ok =
      user?.name === SERVICE_USER.user && user?.password === SERVICE_USER.password && user?.domain?.name === SERVICE_USER.domain &&
      project?.name === SERVICE_USER.project && project?.domain?.name === SERVICE_USER.domain;
    if (!ok) return send(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
    const token = `service-token-${++this.#issued}`;
    this.serviceTokens.add(token);
    res.setHeader('X-Subject-Token', token);
    send(res, 201, { token: { expires_at: new Date(this.now() + this.serviceTokenLifetimeMs).toISOString() } });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
