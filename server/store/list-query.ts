// The SQL of listBackups, built once for both stores: filters, a total order, and keyset
// paging after a marker. Placeholders are `?`; a store whose driver numbers them converts.
import type { ListBackupsQuery } from '../contract/types.ts';

export interface SqlDialect {
  /** A case-sensitive "column contains the parameter" test. */
  contains(column: string): string;
}

export interface Sql {
  text: string;
  params: unknown[];
}

type SortField = 'created_at' | 'updated_at' | 'expired_at' | 'name' | 'resource_size' | 'status';

export interface SortOrder {
  field: SortField;
  direction: 'asc' | 'desc';
  /** The expression sorted on; nullable columns sort as their lowest value so keyset comparisons work. */
  expression: string;
}

export function sortOrder(sort: string | undefined): SortOrder {
  // The validator has already matched `sort` against the spec's pattern.
  const [field = 'created_at', direction = 'desc'] = (sort ?? 'created_at:desc').split(':') as [SortField, 'asc' | 'desc'];
  const expression = field === 'expired_at' ? "COALESCE(expired_at, '')" : field;
  return { field, direction, expression };
}

/** WHERE conditions of the filters (everything but paging). */
export function filterSql(dialect: SqlDialect, projectId: string, query: ListBackupsQuery): Sql {
  const conditions = ['project_id = ?'];
  const params: unknown[] = [projectId];
  const equal = { status: query.status, resource_id: query.resource_id, resource_type: query.resource_type, vault_id: query.vault_id, image_type: query.image_type };
  for (const [column, value] of Object.entries(equal)) {
    if (value === undefined) continue;
    conditions.push(`${column} = ?`);
    params.push(value);
  }
  if (query.name !== undefined) {
    conditions.push(dialect.contains('name'));
    params.push(query.name);
  }
  return { text: conditions.join(' AND '), params };
}

/**
 * One page. `after` is the marker's sort value and id: the page starts strictly after it
 * in the total order (sort expression, then id), which holds even when the marker itself
 * has been deleted since.
 */
export function pageSql(
  dialect: SqlDialect,
  columns: string,
  projectId: string,
  query: ListBackupsQuery,
  after: { sortValue: unknown; id: string } | undefined,
): Sql {
  const order = sortOrder(query.sort);
  const filters = filterSql(dialect, projectId, query);
  const params = [...filters.params];
  let where = filters.text;
  if (after !== undefined) {
    const comparison = order.direction === 'desc' ? '<' : '>';
    where += ` AND (${order.expression}, id) ${comparison} (?, ?)`;
    params.push(after.sortValue, after.id);
  }
  const limit = query.limit ?? 1000;
  const offset = after === undefined ? (query.offset ?? 0) : 0;
  params.push(limit, offset);
  return {
    text: `SELECT ${columns} FROM backups WHERE ${where} ORDER BY ${order.expression} ${order.direction}, id ${order.direction} LIMIT ? OFFSET ?`,
    params,
  };
}

/** The marker's position in the sort order, from a backup's stored fields. */
export function sortValueOf(order: SortOrder, backup: Record<string, unknown>): unknown {
  const value = backup[order.field];
  return order.field === 'expired_at' ? (value ?? '') : value;
}
