import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useHotkeys, useInterval } from '@mantine/hooks';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useChannelNames, useChannels } from '@/hooks/api/channels';
import { useOrderCounts, useOrderQueue } from '@/hooks/api/orders';
import { AGE_FILTERS, statusSince } from '@/lib/targets';
import { BulkActions } from './components/BulkActions';
import { ChannelHealthStrip } from './components/ChannelHealthStrip';
import { QueueFilters } from './components/QueueFilters';
import { QueueTable } from './components/QueueTable';
import { QuickViews } from './components/QuickViews';
import { StatusCounts } from './components/StatusCounts';
import { activeQuickView, QUICK_VIEWS, statusList, type QueueSearch, type QuickView } from './search';

const route = getRouteApi('/app/omni_sales/order_list');

// Time in status for holds, back-orders and returns starts when the order entered it (see lib/targets),
// while the server's age filter works on creation time: drop the rows that entered the status too recently.
const SINCE_CHANGE = new Set([9, 11, 16]);

export function OrderListPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = useNavigate();
  const channels = useChannels();
  const channelName = useChannelNames();
  const queue = useOrderQueue(search);
  const counts = useOrderCounts(search);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [cursor, setCursor] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 30_000, { autoInvoke: true });

  const setSearch = useCallback(
    (patch: Partial<QueueSearch>) =>
      void navigate({ to: '/omni_sales/order_list', search: (prev: QueueSearch) => ({ ...prev, ...patch }) }),
    [navigate],
  );
  const replaceSearch = useCallback(
    (next: QueueSearch) => void navigate({ to: '/omni_sales/order_list', search: next }),
    [navigate],
  );

  const orders = useMemo(() => {
    const all = queue.data?.pages.flatMap((p) => p.items) ?? [];
    if (!search.age) return all;
    const min = AGE_FILTERS[search.age];
    return all.filter(
      (o) => !SINCE_CHANGE.has(o.status) || now - new Date(statusSince(o.status, o.created_at, o.updated_at)).getTime() > min,
    );
  }, [queue.data, search.age, now]);

  // A new filter is a new list: start at the top with nothing selected.
  useEffect(() => {
    setCursor(0);
    setSelected(new Set());
  }, [search]);

  useHotkeys([
    ['j', () => setCursor((c) => Math.min(c + 1, Math.max(0, orders.length - 1)))],
    ['k', () => setCursor((c) => Math.max(c - 1, 0))],
    [
      'Enter',
      () => {
        const o = orders[cursor];
        if (o) void navigate({ to: '/omni_sales/orders/$orderId', params: { orderId: o.id } });
      },
    ],
    [
      'x',
      () => {
        const o = orders[cursor];
        if (o) toggle(o.id);
      },
    ],
  ]);

  const toggle = (id: number) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const targets = orders.filter((o) => selected.has(o.id)).map((o) => ({ id: o.id, number: o.number }));
  const quick = activeQuickView(search);

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="center">
        <Title order={3}>{t('queue.title')}</Title>
        <Text size="xs" c="dimmed">
          {t('queue.keyboard')}
        </Text>
      </Group>
      <ChannelHealthStrip now={now} />
      <QuickViews active={quick} onPick={(v: QuickView) => replaceSearch({ ...QUICK_VIEWS[v] })} />
      <QueueFilters
        search={search}
        channels={channels.data ?? []}
        onChange={setSearch}
        onClear={() => replaceSearch({})}
      />
      <StatusCounts
        counts={counts.data?.counts}
        total={counts.data?.total}
        selected={statusList(search.status)}
        onPick={(s) => setSearch({ status: s === null ? undefined : String(s) })}
      />
      <BulkActions targets={targets} onDone={() => setSelected(new Set())} />
      {queue.isError ? (
        <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />
      ) : queue.isPending ? (
        <LoadingState />
      ) : orders.length === 0 ? (
        <EmptyState title={t('queue.empty')} hint={t('queue.emptyHint')} />
      ) : (
        <>
          <QueueTable
            orders={orders}
            channelName={channelName}
            selected={selected}
            onToggle={toggle}
            onToggleAll={(on) => setSelected(on ? new Set(orders.map((o) => o.id)) : new Set())}
            cursor={cursor}
            onCursor={setCursor}
            now={now}
          />
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {t('queue.shown', { count: orders.length })}
            </Text>
            {queue.hasNextPage && (
              <Button variant="default" onClick={() => void queue.fetchNextPage()} loading={queue.isFetchingNextPage}>
                {t('app.loadMore')}
              </Button>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
