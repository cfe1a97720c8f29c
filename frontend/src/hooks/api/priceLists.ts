import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type BodyOf, type ResponseOf } from '@/api/client';
import { customerKeys } from './customers';

export type PriceListSummary = ResponseOf<'/api/sales/price_lists', 'get'>['items'][number];
export type PriceList = ResponseOf<'/api/sales/price_lists/{price_list_id}', 'get'>;
export type PriceListInput = BodyOf<'/api/sales/price_lists', 'post'>;
export type PriceListPatch = BodyOf<'/api/sales/price_lists/{price_list_id}', 'patch'>;
export type PriceItemsInput = BodyOf<'/api/sales/price_lists/{price_list_id}/items', 'put'>;

export const priceListKeys = {
  all: ['price-lists'] as const,
  lists: () => [...priceListKeys.all, 'list'] as const,
  detail: (id: number) => [...priceListKeys.all, 'detail', id] as const,
};

export function usePriceLists() {
  return useQuery({
    queryKey: priceListKeys.lists(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/sales/price_lists', { params: { query: { limit: 200 } }, signal })),
  });
}

export function usePriceList(id: number | null) {
  return useQuery({
    queryKey: priceListKeys.detail(id ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/sales/price_lists/{price_list_id}', { params: { path: { price_list_id: id! } }, signal })),
    enabled: id !== null,
  });
}

function after(qc: ReturnType<typeof useQueryClient>, pl: PriceList) {
  qc.setQueryData(priceListKeys.detail(pl.id), pl);
  void qc.invalidateQueries({ queryKey: priceListKeys.lists() });
}

export function useSavePriceList() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: number; body: PriceListInput | PriceListPatch }) =>
      v.id
        ? unwrap(
            api.PATCH('/api/sales/price_lists/{price_list_id}', {
              params: { path: { price_list_id: v.id } },
              body: v.body as PriceListPatch,
            }),
          )
        : unwrap(api.POST('/api/sales/price_lists', { body: v.body as PriceListInput })),
    onSuccess: (pl) => after(qc, pl),
  });
}

export function useReplacePrices(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PriceItemsInput) =>
      unwrap(api.PUT('/api/sales/price_lists/{price_list_id}/items', { params: { path: { price_list_id: id } }, body })),
    onSuccess: (pl) => after(qc, pl),
  });
}

/** Who buys at a list is stored on the customer: both the list's counts and the customer lists change. */
function afterAssignment(qc: ReturnType<typeof useQueryClient>) {
  void qc.invalidateQueries({ queryKey: priceListKeys.all });
  void qc.invalidateQueries({ queryKey: customerKeys.all });
}

/** These customers buy at this list from now on (a customer on another list moves here). */
export function useAssignCustomers(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (customerIds: number[]) =>
      unwrap(
        api.POST('/api/sales/price_lists/{price_list_id}/customers', {
          params: { path: { price_list_id: id } },
          body: { customer_ids: customerIds },
        }),
      ),
    onSuccess: () => afterAssignment(qc),
  });
}

/** The customer goes back to the channel's prices. */
export function useUnassignCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (customerId: number) =>
      unwrap(
        api.PATCH('/api/customers/{customer_id}', { params: { path: { customer_id: customerId } }, body: { price_list_id: null } }),
      ),
    onSuccess: () => afterAssignment(qc),
  });
}
