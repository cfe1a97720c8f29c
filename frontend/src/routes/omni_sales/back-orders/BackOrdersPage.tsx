import { Badge, Button, Stack, Table, Text, Title } from '@mantine/core';
import { AnchorLink } from '@/components/links';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order } from '@/api/client';
import { AgeBadge } from '@/components/badges';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useChannelNames } from '@/hooks/api/channels';
import { useOrderAction, useOrderDetails, useOrderQueue } from '@/hooks/api/orders';
import { useStockForSkus, type StockLevel } from '@/hooks/api/stock';
import { useFormat } from '@/i18n/format';
import { notifyError, notifySuccess } from '@/lib/notify';

const FILTER = { status: '16' };

interface Need {
  sku: string;
  needed: number;
  available: number | null;
}

function needs(order: Order, stock: Map<string, StockLevel | null>): Need[] {
  const per = new Map<string, number>();
  for (const l of order.lines) per.set(l.sku, (per.get(l.sku) ?? 0) + Number(l.quantity));
  return [...per].map(([sku, needed]) => {
    const level = stock.get(`${sku}@${order.warehouse_id}`);
    return { sku, needed, available: level === undefined ? null : level ? Number(level.available) : 0 };
  });
}

/** Status 16: what each back-order misses, whether the stock has arrived since, and the restore action. */
export function BackOrdersPage() {
  const { t } = useTranslation();
  const queue = useOrderQueue(FILTER);
  const summaries = useMemo(() => queue.data?.pages.flatMap((p) => p.items) ?? [], [queue.data]);
  const details = useOrderDetails(summaries.map((o) => o.id));
  const orders = details.map((d) => d.data?.order).filter((o): o is Order => !!o);

  const lineKey = orders.flatMap((o) => o.lines.map((l) => `${l.sku}@${o.warehouse_id}`)).join(',');
  // One stock lookup per distinct SKU and warehouse, recomputed only when the set of lines changes.
  const wanted = useMemo(() => {
    const seen = new Map<string, { sku: string; warehouseId: number }>();
    for (const key of lineKey ? lineKey.split(',') : []) {
      const at = key.lastIndexOf('@');
      seen.set(key, { sku: key.slice(0, at), warehouseId: Number(key.slice(at + 1)) });
    }
    return [...seen.values()];
  }, [lineKey]);
  const stockResults = useStockForSkus(wanted);
  const stock = new Map<string, StockLevel | null>();
  wanted.forEach((w, i) => {
    const r = stockResults[i];
    if (r?.isSuccess) stock.set(`${w.sku}@${w.warehouseId}`, r.data);
  });

  return (
    <Stack gap="sm">
      <Title order={3}>{t('backOrders.title')}</Title>
      <Text size="sm" c="dimmed">
        {t('backOrders.intro')}
      </Text>
      {queue.isError ? (
        <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />
      ) : queue.isPending ? (
        <LoadingState />
      ) : summaries.length === 0 ? (
        <EmptyState title={t('backOrders.empty')} />
      ) : (
        <BackOrderTable orders={orders} loading={details.some((d) => d.isPending)} stock={stock} />
      )}
      {queue.hasNextPage && (
        <Button variant="default" onClick={() => void queue.fetchNextPage()} loading={queue.isFetchingNextPage}>
          {t('app.loadMore')}
        </Button>
      )}
    </Stack>
  );
}

function BackOrderTable({ orders, loading, stock }: { orders: Order[]; loading: boolean; stock: Map<string, StockLevel | null> }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const channelName = useChannelNames();
  const now = Date.now();
  return (
    <>
      {loading && <LoadingState />}
      <Table data-dense data-testid="back-orders" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('queue.cols.number')}</Table.Th>
            <Table.Th>{t('queue.cols.customer')}</Table.Th>
            <Table.Th>{t('queue.cols.channel')}</Table.Th>
            <Table.Th>{t('queue.cols.age')}</Table.Th>
            <Table.Th>{t('backOrders.missing')}</Table.Th>
            <Table.Th>{t('backOrders.available')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {orders.map((o) => {
            const rows = needs(o, stock);
            const known = rows.every((r) => r.available !== null);
            const arrived = known && rows.every((r) => (r.available ?? 0) >= r.needed);
            return (
              <Table.Tr key={o.id} data-order-id={o.id}>
                <Table.Td>
                  <AnchorLink to="/omni_sales/orders/$orderId" params={{ orderId: o.id }} fw={600} size="sm">
                    {o.number}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>{o.customer.name}</Table.Td>
                <Table.Td>{channelName(o.channel_id)}</Table.Td>
                <Table.Td>
                  <AgeBadge status={16} since={o.updated_at} now={now} />
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    {rows.map((r) => (
                      <Text key={r.sku} size="xs">
                        <Text span ff="monospace" size="xs">
                          {r.sku}
                        </Text>{' '}
                        × {fmt.quantity(r.needed)}
                        {r.available !== null && r.available < r.needed && (
                          <Text span c="red" size="xs">
                            {' '}
                            ({t('backOrders.missing')} {fmt.quantity(r.needed - Math.max(0, r.available))})
                          </Text>
                        )}
                      </Text>
                    ))}
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {!known ? (
                    <Text size="xs" c="dimmed">
                      {t('backOrders.unknown')}
                    </Text>
                  ) : arrived ? (
                    <Badge color="green">{t('backOrders.stockArrived')}</Badge>
                  ) : (
                    <Badge color="red" variant="light">
                      {t('backOrders.stillMissing')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {o.allowed_actions.includes('restore') && <RestoreButton order={o} highlight={arrived} />}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </>
  );
}

function RestoreButton({ order, highlight }: { order: Order; highlight: boolean }) {
  const { t } = useTranslation();
  const action = useOrderAction(order.id);
  return (
    <Button
      variant={highlight ? 'filled' : 'light'}
      color="green"
      loading={action.isPending}
      onClick={() =>
        action.mutate(
          { action: 'restore', etag: null },
          {
            onSuccess: () => notifySuccess(t('backOrders.restored', { number: order.number })),
            onError: (err) => notifyError(err),
          },
        )
      }
    >
      {t('backOrders.restore')}
    </Button>
  );
}
