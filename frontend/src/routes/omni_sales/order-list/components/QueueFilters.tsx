import { Button, Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '@/hooks/api/channels';
import type { QueueSearch } from '../search';

export const STATUS_CODES = [0, 1, 2, 14, 3, 15, 4, 5, 9, 16, 11, 7, 12, 8] as const;
export const SOURCES = ['woocommerce', 'shopify', 'b2b_portal', 'sales', 'edi', 'api', 'manual', 'pos', 'preorder'];
const AGES = ['1h', '4h', '24h', '3d', '7d'] as const;

interface Props {
  search: QueueSearch;
  channels: Channel[];
  onChange: (patch: Partial<QueueSearch>) => void;
  onClear: () => void;
}

/** Filters of the unified queue; every change goes to the URL through onChange. */
export function QueueFilters({ search, channels, onChange, onClear }: Props) {
  const { t } = useTranslation();
  const [q, setQ] = useState(search.q ?? '');

  // Keep the box in step when the URL changes under it (quick view, back button).
  useEffect(() => setQ(search.q ?? ''), [search.q]);

  // Typing settles for a moment before it becomes a filter: one request per word, not per key.
  useEffect(() => {
    const value = q.trim() || undefined;
    if (value === (search.q ?? undefined)) return;
    const timer = window.setTimeout(() => onChange({ q: value }), 350);
    return () => window.clearTimeout(timer);
  }, [q, search.q, onChange]);

  const statuses = search.status ? search.status.split(',') : [];
  const any = Object.values(search).some((v) => v !== undefined && v !== '');

  return (
    <Group gap="xs" align="flex-end" wrap="wrap">
      <MultiSelect
        label={t('queue.filters.status')}
        data={STATUS_CODES.map((c) => ({ value: String(c), label: t(`status.${c}`) }))}
        value={statuses}
        onChange={(v) => onChange({ status: v.length ? v.join(',') : undefined })}
        clearable
        w={220}
        placeholder={t('app.all')}
      />
      <Select
        label={t('queue.filters.approval')}
        data={(['pending', 'approved', 'rejected', 'none'] as const).map((a) => ({
          value: a,
          label: t(`approval.${a}`),
        }))}
        value={search.approval ?? null}
        onChange={(v) => onChange({ approval: (v as QueueSearch['approval']) ?? undefined })}
        clearable
        w={150}
        placeholder={t('app.all')}
      />
      <Select
        label={t('queue.filters.channel')}
        data={channels.map((c) => ({ value: String(c.id), label: c.name }))}
        value={search.channel ? String(search.channel) : null}
        onChange={(v) => onChange({ channel: v ? Number(v) : undefined })}
        clearable
        searchable
        w={160}
        placeholder={t('app.all')}
      />
      <Select
        label={t('queue.filters.source')}
        data={SOURCES.map((s) => ({ value: s, label: t(`source.${s}`) }))}
        value={search.source ?? null}
        onChange={(v) => onChange({ source: v ?? undefined })}
        clearable
        w={130}
        placeholder={t('app.all')}
      />
      <Select
        label={t('queue.filters.age')}
        data={AGES.map((a) => ({ value: a, label: t(`age.${a}`) }))}
        value={search.age ?? null}
        onChange={(v) => onChange({ age: (v as QueueSearch['age']) ?? undefined })}
        clearable
        w={150}
        placeholder={t('age.any')}
      />
      <TextInput
        label={t('app.search')}
        placeholder={t('queue.filters.q')}
        aria-label={t('queue.filters.q')}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onChange({ q: q.trim() || undefined });
        }}
        w={210}
      />
      {any && (
        <Button variant="subtle" onClick={onClear}>
          {t('queue.filters.clear')}
        </Button>
      )}
    </Group>
  );
}
