import { Alert, Badge, Button, Group, List, Modal, ScrollArea, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '@/components/states';
import type { Channel } from '@/hooks/api/channels';
import { SYNC_ERROR_TYPES, useBulkRetry, type SyncErrorType } from '@/hooks/api/syncLog';

interface Props {
  opened: boolean;
  onClose: () => void;
  channels: Channel[];
  /** Start from the page's filters: the operator usually just fixed the cause of what they are looking at. */
  errorType?: SyncErrorType;
  channelId?: number;
}

const IMPORTED = new Set(['created', 'updated', 'unchanged']);

/** Retry every open entry of one error type (optionally one channel), then list what became of each: imports
 * run at once, status pushes and pulls are queued for the worker. */
export function BulkRetry({ opened, onClose, channels, errorType, channelId }: Props) {
  const { t } = useTranslation();
  const [type, setType] = useState<SyncErrorType>(errorType ?? 'missing_sku');
  const [channel, setChannel] = useState<number | undefined>(channelId);
  const bulk = useBulkRetry();
  const close = () => {
    if (bulk.isPending) return;
    bulk.reset();
    onClose();
  };
  const result = bulk.data;
  return (
    <Modal opened={opened} onClose={close} title={t('syncLog.bulk.title')} size="lg">
      {result ? (
        <Stack gap="sm">
          <Text size="sm" fw={500} data-testid="bulk-retry-summary">
            {result.retried === 0
              ? t('syncLog.bulk.nothing')
              : t('syncLog.bulk.summary', { succeeded: result.succeeded, retried: result.retried })}
            {result.queued > 0 && ` · ${t('syncLog.bulk.queuedSummary', { count: result.queued })}`}
          </Text>
          <ScrollArea.Autosize mah={360}>
            <List spacing={4} listStyleType="none" data-testid="bulk-retry-results">
              {result.items.map((r) => {
                const ok = IMPORTED.has(r.result);
                const queued = r.result === 'queued';
                return (
                  <List.Item key={r.entry.id} data-entry-id={r.entry.id} data-ok={ok} data-queued={queued}>
                    <Group gap="xs" wrap="nowrap" align="flex-start">
                      <Badge color={ok ? 'green' : queued ? 'blue' : 'red'} variant="light" miw={90}>
                        {ok ? t('syncLog.bulk.imported') : queued ? t('syncLog.bulk.queued') : t('syncLog.bulk.failed')}
                      </Badge>
                      <Text size="sm" fw={600} miw={90}>
                        {r.entry.external_ref}
                      </Text>
                      <Text size="sm">{ok || queued ? r.entry.channel_name : (r.detail ?? r.result)}</Text>
                    </Group>
                  </List.Item>
                );
              })}
            </List>
          </ScrollArea.Autosize>
          <Group justify="flex-end">
            <Button onClick={close}>{t('app.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Alert color="blue" p="xs">
            <Text size="sm">{t('syncLog.bulk.hint')}</Text>
          </Alert>
          <Select
            label={t('syncLog.bulk.errorType')}
            data={SYNC_ERROR_TYPES.map((e) => ({ value: e, label: t(`syncLog.errorType.${e}`) }))}
            value={type}
            onChange={(v) => v && setType(v as SyncErrorType)}
            allowDeselect={false}
          />
          <Select
            label={t('syncLog.bulk.channel')}
            data={channels.map((c) => ({ value: String(c.id), label: c.name }))}
            value={channel ? String(channel) : null}
            onChange={(v) => setChannel(v ? Number(v) : undefined)}
            clearable
            placeholder={t('app.all')}
          />
          {bulk.isError && <FormError error={bulk.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={bulk.isPending}>
              {t('app.cancel')}
            </Button>
            <Button loading={bulk.isPending} onClick={() => bulk.mutate({ error_type: type, channel_id: channel })}>
              {t('syncLog.bulk.run')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
