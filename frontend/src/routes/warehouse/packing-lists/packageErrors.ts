import { ApiError } from '@/api/client';
import { DIMENSIONS, type Dimension } from '@/hooks/api/packingLists';

const FIELD = /^packages\[(\d+)\]\.(\w+)$/;

/** `packages[1].weight_kg` -> package 1 (0-based), weight_kg; any other field name -> null. */
export function packageField(field: string): { index: number; name: Dimension } | null {
  const m = FIELD.exec(field);
  if (!m || !(DIMENSIONS as readonly string[]).includes(m[2])) return null;
  return { index: Number(m[1]), name: m[2] as Dimension };
}

/** The 422's per-package errors by "<index>.<field>", and what is left for a line under the editor. */
export function splitPackageErrors(err: unknown): { fields: Record<string, string>; rest: string[] } {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  if (!(err instanceof ApiError)) return { fields, rest };
  for (const e of err.problem.errors ?? []) {
    const at = packageField(e.field);
    if (at) fields[`${at.index}.${at.name}`] = e.message;
    else rest.push(e.field === 'packages' || e.field === 'body' ? e.message : `${e.field}: ${e.message}`);
  }
  return { fields, rest };
}

/** Missing dimensions of an AWB refusal, grouped per package (1-based for the operator), in package order. */
export function missingByPackage(err: unknown): { pkg: number; fields: Dimension[] }[] {
  if (!(err instanceof ApiError)) return [];
  const per = new Map<number, Dimension[]>();
  for (const e of err.problem.errors ?? []) {
    const at = packageField(e.field);
    if (!at) continue;
    per.set(at.index, [...(per.get(at.index) ?? []), at.name]);
  }
  return [...per]
    .sort(([a], [b]) => a - b)
    .map(([index, fields]) => ({ pkg: index + 1, fields: DIMENSIONS.filter((d) => fields.includes(d)) }));
}
