import { Button, Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Channel } from '@/hooks/api/channels';
import { SYNC_ERROR_TYPES } from '@/hooks/api/syncLog';
import type { SyncSearch } from '../search';

interface Props {
  search: SyncSearch;
  channels: Channel[];
  onChange: (patch: Partial<SyncSearch>) => void;
}

/** Channel, status, error type and direction; every change goes to the URL. */
export function SyncFilters({ search, channels, onChange }: Props) {
  const { t } = useTranslation();
  const any = search.channel !== undefined || search.status || search.error_type || search.direction;
  return (
    <>
      <Select
        label={t('syncLog.filters.channel')}
        data={channels.map((c) => ({ value: String(c.id), label: c.name }))}
        value={search.channel ? String(search.channel) : null}
        onChange={(v) => onChange({ channel: v ? Number(v) : undefined })}
        clearable
        searchable
        w={170}
        placeholder={t('app.all')}
      />
      <Select
        label={t('syncLog.filters.status')}
        data={(['open', 'resolved', 'ignored'] as const).map((s) => ({ value: s, label: t(`syncLog.status.${s}`) }))}
        value={search.status ?? null}
        onChange={(v) => onChange({ status: (v as SyncSearch['status']) ?? undefined })}
        clearable
        w={130}
        placeholder={t('app.all')}
      />
      <Select
        label={t('syncLog.filters.errorType')}
        data={SYNC_ERROR_TYPES.map((e) => ({ value: e, label: t(`syncLog.errorType.${e}`) }))}
        value={search.error_type ?? null}
        onChange={(v) => onChange({ error_type: (v as SyncSearch['error_type']) ?? undefined })}
        clearable
        w={200}
        placeholder={t('app.all')}
      />
      <Select
        label={t('syncLog.filters.direction')}
        data={(['import', 'export'] as const).map((d) => ({ value: d, label: t(`syncLog.direction.${d}`) }))}
        value={search.direction ?? null}
        onChange={(v) => onChange({ direction: (v as SyncSearch['direction']) ?? undefined })}
        clearable
        w={120}
        placeholder={t('app.all')}
      />
      {any && (
        <Button
          variant="subtle"
          onClick={() => onChange({ channel: undefined, status: undefined, error_type: undefined, direction: undefined })}
        >
          {t('syncLog.filters.clear')}
        </Button>
      )}
    </>
  );
}
