// A throwaway PostgreSQL 15 cluster for tests: initdb into a fresh temporary directory, one
// server on a free loopback port (no Unix socket), stopped and removed when the tests end,
// or when the test process exits. PostgreSQL refuses to run as root, so as root its
// commands run as the `postgres` user (which Debian's package creates).
import { execFile, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './processes.ts';

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const BINARIES = ['initdb', 'pg_ctl', 'postgres'];

/**
 * Why the PostgreSQL tests cannot run on this machine, or undefined when they can. In CI
 * (CI=true) the binaries are required: their absence throws, so the test file fails.
 */
export function postgresUnavailable(): string | undefined {
  const missing = BINARIES.filter((name) => !existsSync(path.join(POSTGRES_BIN, name)));
  if (missing.length === 0) return undefined;
  const reason = `PostgreSQL tests not run: no ${missing.join(', ')} in ${POSTGRES_BIN} (on Debian: apt-get install postgresql)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must have them`);
  return reason;
}

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** A PostgreSQL command, as the `postgres` user when this process is root. */
function command(binary: string, args: string[]): [string, string[]] {
  const file = path.join(POSTGRES_BIN, binary);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

async function pgCommand(binary: string, args: string[]): Promise<void> {
  const [file, argv] = command(binary, args);
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout}${stderr}`);
  }
}

const clusters = new Set<PostgresCluster>();
process.on('exit', () => {
  for (const cluster of clusters) cluster.destroySync();
});

export class PostgresCluster {
  #port: number;
  readonly #dir: string;
  #databases = 0;
  #frozen: number[] = [];

  private constructor(dir: string, port: number) {
    this.#dir = dir;
    this.#port = port;
  }

  get port(): number {
    return this.#port;
  }

  get #data(): string {
    return path.join(this.#dir, 'data');
  }

  get #log(): string {
    return path.join(this.#dir, 'server.log');
  }

  /** initdb and start. The database's own collation is ICU English, as on many servers, not byte order. */
  static async start(): Promise<PostgresCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'cbr-pg-'));
    if (asRoot) chownSync(dir, ...postgresIds());
    const cluster = new PostgresCluster(dir, 0);
    clusters.add(cluster);
    try {
      await pgCommand('initdb', [
        '-D', cluster.#data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync',
        '--locale=C.UTF-8', '--locale-provider=icu', '--icu-locale=en-US',
      ]);
      // A free port can be taken between the check and the start: try a few.
      for (let attempt = 1; ; attempt++) {
        cluster.#port = await freePort();
        try {
          await cluster.#configureAndStart();
          break;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
      return cluster;
    } catch (error) {
      cluster.destroySync();
      throw error;
    }
  }

  async #configureAndStart(): Promise<void> {
    // Later settings win, so a retry on another port just appends again. fsync is off (the
    // cluster lives only as long as the tests, and a server crash keeps what the OS holds),
    // but synchronous_commit stays on: a crash must not lose a commit already answered 204.
    appendFileSync(
      path.join(this.#data, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        `port = ${this.#port}`,
        "unix_socket_directories = ''",
        'fsync = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    await this.start();
  }

  /** Starts the server (again, after stop()) and waits until it accepts connections. */
  async start(): Promise<void> {
    await pgCommand('pg_ctl', ['-D', this.#data, '-l', this.#log, '-w', '-t', '60', 'start']);
  }

  /** Stops the server: `fast` ends sessions cleanly, `immediate` as a crash would. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await pgCommand('pg_ctl', ['-D', this.#data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /**
   * Freezes the server and its sessions (SIGSTOP): the kernel still accepts connections,
   * but nothing answers, as with a hung database host. thaw() resumes it.
   */
  freeze(): void {
    const postmaster = Number(readFileSync(path.join(this.#data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // The postmaster first, so it forks nothing new meanwhile.
    this.#frozen = [postmaster, ...childProcesses(postmaster)];
    for (const pid of this.#frozen) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.#frozen.reverse()) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    this.#frozen = [];
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.#port}/${database}`;
  }

  /** A new, empty database in this cluster; its URL. */
  async createDatabase(): Promise<string> {
    const name = `test_${process.pid}_${++this.#databases}`;
    const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /** The server's log so far (for failure messages). */
  log(): string {
    return existsSync(this.#log) ? readFileSync(this.#log, 'utf8') : '';
  }

  /** Stops the server at once and removes every file of the cluster. */
  async destroy(): Promise<void> {
    this.destroySync();
  }

  destroySync(): void {
    if (!clusters.delete(this)) return;
    this.thaw();
    if (existsSync(path.join(this.#data, 'postmaster.pid'))) {
      const [file, argv] = command('pg_ctl', ['-D', this.#data, '-m', 'immediate', '-w', '-t', '60', 'stop']);
      spawnSync(file, argv, { stdio: 'ignore', timeout: 60_000 });
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Runs `work` with one plain connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function childProcesses(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function postgresIds(): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (line === undefined) throw new Error('no postgres user: install Debian\'s postgresql package');
  const [, , uid, gid] = line.split(':');
  return [Number(uid), Number(gid)];
}
