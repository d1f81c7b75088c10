/** Column definitions shared by printers: name and age, as every kubectl table starts and ends. */
import type { KObject, Printer, TableColumn } from '../types.js';
import { age } from './age.js';

export const NAME_COLUMN: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

export const AGE_COLUMN: TableColumn = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
};

export function col(name: string, type: TableColumn['type'], description: string, priority = 0): TableColumn {
  return { name, type, description, priority };
}

/**
 * A printer with Name first, `middle` columns, then Age (and `wide` columns, shown only
 * with -o wide, after Age as upstream prints them).
 */
export function printer(
  middle: { column: TableColumn; cell: (o: KObject, now: number) => unknown }[],
  wide: { column: TableColumn; cell: (o: KObject, now: number) => unknown }[] = [],
): Printer {
  return {
    columns: [
      NAME_COLUMN,
      ...middle.map((m) => m.column),
      AGE_COLUMN,
      ...wide.map((w) => ({ ...w.column, priority: 1 })),
    ],
    cells: (o, now) => [
      o.metadata?.name ?? '',
      ...middle.map((m) => m.cell(o, now)),
      age(o.metadata?.creationTimestamp, now),
      ...wide.map((w) => w.cell(o, now)),
    ],
  };
}

export const DEFAULT_PRINTER: Printer = printer([]);

/** Reads a nested field (`spec.replicas`) from an object, or undefined. */
export function field(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const p of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export function num(o: unknown, path: string): number {
  const v = field(o, path);
  return typeof v === 'number' ? v : 0;
}
