import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';
import { keysetPaging } from './keyset';
import { orderKeys } from './orders';
import { packingListKeys } from './packingLists';
import { shipmentKeys } from './shipments';

export type DeliveryNote = Schemas['DeliveryNoteOut'];
export type DeliveryNoteStatus = DeliveryNote['status'];
export type OnShort = NonNullable<Schemas['DeliveryNoteIn']['on_short']>;

export const DELIVERY_NOTE_STATUSES = ['open', 'dispatched', 'cancelled'] as const satisfies readonly DeliveryNoteStatus[];
/** Before confirmation an order has no delivery note, shipment or packing list: nothing to ask for. */
export const BEFORE_FULFILMENT: ReadonlySet<number> = new Set([0, 1, 2]);
/** A delivery note is made from a confirmed (3), paid (14) or ready (15) order; never while payment is awaited. */
export const DELIVERY_NOTE_FROM: ReadonlySet<number> = new Set([3, 14, 15]);

export interface DeliveryNoteFilters {
  status?: DeliveryNoteStatus;
  order_id?: number;
}

export const deliveryNoteKeys = {
  all: ['delivery_notes'] as const,
  lists: () => [...deliveryNoteKeys.all, 'list'] as const,
  list: (f: DeliveryNoteFilters) => [...deliveryNoteKeys.lists(), f] as const,
};

export function useDeliveryNotes(f: DeliveryNoteFilters, enabled = true) {
  return useInfiniteQuery({
    enabled,
    ...keysetPaging,
    queryKey: deliveryNoteKeys.list(f),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/warehouse/delivery_notes', {
          params: { query: { status: f.status, order_id: f.order_id, cursor: pageParam, limit: 50 } },
          signal,
        }),
      ),
  });
}

/** The printable A4 delivery note in the operator's language. */
export function fetchDeliveryNotePdf(id: number, lang: string): Promise<Blob> {
  return unwrap(
    api.GET('/api/warehouse/delivery_notes/{note_id}/pdf', {
      params: { path: { note_id: id }, query: { lang: lang === 'ro' ? 'ro' : 'en' } },
      parseAs: 'blob',
    }),
  );
}

/** On a shortage the API answers 409 until the operator says what to do (`on_short`). */
export function useCreateDeliveryNote(orderId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: { etag: string | null; onShort?: OnShort }) =>
      unwrap(
        api.POST('/api/omni_sales/orders/{order_id}/delivery-note', {
          params: { path: { order_id: orderId }, header: vars.etag ? { 'if-match': vars.etag } : undefined },
          body: vars.onShort ? { on_short: vars.onShort } : null,
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: orderKeys.all });
      void qc.invalidateQueries({ queryKey: deliveryNoteKeys.all });
      void qc.invalidateQueries({ queryKey: packingListKeys.all });
      void qc.invalidateQueries({ queryKey: shipmentKeys.all });
    },
  });
}
