import { Badge, Group, Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order } from '@/api/client';
import { LabelButtons } from '@/components/PdfPreview';
import { BEFORE_FULFILMENT } from '@/hooks/api/deliveryNotes';
import { orderKeys } from '@/hooks/api/orders';
import { useOrderShipments, type Shipment } from '@/hooks/api/shipments';
import { useFormat } from '@/i18n/format';

const TRACKING_COLOR: Record<string, string> = {
  delivered: 'green',
  failed_delivery: 'red',
  returned: 'red',
  cancelled: 'gray',
  out_for_delivery: 'teal',
};
const SHIPMENT_COLOR: Record<Shipment['status'], string> = { pending: 'yellow', created: 'blue', failed: 'red', cancelled: 'gray' };

// Statuses in which an order may get an AWB next: the section shows (empty) before the first one.
const SHIPPING_STATUSES = new Set([3, 4, 5, 14, 15]);

/** The order's AWBs: courier, AWB, tracking status, labels and the tracking timeline (newest first). */
export function ShipmentsSection({ order }: { order: Order }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const query = useOrderShipments(order.id, order.status === 4, !BEFORE_FULFILMENT.has(order.status));
  const items = query.data?.items ?? [];

  // Tracking moves the order too (delivered, or on hold with the courier's reason): reload it when tracking moved.
  const seen = useRef<string | null>(null);
  const signature = items.map((s) => `${s.id}:${s.status}:${s.tracking_status}`).join(',');
  useEffect(() => {
    if (!query.isSuccess) return;
    if (seen.current !== null && seen.current !== signature) void qc.invalidateQueries({ queryKey: orderKeys.detail(order.id) });
    seen.current = signature;
  }, [signature, query.isSuccess, qc, order.id]);

  if (items.length === 0 && !SHIPPING_STATUSES.has(order.status)) return null;

  return (
    <Paper withBorder p="sm" data-testid="shipments-section">
      <Title order={5} mb={4}>
        {t('shipments.title')}
      </Title>
      {query.isError ? (
        <Text size="sm" c="dimmed">
          {t('shipments.unavailable')}
        </Text>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {query.isPending ? t('app.loading') : t('shipments.none')}
        </Text>
      ) : (
        <Stack gap="md">
          {items.map((s) => (
            <ShipmentBlock key={s.id} shipment={s} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function ShipmentBlock({ shipment: s }: { shipment: Shipment }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const events = [...s.events].reverse();
  return (
    <Stack gap={6} data-shipment-id={s.id}>
      <Group gap="xs" justify="space-between">
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {s.carrier_name || t(`packing.courier.${s.courier}`, { defaultValue: s.courier })}
          </Text>
          {s.awb_number && (
            <Text size="sm" ff="monospace" data-testid="shipment-awb">
              {s.awb_number}
            </Text>
          )}
          <Badge size="sm" variant="light" color={SHIPMENT_COLOR[s.status]} tt="none">
            {t(`shipments.status.${s.status}`)}
          </Badge>
          {s.tracking_status && (
            <Badge size="sm" color={TRACKING_COLOR[s.tracking_status] ?? 'blue'} tt="none" data-tracking={s.tracking_status}>
              {t(`shipments.tracking.${s.tracking_status}`, { defaultValue: s.tracking_status })}
            </Badge>
          )}
        </Group>
        {s.status === 'created' && s.awb_number && <LabelButtons shipmentId={s.id} awb={s.awb_number} />}
      </Group>
      {s.last_error && s.status !== 'created' && (
        <Text size="xs" c="red">
          {s.last_error}
        </Text>
      )}
      {s.tracking_url && (
        <Text size="xs">
          <a href={s.tracking_url} target="_blank" rel="noopener noreferrer">
            {t('shipments.trackingLink')}
          </a>
        </Text>
      )}
      {events.length > 0 ? (
        <Timeline bulletSize={12} lineWidth={2} data-testid="tracking-timeline">
          {events.map((e, i) => (
            <Timeline.Item
              key={`${e.at}-${i}`}
              color={TRACKING_COLOR[e.status] ?? 'blue'}
              data-event={e.status}
              title={
                <Text size="sm" fw={500}>
                  {t(`shipments.tracking.${e.status}`, { defaultValue: e.status })}
                </Text>
              }
            >
              {e.text && <Text size="xs">{e.text}</Text>}
              <Text size="xs" c="dimmed">
                {[fmt.dateTime(e.at), e.location].filter(Boolean).join(' · ')}
              </Text>
            </Timeline.Item>
          ))}
        </Timeline>
      ) : (
        s.status === 'created' && (
          <Text size="xs" c="dimmed">
            {t('shipments.noEvents')}
          </Text>
        )
      )}
    </Stack>
  );
}
