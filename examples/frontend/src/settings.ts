// Where the page sends its requests, from the query string (the settings form writes it):
// ?api=http://127.0.0.1:4011&project=...&token=...&prefer=...&prefer-delete=...
// Without them the page calls the stateful mock (`npm run mock:stateful`) with its demo data.
import type { FetchFunction } from '@cbr-backup-api/client';

export interface Settings {
  /** The API's base URL (the paths start with /v3). */
  api: string;
  project: string;
  token: string;
  /** A Prefer header for every request: the mocks then force that answer (`code=401`). */
  prefer: string | undefined;
  /** A Prefer header for deletes only (`code=400, example=backupRunning`). */
  preferDelete: string | undefined;
}

export const DEFAULTS = {
  api: 'http://127.0.0.1:4011',
  project: '0605767d1e6f4c4a9c8ff3a0a6f27a21',
  token: 'demo-member-token',
} as const;

export function readSettings(search: string): Settings {
  const query = new URLSearchParams(search);
  const value = (name: string) => query.get(name)?.trim() || undefined;
  return {
    api: value('api') ?? DEFAULTS.api,
    project: value('project') ?? DEFAULTS.project,
    // An empty token is kept: the page then shows what the client says about it.
    token: query.has('token') ? (query.get('token') ?? '').trim() : DEFAULTS.token,
    prefer: value('prefer'),
    preferDelete: value('prefer-delete'),
  };
}

/** Puts the settings in the form's fields, so that Apply keeps what was not changed. */
export function fillForm(form: HTMLFormElement, settings: Settings): void {
  const fields: Record<string, string | undefined> = {
    api: settings.api,
    project: settings.project,
    token: settings.token,
    prefer: settings.prefer,
    'prefer-delete': settings.preferDelete,
  };
  for (const [name, value] of Object.entries(fields)) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement) input.value = value ?? '';
  }
  if (settings.prefer !== undefined || settings.preferDelete !== undefined) form.querySelector('details')?.setAttribute('open', '');
}

/**
 * The fetch the client is given (its `fetch` option): it adds the Prefer header the settings
 * ask for, and keeps the X-Request-Id of the last answer, which a successful list has
 * nowhere else.
 */
export function pageFetch(settings: Settings): { fetch: FetchFunction; lastRequestId: () => string | null } {
  let lastRequestId: string | null = null;
  const fetch: FetchFunction = async (request) => {
    const prefer = request.method === 'DELETE' ? (settings.preferDelete ?? settings.prefer) : settings.prefer;
    if (prefer !== undefined) request.headers.set('Prefer', prefer);
    lastRequestId = null;
    const response = await globalThis.fetch(request);
    lastRequestId = response.headers.get('X-Request-Id');
    return response;
  };
  return { fetch, lastRequestId: () => lastRequestId };
}
