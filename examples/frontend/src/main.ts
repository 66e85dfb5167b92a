// The page: lists the project's backups, deletes one after a confirmation, and shows what the
// API said (its error code and message, and the request id to look up in its logs).
import { type BackupDetail, createBackupClient } from '@cbr-backup-api/client';
import { describeFailure } from './messages.ts';
import { fillForm, pageFetch, readSettings } from './settings.ts';

function element<T extends HTMLElement>(selector: string, type: new () => T): T {
  const found = document.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`the page has no ${selector}`);
  return found;
}

const form = element('#settings', HTMLFormElement);
const message = element('#message', HTMLDivElement);
const summary = element('#summary', HTMLParagraphElement);
const rows = element('#backups tbody', HTMLTableSectionElement);
const refresh = element('#refresh', HTMLButtonElement);
const confirm = element('#confirm', HTMLDialogElement);

const settings = readSettings(location.search);
fillForm(form, settings);
const requests = pageFetch(settings);

/** Made on first use: a bad setting (an empty token) is then shown like any other failure. */
let client: ReturnType<typeof createBackupClient> | undefined;
const api = () => (client ??= createBackupClient({ baseUrl: settings.api, token: settings.token, fetch: requests.fetch }));

/** Whether the message shown is a failed list, which the next list that works takes away. */
let showsListFailure = false;

function show(kind: 'success' | 'error', title: string, lines: string[], data: Record<string, string | undefined> = {}): void {
  message.replaceChildren();
  message.className = `message ${kind}`;
  message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const heading = document.createElement('strong');
  heading.textContent = title;
  message.append(heading);
  for (const line of lines) {
    const paragraph = document.createElement('p');
    paragraph.textContent = line;
    message.append(paragraph);
  }
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined) message.removeAttribute(`data-${name}`);
    else message.setAttribute(`data-${name}`, value);
  }
  message.hidden = false;
  showsListFailure = false;
}

function showFailure(what: string, error: unknown): void {
  const failure = describeFailure(error, settings.api);
  const facts = [
    failure.errorCode === undefined ? undefined : `Error code ${failure.errorCode}`,
    failure.status === undefined ? undefined : `HTTP ${failure.status}`,
    failure.requestId === undefined ? undefined : `request id ${failure.requestId}`,
  ].filter((fact) => fact !== undefined);
  show('error', `${what}: ${failure.advice}`, [failure.message, ...(facts.length > 0 ? [facts.join(' · ')] : [])], {
    'error-code': failure.errorCode,
    'request-id': failure.requestId,
  });
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className !== undefined) td.className = className;
  return td;
}

function row(backup: BackupDetail): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.id = backup.id;
  const status = document.createElement('span');
  status.className = `status status-${backup.status}`;
  status.textContent = backup.status.replace('_', ' ');
  const statusCell = cell('', 'status-cell');
  statusCell.append(status);
  if ((backup.extend_info.os_images_data ?? []).length > 0) {
    const image = document.createElement('span');
    image.className = 'tag';
    image.textContent = 'image';
    image.title = 'Registered as an image';
    statusCell.append(' ', image);
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'danger';
  remove.textContent = 'Delete';
  remove.addEventListener('click', () => void confirmDelete(backup));
  const actions = cell('');
  actions.append(remove);
  tr.append(
    cell(backup.name, 'name'),
    statusCell,
    cell(backup.resource_name),
    // The contract's timestamps are UTC without a zone (2026-11-11T08:01:12.084695).
    cell(`${backup.created_at.slice(0, 16).replace('T', ' ')} UTC`),
    cell(backup.id, 'id'),
    actions,
  );
  return tr;
}

async function loadBackups(): Promise<void> {
  refresh.disabled = true;
  summary.textContent = 'Loading…';
  try {
    const page = await api().listBackups(settings.project);
    rows.replaceChildren(...page.backups.map(row));
    if (showsListFailure) message.hidden = true;
    const requestId = requests.lastRequestId();
    summary.textContent = `${page.backups.length} of ${page.count} backups${requestId === null ? '' : ` · request id ${requestId}`}`;
  } catch (error) {
    rows.replaceChildren();
    summary.textContent = 'No backups listed.';
    showFailure('Listing the backups failed', error);
    showsListFailure = true;
  } finally {
    refresh.disabled = false;
  }
}

/** Asks first (a modal dialog), then deletes; the list is loaded again after a delete. */
async function confirmDelete(backup: BackupDetail): Promise<void> {
  element('#confirm-name', HTMLElement).textContent = backup.name;
  element('#confirm-id', HTMLElement).textContent = backup.id;
  confirm.returnValue = '';
  confirm.showModal();
  await new Promise((resolve) => confirm.addEventListener('close', resolve, { once: true }));
  if (confirm.returnValue !== 'delete') return;
  try {
    const result = await api().deleteBackup(settings.project, backup.id);
    show('success', `Deleted ${backup.name}.`, result.requestId === null ? [] : [`request id ${result.requestId}`], {
      'error-code': undefined,
      'request-id': result.requestId ?? undefined,
    });
  } catch (error) {
    showFailure(`Deleting ${backup.name} failed`, error);
    return;
  }
  await loadBackups();
}

refresh.addEventListener('click', () => void loadBackups());
void loadBackups();
