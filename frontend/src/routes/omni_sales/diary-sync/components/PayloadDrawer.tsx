import { Code, Drawer, Group, ScrollArea, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AnchorLink } from '@/components/links';
import { ErrorState, LoadingState } from '@/components/states';
import { useSyncEntry, type SyncEntryDetail } from '@/hooks/api/syncLog';
import { useFormat } from '@/i18n/format';
import { ErrorTypeBadge, SyncStatusBadge } from './badges';

interface Props {
  id: number | undefined;
  onClose: () => void;
  /** The row's action buttons, so the operator can act right after reading the payload. */
  actions?: (entry: SyncEntryDetail) => ReactNode;
}

/** One entry with the shop's order JSON exactly as it was stored, pretty-printed. */
export function PayloadDrawer({ id, onClose, actions }: Props) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const entry = useSyncEntry(id);
  const e = entry.data;
  return (
    <Drawer
      opened={id !== undefined}
      onClose={onClose}
      position="right"
      size="xl"
      title={e ? t('syncLog.payload.title', { ref: e.external_ref }) : ''}
    >
      {entry.isError ? (
        <ErrorState error={entry.error} onRetry={() => void entry.refetch()} />
      ) : entry.isPending || !e ? (
        <LoadingState />
      ) : (
        <Stack gap="sm">
          <Group gap="xs">
            <ErrorTypeBadge type={e.error_type} />
            <SyncStatusBadge status={e.status} />
            <Text size="sm">{e.channel_name}</Text>
            <Text size="sm" c="dimmed">
              {t(`syncLog.direction.${e.direction}`)}
            </Text>
          </Group>
          <SimpleGrid cols={2} spacing={4}>
            <Text size="sm" c="dimmed">{t('syncLog.cols.attempts')}</Text>
            <Text size="sm">{e.attempts}</Text>
            <Text size="sm" c="dimmed">{t('syncLog.cols.firstSeen')}</Text>
            <Text size="sm">{fmt.dateTime(e.first_seen_at)}</Text>
            <Text size="sm" c="dimmed">{t('syncLog.cols.lastSeen')}</Text>
            <Text size="sm">{fmt.dateTime(e.last_seen_at)}</Text>
            {e.resolved_by && (
              <>
                <Text size="sm" c="dimmed">{t('syncLog.payload.resolvedBy')}</Text>
                <Text size="sm">{`${e.resolved_by} · ${fmt.dateTime(e.resolved_at)}`}</Text>
              </>
            )}
            {e.order_id !== null && (
              <>
                <Text size="sm" c="dimmed">{t('syncLog.payload.order')}</Text>
                <AnchorLink size="sm" to="/omni_sales/orders/$orderId" params={{ orderId: e.order_id }}>
                  #{e.order_id}
                </AnchorLink>
              </>
            )}
          </SimpleGrid>
          <Text size="sm" fw={500}>{t('syncLog.payload.message')}</Text>
          <Text size="sm" data-testid="payload-message">{e.message}</Text>
          {actions?.(e)}
          <Text size="sm" fw={500}>{t('syncLog.payload.payload')}</Text>
          {e.payload === null || e.payload === undefined ? (
            <Text size="sm" c="dimmed">{t('syncLog.payload.none')}</Text>
          ) : (
            <ScrollArea.Autosize mah="60vh">
              <Code block data-testid="payload-json">
                {JSON.stringify(e.payload, null, 2)}
              </Code>
            </ScrollArea.Autosize>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
