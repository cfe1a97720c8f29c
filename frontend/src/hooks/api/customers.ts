import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type BodyOf, type ResponseOf } from '@/api/client';
import { keysetPaging } from './keyset';

export type Customer = ResponseOf<'/api/customers/{customer_id}', 'get'>;
export type CustomerInput = BodyOf<'/api/customers', 'post'>;
export type CustomerPatch = BodyOf<'/api/customers/{customer_id}', 'patch'>;

export interface CustomerFilters {
  q?: string;
  type?: 'b2b' | 'b2c';
  price_list_id?: number;
}

export const customerKeys = {
  all: ['customers'] as const,
  lists: () => [...customerKeys.all, 'list'] as const,
  list: (f: CustomerFilters) => [...customerKeys.lists(), f] as const,
  detail: (id: number) => [...customerKeys.all, 'detail', id] as const,
};

export function useCustomers(filters: CustomerFilters) {
  return useInfiniteQuery({
    queryKey: customerKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/customers', {
          params: {
            query: { q: filters.q || undefined, type: filters.type, price_list_id: filters.price_list_id, cursor: pageParam, limit: 50 },
          },
          signal,
        }),
      ),
    ...keysetPaging,
  });
}

export function useSaveCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: number; body: CustomerInput | CustomerPatch }) =>
      v.id
        ? unwrap(
            api.PATCH('/api/customers/{customer_id}', { params: { path: { customer_id: v.id } }, body: v.body as CustomerPatch }),
          )
        : unwrap(api.POST('/api/customers', { body: v.body as CustomerInput })),
    onSuccess: (c) => {
      qc.setQueryData(customerKeys.detail(c.id), c);
      void qc.invalidateQueries({ queryKey: customerKeys.lists() });
    },
  });
}
