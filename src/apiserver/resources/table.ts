/**
 * Table output for `kubectl get`: converts objects with the resource's printer into a
 * meta.k8s.io/v1 Table, each row carrying the object's metadata or the whole object.
 */
import { DEFAULT_PRINTER } from '../../registry/printers/columns.js';
import type { KObject, Printer } from '../../registry/types.js';
import { Errors } from '../errors.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject') ?? 'Metadata';
  if (v !== 'None' && v !== 'Metadata' && v !== 'Object') {
    throw Errors.badRequest(
      `includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`,
    );
  }
  return v;
}

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'Object') return o;
  if (include === 'None') return undefined;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(
  objects: KObject[],
  printer: Printer | undefined,
  include: IncludeObject,
  listMeta: Record<string, unknown>,
  now: number,
): Record<string, unknown> {
  const p = printer ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: p.columns,
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: p.cells(o, now) };
      const obj = rowObject(o, include);
      if (obj !== undefined) row['object'] = obj;
      return row;
    }),
  };
}
