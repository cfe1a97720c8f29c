import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type BodyOf, type Schemas } from '@/api/client';
import { keysetPaging } from './keyset';
import { orderKeys } from './orders';
import { shipmentKeys } from './shipments';

export type PackingList = Schemas['PackingListOut'];
export type PackageOut = Schemas['PackageOut'];
export type PackageIn = Schemas['PackageIn'];
export type Offer = Schemas['OfferOut'];
export type AwbResult = Schemas['AwbOut'];
export type AwbBatch = Schemas['AwbBatchOut'];
export type AwbBatchItem = Schemas['AwbBatchItem'];
export type AwbRequest = BodyOf<'/api/warehouse/packing_lists/{packing_list_id}/awb', 'post'>;
export type Courier = AwbRequest['courier'];
export type LabelFormat = Schemas['LabelsIn']['format'];

export const COURIERS = ['innoship', 'cargus', 'fancourier', 'palex'] as const satisfies readonly Courier[];
/** Couriers without an API (the operator types the AWB made in their portal): never in a batch. */
export const MANUAL_COURIERS: ReadonlySet<Courier> = new Set(['palex']);
export const LABEL_FORMATS = ['a4', 'thermal'] as const satisfies readonly LabelFormat[];
export const DIMENSIONS = ['length_cm', 'width_cm', 'height_cm', 'weight_kg'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface PackingListFilters {
  awb?: 'missing' | 'present';
  order_id?: number;
}

export const packingListKeys = {
  all: ['packing_lists'] as const,
  lists: () => [...packingListKeys.all, 'list'] as const,
  list: (f: PackingListFilters) => [...packingListKeys.lists(), f] as const,
  offers: (id: number, courier: Courier) => [...packingListKeys.all, 'offers', id, courier] as const,
  batch: (id: number) => [...packingListKeys.all, 'batch', id] as const,
};

/** The If-Match of a packing list: the API's ETag is "<id>-<version>", and every row carries its version. */
export function packingListEtag(p: Pick<PackingList, 'id' | 'version'>): string {
  return `"${p.id}-${p.version}"`;
}

/** The live AWB of a row, if it has one (a pending or failed attempt is not one). */
export function liveAwb(p: PackingList): { id: number; awb: string } | null {
  const s = p.shipment;
  return s && s.status === 'created' && s.awb_number ? { id: s.id, awb: s.awb_number } : null;
}

export function usePackingLists(f: PackingListFilters) {
  return useInfiniteQuery({
    ...keysetPaging,
    queryKey: packingListKeys.list(f),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/warehouse/packing_lists', {
          params: { query: { awb: f.awb, order_id: f.order_id, cursor: pageParam, limit: 50 } },
          signal,
        }),
      ),
    refetchInterval: 60_000, // delivery notes keep arriving from confirmations
  });
}

/** Every cached list shows the row as the server has it now (its new version), before the lists refetch. */
function replaceRow(qc: QueryClient, row: PackingList): void {
  qc.setQueriesData<InfiniteData<{ items: PackingList[]; next_cursor: string | null }>>(
    { queryKey: packingListKeys.lists() },
    (data) =>
      data && {
        ...data,
        pages: data.pages.map((page) => ({ ...page, items: page.items.map((x) => (x.id === row.id ? row : x)) })),
      },
  );
}

function afterAwb(qc: QueryClient): void {
  void qc.invalidateQueries({ queryKey: packingListKeys.lists() });
  void qc.invalidateQueries({ queryKey: shipmentKeys.all });
  void qc.invalidateQueries({ queryKey: orderKeys.all }); // the order moves to shipping
}

export function useSavePackages() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: { list: Pick<PackingList, 'id' | 'version'>; packages: PackageIn[] }) =>
      unwrap(
        api.PATCH('/api/warehouse/packing_lists/{packing_list_id}', {
          params: { path: { packing_list_id: vars.list.id }, header: { 'if-match': packingListEtag(vars.list) } },
          body: { packages: vars.packages },
        }),
      ),
    onSuccess: (row) => {
      replaceRow(qc, row);
      void qc.invalidateQueries({ queryKey: packingListKeys.lists() });
    },
  });
}

/** Innoship's price offers (POST /api/Price through our API): asked when the AWB dialog opens, not polled. */
export function useOffers(id: number, courier: Courier, enabled: boolean) {
  return useQuery({
    queryKey: packingListKeys.offers(id, courier),
    queryFn: ({ signal }) =>
      unwrap(
        api.POST('/api/warehouse/packing_lists/{packing_list_id}/offers', {
          params: { path: { packing_list_id: id } },
          body: { courier },
          signal,
        }),
      ),
    enabled,
    retry: false, // a courier error is shown as it is; the operator asks again
    staleTime: 60_000,
  });
}

export function useGenerateAwb() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: AwbRequest & { id: number }) =>
      unwrap(api.POST('/api/warehouse/packing_lists/{packing_list_id}/awb', { params: { path: { packing_list_id: id } }, body })),
    onSettled: () => afterAwb(qc),
  });
}

export function useStartAwbBatch() {
  return useMutation({
    mutationFn: (body: Schemas['AwbBatchIn']) => unwrap(api.POST('/api/warehouse/awb_batches', { body })),
  });
}

/** A batch as it runs: asked every second until the worker says done. */
export function useAwbBatch(id: number | undefined) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: packingListKeys.batch(id ?? 0),
    queryFn: async ({ signal }) => {
      const batch = await unwrap(api.GET('/api/warehouse/awb_batches/{batch_id}', { params: { path: { batch_id: id ?? 0 } }, signal }));
      if (batch.status === 'done') afterAwb(qc);
      return batch;
    },
    enabled: id !== undefined,
    staleTime: 0,
    refetchInterval: (q) => (q.state.data?.status === 'done' ? false : 1000),
  });
}

/** Many labels as one PDF, in the order given. */
export function printLabels(shipmentIds: number[], format: LabelFormat): Promise<Blob> {
  return unwrap(api.POST('/api/warehouse/labels', { body: { shipment_ids: shipmentIds, format }, parseAs: 'blob' }));
}
