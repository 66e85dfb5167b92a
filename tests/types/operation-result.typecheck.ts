// Compile-time contract: `npm run typecheck` fails if any line marked @ts-expect-error
// compiles, i.e. if a handler could answer a status or error code that openapi.yaml does
// not declare for its operation. (Checked by tsc, not run.)
import type { OperationResult } from '../../server/contract/types.ts';

type Delete = OperationResult<'deleteBackup'>;
type Show = OperationResult<'showBackup'>;

const body = { error_msg: 'm', request_id: 'r' };

export const declared: Delete[] = [
  { status: 204 },
  { status: 400, body: { ...body, error_code: '6201' } },
  { status: 400, body: { ...body, error_code: 'CSBS.2003' } },
  { status: 400, body: { ...body, error_code: 'CSBS.3001' } },
  { status: 400, body: { ...body, error_code: 'CSBS.9001' } },
  { status: 401, body: { ...body, error_code: 'APIGW.0301' } },
  { status: 403, body: { ...body, error_code: 'APIGW.0302' } },
  { status: 500, body: { ...body, error_code: 'CSBS.9998' } },
];

// @ts-expect-error 404 is not a status of deleteBackup (the spec reports a missing backup as 400 CSBS.3001)
export const undeclaredStatus: Delete = { status: 404, body: { ...body, error_code: 'CSBS.3001' } };

// @ts-expect-error 200 is not a status of deleteBackup
export const undeclaredSuccess: Delete = { status: 200 };

// @ts-expect-error APIGW.0302 belongs to 403, not to 400
export const codeOfAnotherStatus: Delete = { status: 400, body: { ...body, error_code: 'APIGW.0302' } };

// @ts-expect-error CSBS.4242 is no code of the contract
export const unknownCode: Delete = { status: 400, body: { ...body, error_code: 'CSBS.4242' } };

// @ts-expect-error 204 has no body
export const bodyOn204: Delete = { status: 204, body: { ...body, error_code: 'CSBS.3001' } };

// @ts-expect-error the envelope has no extra fields
export const extraField: Delete = { status: 400, body: { ...body, error_code: 'CSBS.3001', detail: 'x' } };

// @ts-expect-error showBackup reports a missing backup as 404, not 400
export const showMissingAs400: Show = { status: 400, body: { ...body, error_code: 'CSBS.3001' } };

// @ts-expect-error a 200 of showBackup carries the backup
export const showWithoutBackup: Show = { status: 200, body: {} };
