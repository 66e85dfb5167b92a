// The typed client of the CBR backup API: `import { createBackupClient } from '@cbr-backup-api/client'`
// (the client package, client/package.json), or from 'cbr-backup-api/client' in this repository.
export {
  type AccessKeySource,
  type BackupClient,
  type BackupClientOptions,
  type ClientAuthentication,
  createBackupClient,
  type DeleteResult,
  type TokenSource,
} from './backup-client.ts';
export { ApiError, BackupClientError, NetworkError, UnexpectedResponseError } from './errors.ts';
export type { AccessKeyCredentials } from './signing.ts';
export { MAX_RETRIES, type RetryEvent, type RetryOptions } from './retry.ts';
export type { FetchFunction } from './transport.ts';
export type {
  BackupDetail,
  BackupId,
  BackupList,
  BackupStatus,
  ErrorBody,
  ErrorCode,
  IterateBackupsFilters,
  ListBackupsFilters,
  ProjectId,
} from './types.ts';
