import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '@/i18n/format';
import { AGE_TARGET_MS, ageLevel } from '@/lib/targets';

const STATUS_COLOR: Record<number, string> = {
  0: 'gray',
  1: 'cyan',
  2: 'yellow',
  14: 'teal',
  3: 'blue',
  15: 'indigo',
  4: 'violet',
  5: 'green',
  9: 'orange',
  16: 'red',
  11: 'pink',
  7: 'dark',
  12: 'grape',
  8: 'dark',
};

export function StatusBadge({ status }: { status: number }) {
  const fmt = useFormat();
  return (
    <Badge color={STATUS_COLOR[status] ?? 'gray'} variant="light" tt="none" data-status={status}>
      {fmt.status(status)}
    </Badge>
  );
}

const APPROVAL = {
  '-1': { key: 'rejected', color: 'red' },
  '0': { key: 'pending', color: 'orange' },
  '1': { key: 'approved', color: 'green' },
} as const;

export function ApprovalBadge({ value }: { value: number | null | undefined }) {
  const { t } = useTranslation();
  if (value === null || value === undefined) return null;
  const a = APPROVAL[String(value) as keyof typeof APPROVAL];
  if (!a) return null;
  return (
    <Badge color={a.color} variant="outline" tt="none" data-approval={a.key}>
      {t(`approval.${a.key}`)}
    </Badge>
  );
}

/** Time in the current state, amber past half the guide's target and red past it (Draft > 4 h…). */
export function AgeBadge({ status, since, now, title }: { status: number; since: string; now: number; title?: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const ms = now - new Date(since).getTime();
  const level = ageLevel(status, ms);
  const target = AGE_TARGET_MS[status];
  const badge = (
    <Badge
      variant={level === 'late' ? 'filled' : 'light'}
      color={level === 'late' ? 'red' : level === 'warn' ? 'yellow' : 'gray'}
      tt="none"
      data-age-level={level}
    >
      {fmt.age(ms)}
    </Badge>
  );
  const late = level === 'late' && target !== undefined ? t('age.overTarget', { target: fmt.age(target) }) : null;
  const label = [title, late].filter(Boolean).join(' · ');
  return label ? <Tooltip label={label}>{badge}</Tooltip> : badge;
}
