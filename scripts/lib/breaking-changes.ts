// Breaking changes between a released openapi.yaml and a candidate, for check-breaking.ts.
//
// openapi-diff (Atlassian, OpenAPI 3 and Swagger 2) classifies paths, operations, response
// status codes, required response headers and request/response bodies (json-schema-diff:
// a response that may now hold more than before, or a request body that accepts less, is
// breaking). It does not look at parameters at all, nor at `enum` anywhere (its docs:
// docs/OPENAPI3.md, json-schema-diff KEYWORDS.md), so two rules of our own cover those:
// - parameters: removed, newly required, or accepting less (type, enum, bounds, lengths,
//   pattern, allowReserved);
// - enum values removed from any schema the operations use, requests or responses: a
//   removed error code or status is a promise withdrawn from the released contract.
import openapiDiff from 'openapi-diff';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { parse, stringify } from 'yaml';

export interface Change {
  breaking: boolean;
  /** Where in the spec: an operation and a parameter or response, or openapi-diff's location. */
  where: string;
  what: string;
  /** Which check found it. */
  by: string;
}

type Schema = OpenAPIV3.SchemaObject;
type Operation = { key: string; parameters: OpenAPIV3.ParameterObject[]; responses: Record<string, OpenAPIV3.ResponseObject> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

const DIFF_WORDS: Record<string, string> = {
  'path.add': 'path added',
  'path.remove': 'path removed',
  'method.add': 'operation added',
  'method.remove': 'operation removed',
  'response.status-code.add': 'response status added',
  'response.status-code.remove': 'response status removed',
  'response.required.header.add': 'required response header added',
  'response.required.header.remove': 'required response header removed',
  'response.optional.header.add': 'optional response header added',
  'response.optional.header.remove': 'optional response header removed',
  'response.body.scope.add': 'response body may now hold values it could not before (a new or changed field, a wider type, a required field made optional)',
  'response.body.scope.remove': 'response body holds fewer kinds of values than before',
  'request.body.scope.add': 'request body accepts more than before',
  'request.body.scope.remove': 'request body accepts less than before',
};

/**
 * The spec with every schema reference that leads back into itself (a backup's `children` are
 * backups) replaced by an open object. openapi-diff, and the walks below, need a finite tree;
 * what a recursive schema holds is compared down to its first repetition.
 */
export function withoutCycles(text: string): string {
  const spec = parse(text) as OpenAPIV3.Document;
  const schemas = (spec.components?.schemas ?? {}) as Record<string, unknown>;
  const prefix = '#/components/schemas/';
  const cut = (node: unknown, path: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => cut(item, path));
    if (typeof node !== 'object' || node === null) return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(prefix)) {
      const name = ref.slice(prefix.length);
      if (path.includes(name)) return { type: 'object', description: `recursive reference to ${name}` };
      return cut(schemas[name], [...path, name]);
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, cut(value, path)]));
  };
  // Each schema with what it references inlined, down to its first repetition.
  const finite = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, cut(schema, [name])]));
  return stringify({ ...spec, components: { ...spec.components, schemas: finite } });
}

async function openapiDiffChanges(baseText: string, candidateText: string): Promise<Change[]> {
  const outcome = await openapiDiff.diffSpecs({
    sourceSpec: { content: baseText, location: 'baseline', format: 'openapi3' },
    destinationSpec: { content: candidateText, location: 'candidate', format: 'openapi3' },
  });
  const breaking = outcome.breakingDifferencesFound ? outcome.breakingDifferences : [];
  const all = [...breaking, ...outcome.nonBreakingDifferences, ...outcome.unclassifiedDifferences];
  return all.map((d) => ({
    breaking: d.type === 'breaking',
    where: (d.sourceSpecEntityDetails[0] ?? d.destinationSpecEntityDetails[0])?.location ?? '(spec)',
    what: `${DIFF_WORDS[d.code] ?? d.code}${d.type === 'unclassified' ? ' (unclassified)' : ''}`,
    by: `openapi-diff ${d.code}`,
  }));
}

async function dereferenced(text: string): Promise<OpenAPIV3.Document> {
  return (await SwaggerParser.dereference(parse(text) as never)) as OpenAPIV3.Document;
}

function operations(spec: OpenAPIV3.Document): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [template, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (operation === undefined) continue;
      const parameters = [...(item?.parameters ?? []), ...(operation.parameters ?? [])] as OpenAPIV3.ParameterObject[];
      const key = `${method.toUpperCase()} ${template}`;
      found.set(key, { key, parameters, responses: operation.responses as Record<string, OpenAPIV3.ResponseObject> });
    }
  }
  return found;
}

/** How a parameter's candidate schema accepts less than the released one (empty: not at all). */
function narrowings(base: Schema, next: Schema): string[] {
  const found: string[] = [];
  if (base.type !== next.type && !(base.type === 'integer' && next.type === 'number')) found.push(`type changed from ${String(base.type ?? 'any')} to ${String(next.type ?? 'any')}`);
  if (next.enum !== undefined) {
    if (base.enum === undefined) found.push(`now limited to ${next.enum.map(String).join(', ')}`);
    else {
      const removed = base.enum.filter((v) => !next.enum!.includes(v));
      if (removed.length > 0) found.push(`enum values removed: ${removed.map(String).join(', ')}`);
    }
  }
  const raised = (name: 'minimum' | 'minLength' | 'minItems') => {
    if (next[name] !== undefined && (base[name] === undefined || next[name]! > base[name]!)) found.push(`${name} raised from ${String(base[name] ?? 'none')} to ${next[name]}`);
  };
  const lowered = (name: 'maximum' | 'maxLength' | 'maxItems') => {
    if (next[name] !== undefined && (base[name] === undefined || next[name]! < base[name]!)) found.push(`${name} lowered from ${String(base[name] ?? 'none')} to ${next[name]}`);
  };
  raised('minimum');
  raised('minLength');
  raised('minItems');
  lowered('maximum');
  lowered('maxLength');
  lowered('maxItems');
  // Whether one regular expression accepts less than another is not decidable here: any
  // new or changed pattern counts as narrowing, to be looked at and accepted deliberately.
  if (next.pattern !== undefined && next.pattern !== base.pattern) found.push(`pattern changed from ${base.pattern ?? 'none'} to ${next.pattern}`);
  if (next.format !== undefined && next.format !== base.format) found.push(`format changed from ${base.format ?? 'none'} to ${next.format}`);
  if (base.nullable === true && next.nullable !== true) found.push('no longer nullable');
  return found;
}

function parameterChanges(base: Operation, next: Operation): Change[] {
  const changes: Change[] = [];
  const key = (p: OpenAPIV3.ParameterObject) => `${p.in} ${p.name}`;
  const nextByKey = new Map(next.parameters.map((p) => [key(p), p]));
  const baseByKey = new Map(base.parameters.map((p) => [key(p), p]));
  for (const [k, p] of baseByKey) {
    const candidate = nextByKey.get(k);
    const where = `${base.key} ${p.in} parameter ${p.name}`;
    if (candidate === undefined) {
      changes.push({ breaking: true, where, what: 'parameter removed (callers that send it are refused: unknown parameters are invalid)', by: 'parameters' });
      continue;
    }
    if (candidate.required === true && p.required !== true) changes.push({ breaking: true, where, what: 'optional parameter made required', by: 'parameters' });
    for (const narrowing of narrowings((p.schema ?? {}) as Schema, (candidate.schema ?? {}) as Schema)) {
      changes.push({ breaking: true, where, what: `accepts less: ${narrowing}`, by: 'parameters' });
    }
    if (p.allowReserved === true && candidate.allowReserved !== true) changes.push({ breaking: true, where, what: 'accepts less: reserved characters must now be percent-encoded', by: 'parameters' });
  }
  for (const [k, p] of nextByKey) {
    if (baseByKey.has(k)) continue;
    const where = `${base.key} ${p.in} parameter ${p.name}`;
    changes.push(p.required === true ? { breaking: true, where, what: 'new required parameter', by: 'parameters' } : { breaking: false, where, what: 'new optional parameter', by: 'parameters' });
  }
  return changes;
}

/** Enum values removed (breaking) or added (noted) anywhere in two schemas walked side by side. */
function enumChanges(base: Schema | undefined, next: Schema | undefined, where: string, seen = new Set<Schema>()): Change[] {
  if (base === undefined || next === undefined || seen.has(base)) return [];
  seen.add(base);
  const changes: Change[] = [];
  if (base.enum !== undefined && next.enum !== undefined) {
    const removed = base.enum.filter((v) => !next.enum!.includes(v));
    const added = next.enum.filter((v) => !base.enum!.includes(v));
    if (removed.length > 0) changes.push({ breaking: true, where, what: `enum values removed: ${removed.map(String).join(', ')}`, by: 'enums' });
    if (added.length > 0) changes.push({ breaking: false, where, what: `enum values added: ${added.map(String).join(', ')} (clients that handle every value need a case for it)`, by: 'enums' });
  }
  for (const [name, property] of Object.entries(base.properties ?? {})) {
    changes.push(...enumChanges(property as Schema, next.properties?.[name] as Schema | undefined, `${where}.${name}`, seen));
  }
  if ('items' in base && 'items' in next) changes.push(...enumChanges(base.items as Schema, next.items as Schema, `${where}[]`, seen));
  for (const combiner of ['allOf', 'anyOf', 'oneOf'] as const) {
    (base[combiner] ?? []).forEach((part, index) => {
      changes.push(...enumChanges(part as Schema, next[combiner]?.[index] as Schema | undefined, where, seen));
    });
  }
  return changes;
}

function responseEnumChanges(base: Operation, next: Operation): Change[] {
  return Object.entries(base.responses).flatMap(([status, response]) => {
    const candidate = next.responses[status];
    const schema = (r: OpenAPIV3.ResponseObject | undefined) => r?.content?.['application/json']?.schema as Schema | undefined;
    return enumChanges(schema(response), schema(candidate), `${base.key} response ${status} body`);
  });
}

/** The same finding in many places (a shared schema) is reported once, with its count. */
function merged(changes: Change[]): Change[] {
  const byText = new Map<string, { change: Change; more: number }>();
  for (const change of changes) {
    const key = `${change.breaking} ${change.by} ${change.what}`;
    const entry = byText.get(key);
    if (entry === undefined) byText.set(key, { change, more: 0 });
    else entry.more += 1;
  }
  return [...byText.values()].map(({ change, more }) => (more === 0 ? change : { ...change, where: `${change.where} (and ${more} more)` }));
}

export async function findChanges(releasedText: string, nextText: string): Promise<Change[]> {
  const [baseText, candidateText] = [withoutCycles(releasedText), withoutCycles(nextText)];
  const fromDiff = await openapiDiffChanges(baseText, candidateText);
  const [base, candidate] = await Promise.all([dereferenced(baseText), dereferenced(candidateText)]);
  const nextOperations = operations(candidate);
  const ours: Change[] = [];
  for (const [key, operation] of operations(base)) {
    const next = nextOperations.get(key);
    if (next === undefined) continue; // a removed operation is openapi-diff's finding
    ours.push(...parameterChanges(operation, next));
    for (const parameter of operation.parameters) {
      const counterpart = next.parameters.find((p) => p.in === parameter.in && p.name === parameter.name);
      if (counterpart !== undefined) ours.push(...enumChanges(parameter.schema as Schema, counterpart.schema as Schema, `${key} ${parameter.in} parameter ${parameter.name}`).filter((c) => !c.breaking));
    }
    ours.push(...responseEnumChanges(operation, next));
  }
  return [...fromDiff, ...merged(ours)];
}

export function formatReport(changes: readonly Change[], baseLabel: string, candidateLabel: string): string {
  const breaking = changes.filter((c) => c.breaking);
  const other = changes.filter((c) => !c.breaking);
  const line = (mark: string, c: Change) => `  ${mark} ${c.where}\n      ${c.what}  [${c.by}]`;
  const lines = [`Comparing ${candidateLabel} with the released contract ${baseLabel}:`];
  if (breaking.length > 0) lines.push('', `Breaking changes (${breaking.length}):`, ...breaking.map((c) => line('✗', c)));
  if (other.length > 0) lines.push('', `Other changes (${other.length}), not breaking:`, ...other.map((c) => line('•', c)));
  lines.push(
    '',
    breaking.length > 0
      ? `FAIL: ${breaking.length} breaking change(s). Clients of the released contract would break; make the change additive, or release a new major version and refresh the baseline (README, "Contract verification").`
      : `OK: no breaking changes${other.length > 0 ? '' : ' (no differences at all)'}.`,
  );
  return lines.join('\n');
}
