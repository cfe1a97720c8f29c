import { ApiError } from '@/api/client';

/** `settings.approval_rules[0].min_total` -> `settings.approval_rules.0.min_total` (Mantine form paths). */
export function formPath(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

function hasPath(values: unknown, path: string): boolean {
  let node: unknown = values;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

/**
 * The problem's per-field errors that name an input of the form, keyed by form path. `toPath` maps the
 * API's field name onto the form's shape when they differ (a nested body, renamed inputs); null skips it.
 */
export function problemFieldErrors(
  err: unknown,
  values: unknown,
  toPath: (field: string) => string | null = formPath,
): { errors: Record<string, string>; shown: Set<string> } {
  const errors: Record<string, string> = {};
  const shown = new Set<string>();
  if (!(err instanceof ApiError)) return { errors, shown };
  for (const e of err.problem.errors ?? []) {
    const path = toPath(e.field);
    if (path === null || !hasPath(values, path) || path in errors) continue;
    errors[path] = e.message;
    shown.add(e.field);
  }
  return { errors, shown };
}
