import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { AnchorLink } from '@/components/links';
import { flatPages, ListPage, useSearchPatch } from '@/components/list-page';
import { useChannels } from '@/hooks/api/channels';
import { useSyncAction, useSyncLog, type SyncAction, type SyncEntry } from '@/hooks/api/syncLog';
import { useFormat } from '@/i18n/format';
import { ActionOutcome, type Outcome } from './components/ActionOutcome';
import { ErrorTypeBadge, SyncStatusBadge } from './components/badges';
import { BulkRetry } from './components/BulkRetry';
import { PayloadDrawer } from './components/PayloadDrawer';
import { SyncFilters } from './components/SyncFilters';
import type { SyncSearch } from './search';

const route = getRouteApi('/app/omni_sales/diary_sync');

/** The guide's diary_sync: every import (and export) failure, its payload, and retry / resolve / ignore. */
export function DiarySyncPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const set = useSearchPatch<SyncSearch>();
  const user = useSessionUser();
  const canAct = hasRole(user, 'operator', 'admin');
  const channels = useChannels();
  const filters = { channel: search.channel, status: search.status, error_type: search.error_type, direction: search.direction };
  const log = useSyncLog(filters);
  const items = flatPages(log.data);
  const action = useSyncAction();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [bulkOpen, setBulkOpen] = useState(false);

  const run = (entry: Pick<SyncEntry, 'id' | 'external_ref'>, what: SyncAction) => {
    setOutcome(null);
    action.mutate(
      { id: entry.id, action: what },
      {
        onSuccess: (done) => setOutcome({ ref: entry.external_ref, done }),
        onError: (error) => setOutcome({ ref: entry.external_ref, error }),
      },
    );
  };

  const busy = (id: number, what: SyncAction) =>
    action.isPending && action.variables?.id === id && action.variables.action === what;

  type Row = Pick<SyncEntry, 'id' | 'external_ref' | 'status' | 'direction' | 'channel_id' | 'error_type' | 'retry_queued_at'>;

  /** An unmapped payment method is fixed in the channel's payment mappings: open them straight from the entry. */
  const shortcuts = (e: Row) =>
    e.error_type === 'payment_not_recognised' &&
    e.status !== 'resolved' && (
      <AnchorLink size="xs" to="/omni_sales/channels" search={{ edit: e.channel_id, focus: 'payments' }} style={{ whiteSpace: 'nowrap' }}>
        {t('syncLog.actions.mapPayment')}
      </AnchorLink>
    );

  // Export entries (status pushes) and failed pulls are retried too: the server queues them for the worker.
  const rowActions = (e: Row) => (
    <Group gap={4} wrap="nowrap">
      {e.retry_queued_at && (
        <Badge size="sm" variant="light" color="blue" title={t('syncLog.retryQueuedAt', { at: fmt.dateTime(e.retry_queued_at) })}>
          {t('syncLog.retryQueued')}
        </Badge>
      )}
      {e.status !== 'resolved' && (
        <Button size="compact-xs" variant="light" loading={busy(e.id, 'retry')} onClick={() => run(e, 'retry')}>
          {t('syncLog.actions.retry')}
        </Button>
      )}
      {e.status !== 'resolved' && (
        <Button size="compact-xs" variant="subtle" color="green" loading={busy(e.id, 'resolve')} onClick={() => run(e, 'resolve')}>
          {t('syncLog.actions.resolve')}
        </Button>
      )}
      {e.status === 'open' && (
        <Button size="compact-xs" variant="subtle" color="gray" loading={busy(e.id, 'ignore')} onClick={() => run(e, 'ignore')}>
          {t('syncLog.actions.ignore')}
        </Button>
      )}
    </Group>
  );

  return (
    <ListPage
      title={t('syncLog.title')}
      toolbar={
        <>
          <SyncFilters search={search} channels={channels.data ?? []} onChange={set} />
          {canAct && (
            <Button variant="light" onClick={() => setBulkOpen(true)}>
              {t('syncLog.actions.bulkRetry')}
            </Button>
          )}
        </>
      }
      query={log}
      items={items}
      rowKey={(e) => e.id}
      empty={t('syncLog.empty')}
      notice={outcome && <ActionOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      columns={[
        { key: 'channel', header: t('syncLog.cols.channel'), render: (e) => e.channel_name },
        { key: 'direction', header: t('syncLog.cols.direction'), render: (e) => t(`syncLog.direction.${e.direction}`) },
        { key: 'ref', header: t('syncLog.cols.externalRef'), td: { ff: 'monospace' }, render: (e) => e.external_ref },
        { key: 'type', header: t('syncLog.cols.errorType'), render: (e) => <ErrorTypeBadge type={e.error_type} /> },
        {
          key: 'message',
          header: t('syncLog.cols.message'),
          td: { maw: 200 },
          render: (e) => (
            <Text size="xs" lineClamp={2} title={e.message}>
              {e.message}
            </Text>
          ),
        },
        { key: 'attempts', header: t('syncLog.cols.attempts'), align: 'right', render: (e) => e.attempts },
        {
          key: 'seen',
          header: t('syncLog.cols.seen'),
          render: (e) => (
            <Stack gap={0}>
              <Text size="xs" title={t('syncLog.cols.firstSeen')}>
                {fmt.dateTime(e.first_seen_at)}
              </Text>
              <Text size="xs" c="dimmed" title={t('syncLog.cols.lastSeen')}>
                {fmt.dateTime(e.last_seen_at)}
              </Text>
            </Stack>
          ),
        },
        { key: 'status', header: t('syncLog.cols.status'), render: (e) => <SyncStatusBadge status={e.status} /> },
        {
          key: 'actions',
          render: (e) => (
            <Group gap={4} wrap="nowrap">
              <Button size="compact-xs" variant="default" onClick={() => set({ entry: e.id })}>
                {t('syncLog.actions.payload')}
              </Button>
              {shortcuts(e)}
              {canAct && rowActions(e)}
            </Group>
          ),
        },
      ]}
    >
      <PayloadDrawer
        id={search.entry}
        onClose={() => set({ entry: undefined })}
        actions={(e) => (
          <Stack gap="xs">
            {shortcuts(e)}
            {canAct && rowActions(e)}
            {outcome && outcome.ref === e.external_ref && <ActionOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
          </Stack>
        )}
      />
      {bulkOpen && (
        <BulkRetry
          opened
          onClose={() => setBulkOpen(false)}
          channels={channels.data ?? []}
          errorType={search.error_type}
          channelId={search.channel}
        />
      )}
    </ListPage>
  );
}
