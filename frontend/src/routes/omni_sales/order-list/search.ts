import { z } from 'zod';
import type { QueueFilters } from '@/hooks/api/orders';

/** The queue's filters live in the URL so a view can be bookmarked or sent to a colleague. */
export const queueSearch = z.object({
  status: z
    .string()
    .regex(/^\d{1,2}(,\d{1,2})*$/)
    .optional()
    .catch(undefined),
  approval: z.enum(['pending', 'approved', 'rejected', 'none']).optional().catch(undefined),
  channel: z.coerce.number().int().positive().optional().catch(undefined),
  source: z.string().max(50).optional().catch(undefined),
  age: z.enum(['1h', '4h', '24h', '3d', '7d']).optional().catch(undefined),
  q: z.string().max(100).optional().catch(undefined),
});

export type QueueSearch = z.infer<typeof queueSearch>;

/** The morning triage of the operator guide, one click each. */
export const QUICK_VIEWS = {
  triage: { status: '0,1' },
  approval: { approval: 'pending' },
  backorders: { status: '16' },
  holds: { status: '9', age: '3d' },
} as const satisfies Record<string, QueueFilters>;

export type QuickView = keyof typeof QUICK_VIEWS;

const FILTER_KEYS = ['status', 'approval', 'channel', 'source', 'age', 'q'] as const;

export function activeQuickView(search: QueueSearch): QuickView | null {
  for (const [name, view] of Object.entries(QUICK_VIEWS) as [QuickView, QueueFilters][]) {
    const same = FILTER_KEYS.every((k) => (search[k] ?? undefined) === (view[k] ?? undefined));
    if (same) return name;
  }
  return null;
}

export function statusList(status: string | undefined): number[] {
  return status ? status.split(',').map(Number) : [];
}
