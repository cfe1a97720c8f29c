import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type BodyOf, type ResponseOf } from '@/api/client';
import { keysetPaging } from './keyset';

export type Product = ResponseOf<'/api/products/{product_id}', 'get'>;
export type ProductInput = BodyOf<'/api/products', 'post'>;
export type ProductPatch = BodyOf<'/api/products/{product_id}', 'patch'>;

export interface ProductFilters {
  q?: string;
  active?: boolean;
}

export const productKeys = {
  all: ['products'] as const,
  lists: () => [...productKeys.all, 'list'] as const,
  list: (f: ProductFilters) => [...productKeys.lists(), f] as const,
  detail: (id: number) => [...productKeys.all, 'detail', id] as const,
};

export function useProducts(filters: ProductFilters) {
  return useInfiniteQuery({
    queryKey: productKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/products', {
          params: { query: { q: filters.q || undefined, active: filters.active, cursor: pageParam, limit: 50 } },
          signal,
        }),
      ),
    ...keysetPaging,
  });
}

export function useSaveProduct() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: number; body: ProductInput | ProductPatch }) =>
      v.id
        ? unwrap(api.PATCH('/api/products/{product_id}', { params: { path: { product_id: v.id } }, body: v.body as ProductPatch }))
        : unwrap(api.POST('/api/products', { body: v.body as ProductInput })),
    onSuccess: (p) => {
      qc.setQueryData(productKeys.detail(p.id), p);
      void qc.invalidateQueries({ queryKey: productKeys.lists() });
    },
  });
}
