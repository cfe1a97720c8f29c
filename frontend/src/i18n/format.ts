import { useTranslation } from 'react-i18next';

/** BCP 47 tag for Intl: Romanian uses ro-RO (1.234,56 lei, 26.11.2026); English uses en-GB (day first, like the team). */
export function localeTag(lng: string): string {
  return lng === 'ro' ? 'ro-RO' : 'en-GB';
}

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(tag: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = tag + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(tag, opts);
    cache.set(key, f);
  }
  return f;
}

/** Money arrives as a decimal string ("1249.90"); shown with the currency of the order. */
export function formatMoney(amount: string | number | null | undefined, currency: string, lng: string): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  return numberFormat(localeTag(lng), { style: 'currency', currency, minimumFractionDigits: 2 }).format(n);
}

export function formatQuantity(q: string | number, lng: string): string {
  const n = typeof q === 'number' ? q : Number(q);
  if (!Number.isFinite(n)) return String(q);
  return numberFormat(localeTag(lng), { maximumFractionDigits: 3 }).format(n);
}

export function formatPercent(rate: string | number, lng: string): string {
  const n = typeof rate === 'number' ? rate : Number(rate);
  if (!Number.isFinite(n)) return String(rate);
  return numberFormat(localeTag(lng), { maximumFractionDigits: 2 }).format(n);
}

export function formatDateTime(iso: string | null | undefined, lng: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return new Intl.DateTimeFormat(localeTag(lng), { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

export function formatDate(iso: string | null | undefined, lng: string): string {
  if (!iso) return '—';
  // A bare date ("2026-12-01") is a calendar day, not an instant: format it without a time zone shift.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso);
  return new Intl.DateTimeFormat(localeTag(lng), { dateStyle: 'medium' }).format(d);
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Age as the operator reads it: "35 min", "5 h 12 min", "3 d 4 h". */
export function ageParts(ms: number): { unit: 'm' | 'h' | 'd'; n: number; d: number; h: number; m: number } {
  const total = Math.max(0, ms);
  const d = Math.floor(total / DAY);
  const h = Math.floor((total % DAY) / HOUR);
  const m = Math.floor((total % HOUR) / MINUTE);
  if (d > 0) return { unit: 'd', n: d, d, h, m };
  if (h > 0) return { unit: 'h', n: h, d, h, m };
  return { unit: 'm', n: m, d, h, m };
}

/** Hooks the formatters to the current UI language. */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return {
    lng,
    money: (amount: string | number | null | undefined, currency: string) => formatMoney(amount, currency, lng),
    quantity: (q: string | number) => formatQuantity(q, lng),
    percent: (r: string | number) => formatPercent(r, lng),
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, lng),
    date: (iso: string | null | undefined) => formatDate(iso, lng),
    age: (ms: number) => {
      const p = ageParts(ms);
      return t(`age.short.${p.unit}`, { n: p.m, d: p.d, h: p.h, m: p.m });
    },
    status: (code: number) => t(`status.${code}`, { defaultValue: String(code) }),
  };
}
