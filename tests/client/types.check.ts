// Compile-time tests of the client's types. Never run: `npm run typecheck` (tsc --noEmit over
// tests/) checks this file, and every `@ts-expect-error` below must mark a real type error,
// otherwise tsc fails with "Unused '@ts-expect-error' directive". So each case proves that
// the mistake it shows does not compile.
import { type ApiError, createBackupClient, type DeleteResult, type ErrorCode, type ListBackupsFilters } from '../../client/index.ts';

const client = createBackupClient({ baseUrl: 'http://127.0.0.1:8080', token: 'token' });

export function wrongPathParameters(): void {
  // @ts-expect-error a project id is a string, not a number
  void client.deleteBackup(605767, '3f6c1e2a-7d4b-4c1e-9a5f-000000000001');
  // @ts-expect-error a backup id is a string, not an object
  void client.showBackup('0605767d1e6f4c4a9c8ff3a0a6f27a21', { id: '3f6c1e2a-7d4b-4c1e-9a5f-000000000001' });
  // @ts-expect-error both path parameters are required
  void client.deleteBackup('0605767d1e6f4c4a9c8ff3a0a6f27a21');
  // Right: two strings.
  void client.deleteBackup('0605767d1e6f4c4a9c8ff3a0a6f27a21', '3f6c1e2a-7d4b-4c1e-9a5f-000000000001');
}

export function listFilters(): ListBackupsFilters {
  // @ts-expect-error status is one of the spec's BackupStatus values
  void client.listBackups('p', { status: 'gone' });
  // @ts-expect-error limit is a number
  void client.listBackups('p', { limit: '10' });
  // @ts-expect-error no such filter in the spec
  void client.listBackups('p', { colour: 'red' });
  // @ts-expect-error the iterator does its own paging: no marker
  void client.iterateBackups('p', { marker: '3f6c1e2a-7d4b-4c1e-9a5f-000000000001' });
  return { status: ['available'], resource_type: 'OS::Nova::Server', image_type: 'backup', limit: 10, sort: 'name:asc' };
}

export function unknownErrorCodes(error: ApiError): void {
  // @ts-expect-error not one of the spec's error codes
  const code: ErrorCode = 'CSBS.0000';
  void code;
  // @ts-expect-error comparing with a code the spec does not have
  if (error.errorCode === 'CSBS.0000') return;
  switch (error.errorCode) {
    // @ts-expect-error a case for a code the spec does not have
    case 'CSBS.4242':
      return;
    default:
      return;
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled ${String(value)}`);
}

/** Every code handled: `error.errorCode` is `never` in the default branch. */
export function exhaustiveSwitch(error: ApiError): string {
  switch (error.errorCode) {
    case '6201':
      return 'registered as an image';
    case 'CSBS.2003':
      return 'busy';
    case 'CSBS.3001':
      return 'no such backup';
    case 'CSBS.9001':
      return 'bad parameter';
    case 'APIGW.0301':
      return 'bad token';
    case 'APIGW.0302':
      return 'not allowed';
    case 'APIGW.0101':
      return 'no such API';
    case 'CSBS.9998':
      return 'service failed';
    default:
      return unreachable(error.errorCode);
  }
}

/** One code forgotten: the default branch does not compile. */
export function switchMissingACode(error: ApiError): string {
  switch (error.errorCode) {
    case '6201':
    case 'CSBS.2003':
    case 'CSBS.3001':
    case 'CSBS.9001':
    case 'APIGW.0301':
    case 'APIGW.0302':
    case 'APIGW.0101':
      return 'handled';
    default:
      // @ts-expect-error CSBS.9998 is not handled, so errorCode is not `never` here
      return unreachable(error.errorCode);
  }
}

export function deleteResults(result: DeleteResult): void {
  // @ts-expect-error notFound exists only when the outcome is gone-after-retry
  void result.notFound;
  if (result.outcome === 'gone-after-retry') void result.notFound.errorCode;
}

export function tokenOptions(): void {
  // @ts-expect-error a token or getToken, not both
  createBackupClient({ baseUrl: 'http://127.0.0.1:8080', token: 't', getToken: () => 't' });
  // @ts-expect-error a token or getToken is required
  createBackupClient({ baseUrl: 'http://127.0.0.1:8080' });
  createBackupClient({ baseUrl: 'http://127.0.0.1:8080', getToken: async () => 'fresh-token' });
}

export function accessKeyOptions(): void {
  const credentials = { accessKey: 'DEMOMEMBERAK0000000001', secretKey: 'demo-member-secret-key-0000000001' };
  // @ts-expect-error a token or an access key, not both
  createBackupClient({ baseUrl: 'http://127.0.0.1:8080', token: 't', credentials });
  // @ts-expect-error getToken or an access key, not both
  createBackupClient({ baseUrl: 'http://127.0.0.1:8080', getToken: () => 't', credentials });
  // @ts-expect-error the secret key is required
  createBackupClient({ baseUrl: 'http://127.0.0.1:8080', credentials: { accessKey: 'DEMOMEMBERAK0000000001' } });
  createBackupClient({ baseUrl: 'http://127.0.0.1:8080', credentials });
}
