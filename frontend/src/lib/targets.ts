import { DAY, HOUR } from '@/i18n/format';

/**
 * How long an order may sit in a status before the operator guide calls it late ("Metrics to track"):
 * Draft > 4 h must be 0, processing should finish within the same window, holds are escalated after
 * 3 days, back-orders after 7, return requests are decided within 3 days.
 */
export const AGE_TARGET_MS: Partial<Record<number, number>> = {
  0: 4 * HOUR,
  1: 4 * HOUR,
  9: 3 * DAY,
  11: 3 * DAY,
  16: 7 * DAY,
};

// Half the target: the row turns amber so the operator sees it coming.
const WARN_FRACTION = 0.5;

export type AgeLevel = 'ok' | 'warn' | 'late';

/** Draft/processing age from creation; hold/back-order/return age from the last change (when it entered the status). */
export function statusSince(status: number, createdAt: string, updatedAt: string): string {
  return status === 0 || status === 1 ? createdAt : updatedAt;
}

export function ageLevel(status: number, ageMs: number): AgeLevel {
  const target = AGE_TARGET_MS[status];
  if (target === undefined) return 'ok';
  if (ageMs > target) return 'late';
  if (ageMs > target * WARN_FRACTION) return 'warn';
  return 'ok';
}

export const AGE_FILTERS = { '1h': HOUR, '4h': 4 * HOUR, '24h': DAY, '3d': 3 * DAY, '7d': 7 * DAY } as const;
export type AgeFilter = keyof typeof AGE_FILTERS;
