// A real OpenStack Keystone (Debian's `keystone` package) for tests: its own keystone.conf,
// SQLite database and fernet keys in a temporary directory, bootstrapped, and served by
// keystone-wsgi-public on a free loopback port. Never the package's service on port 5000.
import { type ChildProcess, execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { freePort, spawnTracked, waitFor } from './processes.ts';

const run = promisify(execFile);

const COMMANDS = ['keystone-manage', 'keystone-wsgi-public'] as const;

/** Why Keystone cannot run here, or undefined when its commands are installed. */
export function keystoneMissing(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  const missing = COMMANDS.filter(
    (command) =>
      !dirs.some((dir) => {
        try {
          accessSync(path.join(dir, command), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
  return missing.length === 0 ? undefined : `${missing.join(' and ')} not found (Debian package "keystone"; .ci/run installs it)`;
}

/** One request in keystone-wsgi-public's access log. */
export interface KeystoneRequest {
  method: string;
  path: string;
  status: number;
}

export interface Keystone {
  /** Keystone's root (the v3 API is under /v3). */
  url: string;
  dir: string;
  /** A project-scoped token of the bootstrap admin. */
  adminToken: string;
  /** Every request served so far, across restarts, in order. */
  requests(): KeystoneRequest[];
  /** Stops serving (the data stays, so start() brings the same Keystone back). */
  stop(): Promise<void>;
  /** Serves again on the same port. */
  start(): Promise<void>;
  /** Stops and removes everything. */
  close(): Promise<void>;
  createProject(name: string): Promise<string>;
  createUser(name: string, password: string): Promise<string>;
  /** The role's id, creating the role when it does not exist yet. */
  role(name: string): Promise<string>;
  grant(userId: string, projectId: string, roleName: string): Promise<void>;
  /** A token of this user scoped to this project (by id), as IAM's "get user token" gives it. */
  issueToken(userName: string, password: string, projectId: string): Promise<string>;
  /** DELETE /v3/auth/tokens: the token is revoked at once. */
  revokeToken(token: string): Promise<void>;
}

const ADMIN_PASSWORD = 'keystone-test-admin';

function keystoneConf(dir: string): string {
  return `[DEFAULT]
log_file = ${path.join(dir, 'keystone.log')}
use_stderr = false

[database]
connection = sqlite:///${path.join(dir, 'keystone.db')}

[token]
provider = fernet
expiration = 3600

[fernet_tokens]
key_repository = ${path.join(dir, 'fernet-keys')}

[fernet_receipts]
key_repository = ${path.join(dir, 'fernet-keys')}

[credential]
key_repository = ${path.join(dir, 'credential-keys')}

[identity]
# The fewest bcrypt rounds: test passwords need no protection, and each login is faster.
password_hash_rounds = 4

[cache]
# Keystone's own validation cache: about 10 ms per validation instead of about 70.
enabled = true
backend = dogpile.cache.memory
`;
}

/** Sets up, bootstraps and serves a Keystone; about half a minute on a busy machine. */
export async function startKeystone(): Promise<Keystone> {
  const missing = keystoneMissing();
  if (missing !== undefined) throw new Error(`cannot start Keystone: ${missing}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'keystone-test-'));
  const conf = path.join(dir, 'keystone.conf');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const manage = (...args: string[]) => run('keystone-manage', ['--config-file', conf, ...args], { cwd: dir, timeout: 120_000 });
  const logs: (() => string)[] = [];
  let server: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawnTracked('keystone-wsgi-public', ['--host', '127.0.0.1', '--port', String(port), '--', '--config-file', conf]);
    logs.push(proc.output);
    server = proc.child;
    await waitFor(async () => (await fetch(`${url}/v3`)).ok, 'keystone', 90_000, proc);
  }

  async function stop(): Promise<void> {
    if (server !== undefined) await stopChild(server);
    server = undefined;
  }

  try {
    await writeFile(conf, keystoneConf(dir));
    await manage('db_sync');
    // Without WAL, SQLite writes fail with "database is locked" after the first conflict.
    const db = new Database(path.join(dir, 'keystone.db'));
    db.pragma('journal_mode = WAL');
    db.close();
    await Promise.all([
      manage('fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root'),
      manage('credential_setup', '--keystone-user', 'root', '--keystone-group', 'root'),
    ]);
    const endpoint = `${url}/v3`;
    await manage(
      'bootstrap',
      '--bootstrap-password', ADMIN_PASSWORD,
      '--bootstrap-admin-url', endpoint,
      '--bootstrap-public-url', endpoint,
      '--bootstrap-internal-url', endpoint,
      '--bootstrap-region-id', 'RegionOne',
    );
    await start();
  } catch (error) {
    await stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const api = async (method: string, apiPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    const response = await fetch(`${url}/v3${apiPath}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`keystone ${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return response;
  };
  const login = async (scope: unknown, user: unknown): Promise<string> => {
    const response = await api('POST', '/auth/tokens?nocatalog', { auth: { identity: { methods: ['password'], password: { user } }, scope } });
    await response.arrayBuffer();
    return response.headers.get('x-subject-token')!;
  };

  let adminToken: string;
  try {
    adminToken = await login(
      { project: { name: 'admin', domain: { id: 'default' } } },
      { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD },
    );
  } catch (error) {
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const admin = async (method: string, apiPath: string, body?: unknown): Promise<any> => {
    const response = await api(method, apiPath, body, { 'X-Auth-Token': adminToken });
    return response.status === 204 ? undefined : response.json();
  };
  const roleIds = new Map<string, string>();
  const role = async (name: string): Promise<string> => {
    const known = roleIds.get(name);
    if (known !== undefined) return known;
    const { roles } = await admin('GET', `/roles?name=${encodeURIComponent(name)}`);
    const id: string = roles.length > 0 ? roles[0].id : (await admin('POST', '/roles', { role: { name } })).role.id;
    roleIds.set(name, id);
    return id;
  };

  return {
    url,
    dir,
    adminToken,
    requests: () =>
      logs.flatMap((output) =>
        [...output().matchAll(/"([A-Z]+) (\S+) HTTP\/1\.[01]" (\d{3})/g)].map((m) => ({ method: m[1]!, path: m[2]!, status: Number(m[3]) })),
      ),
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
    async createProject(name) {
      return (await admin('POST', '/projects', { project: { name, domain_id: 'default', enabled: true } })).project.id;
    },
    async createUser(name, password) {
      return (await admin('POST', '/users', { user: { name, password, domain_id: 'default', enabled: true } })).user.id;
    },
    role,
    async grant(userId, projectId, roleName) {
      await admin('PUT', `/projects/${projectId}/users/${userId}/roles/${await role(roleName)}`);
    },
    issueToken(userName, password, projectId) {
      return login({ project: { id: projectId } }, { name: userName, domain: { id: 'default' }, password });
    },
    async revokeToken(token) {
      await api('DELETE', '/auth/tokens', undefined, { 'X-Auth-Token': adminToken, 'X-Subject-Token': token });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
