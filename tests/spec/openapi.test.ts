// The contract itself: valid OpenAPI, and a named example for every error code whose body
// validates against the schema of the response it belongs to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import { SPEC_FILE, loadSpec } from '../../server/contract/spec.ts';

const spec = loadSpec();
// A recursive reference (a backup's children are backups) stays a $ref, resolved by Ajv from the spec's components.
const dereferenced = (await SwaggerParser.dereference(structuredClone(spec) as never, { dereference: { circular: 'ignore' } })) as OpenAPIV3.Document;
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema({ components: spec.components }, 'spec');

/** A dereferenced schema, with the references left in it pointed at the spec's components. */
const compile = (schema: unknown) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"spec#/components/')) as object);

/** Every error code the contract lists, and the statuses it may come with. */
const CATALOGUE: Record<string, number[]> = {
  '6201': [400],
  'CSBS.2003': [400],
  'CSBS.3001': [400, 404],
  'CSBS.9001': [400],
  'APIGW.0301': [401],
  'APIGW.0302': [403],
  'CSBS.9998': [500],
};

interface ExampleUse {
  operationId: string;
  status: number;
  name: string;
  value: any;
  schema: OpenAPIV3.SchemaObject;
}

function exampleUses(): ExampleUse[] {
  const uses: ExampleUse[] = [];
  for (const pathItem of Object.values(dereferenced.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem?.[method];
      if (operation === undefined) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        const media = (response as OpenAPIV3.ResponseObject).content?.['application/json'];
        for (const [name, example] of Object.entries(media?.examples ?? {})) {
          uses.push({
            operationId: operation.operationId!,
            status: Number(status),
            name,
            value: (example as OpenAPIV3.ExampleObject).value,
            schema: media!.schema as OpenAPIV3.SchemaObject,
          });
        }
      }
    }
  }
  return uses;
}

describe('openapi.yaml', () => {
  it('is valid OpenAPI 3.0.3', async () => {
    assert.equal(spec.openapi, '3.0.3');
    await SwaggerParser.validate(SPEC_FILE.pathname);
  });

  it('defines deleteBackup on DELETE /v3/{project_id}/backups/{backup_id}, secured by X-Auth-Token or an AK/SK signature', () => {
    const operation = dereferenced.paths['/v3/{project_id}/backups/{backup_id}']?.delete;
    assert.equal(operation?.operationId, 'deleteBackup');
    assert.deepEqual(Object.keys(operation!.responses).sort(), ['204', '400', '401', '403', '500']);
    assert.deepEqual(spec.security, [{ IamToken: [] }, { AkSkSignature: [] }]);
    assert.equal((spec.components?.securitySchemes?.AkSkSignature as OpenAPIV3.ApiKeySecurityScheme).name, 'Authorization');
    assert.deepEqual(spec.components?.securitySchemes?.IamToken, {
      type: 'apiKey',
      in: 'header',
      name: 'X-Auth-Token',
      description: (spec.components?.securitySchemes?.IamToken as OpenAPIV3.ApiKeySecurityScheme).description,
    });
  });

  it('lists exactly the catalogue of error codes, and 404 APIGW.0101 for unknown paths', () => {
    const codes = (spec.components?.schemas?.ErrorCode as OpenAPIV3.SchemaObject).enum;
    assert.deepEqual([...(codes ?? [])].sort(), [...Object.keys(CATALOGUE), 'APIGW.0101'].sort());
  });

  it('has a named example for every error code of every operation that can return it', () => {
    const uses = exampleUses();
    for (const operationId of ['deleteBackup', 'showBackup', 'listBackups']) {
      const declared = uses.filter((u) => u.operationId === operationId && u.status >= 400);
      for (const status of new Set(declared.map((u) => u.status))) {
        const schema = declared.find((u) => u.status === status)!.schema;
        const allowed = (schema.allOf?.[1] as OpenAPIV3.SchemaObject).properties!.error_code as OpenAPIV3.SchemaObject;
        const exampled = new Set(declared.filter((u) => u.status === status).map((u) => u.value.error_code));
        assert.deepEqual([...exampled].sort(), [...(allowed.enum ?? [])].sort(), `${operationId} ${status}: every code has an example`);
      }
    }
    const deleteCodes = new Set(uses.filter((u) => u.operationId === 'deleteBackup').map((u) => u.value.error_code));
    assert.deepEqual([...deleteCodes].sort(), Object.keys(CATALOGUE).sort(), 'deleteBackup has an example for every code');
  });

  it("validates every example against its response's schema, with codes that match their status", () => {
    const uses = exampleUses();
    assert.ok(uses.length >= 10);
    for (const use of uses) {
      const validate = compile(use.schema);
      assert.ok(validate(use.value), `${use.operationId} ${use.status} ${use.name}: ${ajv.errorsText(validate.errors)}`);
      const code = (use.value as { error_code?: string }).error_code;
      if (use.status >= 400) {
        assert.ok(code !== undefined && CATALOGUE[code]?.includes(use.status), `${use.name}: ${code} is not a ${use.status} code`);
      }
    }
  });

  it('rejects an example whose code belongs to another status (the per-status enums bite)', () => {
    const forbidden = dereferenced.paths['/v3/{project_id}/backups/{backup_id}']!.delete!.responses['403'] as OpenAPIV3.ResponseObject;
    const validate = compile(forbidden.content!['application/json']!.schema!);
    assert.equal(validate({ error_code: 'CSBS.3001', error_msg: 'x', request_id: 'abc' }), false);
    assert.equal(validate({ error_code: 'APIGW.0302', error_msg: 'x', request_id: 'abc', extra: 1 }), false);
  });

  it('documents X-Request-Id on every response', () => {
    for (const [path, pathItem] of Object.entries(dereferenced.paths)) {
      for (const method of ['get', 'delete'] as const) {
        for (const [status, response] of Object.entries(pathItem?.[method]?.responses ?? {})) {
          assert.ok((response as OpenAPIV3.ResponseObject).headers?.['X-Request-Id'], `${method} ${path} ${status}`);
        }
      }
    }
  });
});
