import { Button, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { AnchorLink } from '@/components/links';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/api/client';
import { ApprovalBadge, StatusBadge } from '@/components/badges';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { useChannelNames } from '@/hooks/api/channels';
import { useEditLines, useOrder } from '@/hooks/api/orders';
import { notifyError, notifySuccess } from '@/lib/notify';
import { DeliveryNoteSection } from './components/DeliveryNoteSection';
import { ApprovalSection, CustomerSection, HistorySection, OriginSection } from './components/InfoSections';
import { LinesSection } from './components/LinesSection';
import { OrderActions } from './components/OrderActions';
import { ShipmentsSection } from './components/ShipmentsSection';

const route = getRouteApi('/app/omni_sales/orders/$orderId');

export function OrderDetailPage() {
  const { t } = useTranslation();
  const { orderId } = route.useParams();
  const query = useOrder(orderId);
  const channelName = useChannelNames();
  const editLines = useEditLines(orderId);
  const [conflict, setConflict] = useState<string | null>(null);

  if (query.isPending) return <LoadingState />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <EmptyState title={t('order.notFound')}>
          <AnchorLink to="/omni_sales/order_list">
            {t('nav.queue')}
          </AnchorLink>
        </EmptyState>
      );
    }
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }

  const { order, etag } = query.data;

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm">
          <AnchorLink to="/omni_sales/order_list" size="sm">
            ← {t('nav.queue')}
          </AnchorLink>
          <Title order={3} data-testid="order-number">
            {t('order.title', { number: order.number })}
          </Title>
          <StatusBadge status={order.status} />
          <ApprovalBadge value={order.approve_status} />
          <Text size="sm" fw={600}>
            {order.customer.name}
          </Text>
        </Group>
        <Button variant="default" onClick={() => void query.refetch()} loading={query.isRefetching}>
          {t('order.conflict.reload')}
        </Button>
      </Group>
      <Grid gap="sm">
        <Grid.Col span={8}>
          <Stack gap="sm">
            <LinesSection
              order={order}
              canEdit={order.allowed_actions.includes('edit-lines')}
              saving={editLines.isPending}
              onSave={(lines) =>
                editLines.mutate(
                  { lines, etag },
                  {
                    onSuccess: () => notifySuccess(t('order.lines.saved')),
                    onError: (err) => {
                      if (err instanceof ApiError && err.isConflict) setConflict(err.problem.detail ?? null);
                      else notifyError(err);
                    },
                  },
                )
              }
            />
            <ShipmentsSection order={order} />
            <HistorySection order={order} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={4}>
          <Stack gap="sm">
            <OrderActions
              order={order}
              etag={etag}
              reloading={query.isRefetching}
              onReload={() => query.refetch()}
              conflict={conflict}
              onConflict={setConflict}
            />
            <DeliveryNoteSection order={order} etag={etag} onConflict={setConflict} />
            <ApprovalSection order={order} />
            <CustomerSection order={order} />
            <OriginSection order={order} channelName={channelName(order.channel_id)} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
