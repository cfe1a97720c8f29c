import { Group, Select, Text } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { flatPages, ListPage, useSearchPatch } from '@/components/list-page';
import { AnchorLink } from '@/components/links';
import { DeliveryNoteStatusBadge, NotePdfButton, PartialBadge } from '@/components/deliveryNotes';
import { DELIVERY_NOTE_STATUSES, useDeliveryNotes, type DeliveryNote } from '@/hooks/api/deliveryNotes';
import { useFormat } from '@/i18n/format';
import type { DeliveryNoteSearch } from '../search';

const route = getRouteApi('/app/warehouse/delivery_notes');

/** Delivery notes, newest first: which order, whether it is still open, dispatched or cancelled, and the PDF. */
export function DeliveryNotesPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const set = useSearchPatch<DeliveryNoteSearch>();
  const list = useDeliveryNotes({ status: search.status, order_id: search.order });

  return (
    <ListPage
      title={t('deliveryNotes.title')}
      toolbar={
        <Select
          aria-label={t('deliveryNotes.cols.status')}
          placeholder={t('deliveryNotes.allStatuses')}
          data={DELIVERY_NOTE_STATUSES.map((s) => ({ value: s, label: t(`deliveryNotes.status.${s}`) }))}
          value={search.status ?? null}
          onChange={(v) => set({ status: (v as DeliveryNote['status'] | null) ?? undefined })}
          clearable
          w={180}
        />
      }
      query={list}
      items={flatPages(list.data)}
      rowKey={(n) => n.id}
      empty={t('deliveryNotes.empty')}
      columns={[
        { key: 'number', header: t('deliveryNotes.cols.number'), td: { fw: 600 }, render: (n) => n.number },
        {
          key: 'order',
          header: t('deliveryNotes.cols.order'),
          render: (n) => (
            <AnchorLink to="/omni_sales/orders/$orderId" params={{ orderId: n.order_id }} size="sm">
              {n.order_number}
            </AnchorLink>
          ),
        },
        {
          key: 'status',
          header: t('deliveryNotes.cols.status'),
          render: (n) => (
            <Group gap={4} wrap="nowrap">
              <DeliveryNoteStatusBadge status={n.status} />
              {n.partial && <PartialBadge />}
            </Group>
          ),
        },
        { key: 'lines', header: t('deliveryNotes.cols.lines'), align: 'right', render: (n) => n.lines.length },
        {
          key: 'created',
          header: t('deliveryNotes.cols.created'),
          render: (n) => (
            <>
              <Text size="sm">{fmt.dateTime(n.created_at)}</Text>
              <Text size="xs" c="dimmed">
                {n.created_by}
              </Text>
            </>
          ),
        },
        { key: 'dispatched', header: t('deliveryNotes.cols.dispatched'), render: (n) => fmt.dateTime(n.dispatched_at) },
        {
          key: 'actions',
          render: (n) => (
            <Group gap={4} wrap="nowrap">
              <NotePdfButton note={n} />
              {n.packing_list_id !== null && (
                <AnchorLink to="/warehouse/manage_packing_list" search={{ awb: 'all', order: n.order_id }} size="xs">
                  {t('deliveryNotes.packingList')}
                </AnchorLink>
              )}
            </Group>
          ),
        },
      ]}
    />
  );
}
