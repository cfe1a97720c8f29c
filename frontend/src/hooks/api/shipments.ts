import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

export type Shipment = Schemas['ShipmentOut'];
export type TrackingEvent = Schemas['TrackingEventOut'];
type Format = 'a4' | 'thermal';

export const shipmentKeys = {
  all: ['shipments'] as const,
  byOrder: (orderId: number) => [...shipmentKeys.all, 'order', orderId] as const,
};

/** Tracking statuses after which nothing changes any more (domain/fulfilment/couriers.py TrackingStatus). */
export const FINAL_TRACKING: ReadonlySet<string> = new Set(['delivered', 'returned', 'cancelled']);

/**
 * The AWBs of one order with their tracking timelines. While one is on its way the list is asked again every
 * 20 s: the tracking poll moves it (and the order) on without anyone touching the page.
 */
export function useOrderShipments(orderId: number, live: boolean, enabled = true) {
  return useQuery({
    enabled,
    queryKey: shipmentKeys.byOrder(orderId),
    queryFn: ({ signal }) => unwrap(api.GET('/api/shipments', { params: { query: { order_id: orderId, limit: 50 } }, signal })),
    refetchInterval: (q) => {
      const items = q.state.data?.items ?? [];
      const moving = items.some((s) => s.status === 'created' && !FINAL_TRACKING.has(s.tracking_status ?? ''));
      return live || moving ? 20_000 : false;
    },
  });
}

/** The label PDF, fetched with the session's token (a plain link would not carry it). */
export function fetchLabel(shipmentId: number, format: Format): Promise<Blob> {
  return unwrap(
    api.GET('/api/shipments/{shipment_id}/label', { params: { path: { shipment_id: shipmentId }, query: { format } }, parseAs: 'blob' }),
  );
}

/** A manual courier's label (Palex): the PDF downloaded from its portal, sent as the request body. */
export function useUploadLabel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ shipmentId, format, file }: { shipmentId: number; format: Format; file: Blob }) =>
      unwrap(
        api.PUT('/api/shipments/{shipment_id}/label', {
          params: { path: { shipment_id: shipmentId }, query: { format } },
          // The body is the file's bytes, not JSON (the schema types it as a binary string). Read into an
          // ArrayBuffer first: every fetch takes one, while a File object is only understood by its own realm.
          body: (await file.arrayBuffer()) as unknown as string,
          bodySerializer: (b: unknown) => b as BodyInit,
          headers: { 'Content-Type': 'application/pdf' },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: shipmentKeys.all }),
  });
}
