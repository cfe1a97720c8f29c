import { useNavigate, type NavigateOptions, type RegisteredRouter } from '@tanstack/react-router';
import { useCallback } from 'react';

/** The search params of any route of the console (every key optional): what `to: '.'` navigates with. */
type SearchParams = NonNullable<Exclude<NavigateOptions<RegisteredRouter, string, '.'>['search'], true | ((...a: never[]) => unknown)>>;

/**
 * Change some of the current page's search params (filters, the open dialog) and keep the rest: list
 * screens keep their state in the URL so a view can be bookmarked or shared.
 */
export function useSearchPatch<S extends SearchParams>(): (patch: Partial<S>) => void {
  const navigate = useNavigate();
  return useCallback((patch: Partial<S>) => void navigate({ to: '.', search: (prev) => ({ ...prev, ...patch }) }), [navigate]);
}

/** The rows of a keyset-paginated (infinite) query, page after page. */
export function flatPages<T>(data: { pages: { items: T[] }[] } | undefined): T[] {
  return data?.pages.flatMap((p) => p.items) ?? [];
}

/**
 * Which dialog ?edit= asks for: `new`, or a row of the loaded list. An id not (or not yet) loaded opens
 * nothing rather than an empty form that would create a duplicate.
 */
export function editTarget<T extends { id: number }>(
  edit: 'new' | number | undefined,
  items: readonly T[],
): { open: boolean; item: T | null } {
  if (edit === 'new') return { open: true, item: null };
  const item = edit === undefined ? undefined : items.find((x) => x.id === edit);
  return { open: item !== undefined, item: item ?? null };
}
