import { describe, expect, it } from 'vitest';
import en from './en';
import { ageParts, formatDate, formatMoney, formatQuantity } from './format';
import ro from './ro';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('translations', () => {
  it('Romanian has every English key and no other', () => {
    expect(keys(ro).sort()).toEqual(keys(en).sort());
  });
});

describe('formats', () => {
  it('writes RON amounts the Romanian way in Romanian and the English way in English', () => {
    expect(formatMoney('1249.90', 'RON', 'ro').replace(/\s/g, ' ')).toBe('1.249,90 RON');
    expect(formatMoney('1249.90', 'RON', 'en').replace(/\s/g, ' ')).toBe('RON 1,249.90');
    expect(formatMoney(null, 'RON', 'ro')).toBe('—');
  });

  it('keeps quantities decimal and dates day-first', () => {
    expect(formatQuantity('2.500', 'ro')).toBe('2,5');
    expect(formatDate('2026-12-01', 'ro')).toMatch(/1 dec\.? 2026/);
  });

  it('splits an age into the unit the operator reads', () => {
    expect(ageParts(35 * 60_000)).toMatchObject({ unit: 'm', m: 35 });
    expect(ageParts(5 * 3600_000 + 12 * 60_000)).toMatchObject({ unit: 'h', h: 5, m: 12 });
    expect(ageParts(3 * 86_400_000 + 4 * 3600_000)).toMatchObject({ unit: 'd', d: 3, h: 4 });
  });
});
