import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';
import { keysetPaging } from './keyset';

export type StockLevel = Schemas['StockOut'];
export type ReceiptInput = Schemas['ReceiptIn'];

export interface StockFilters {
  sku?: string;
  warehouse_id?: number;
  only_available?: boolean;
}

export const stockKeys = {
  all: ['stock'] as const,
  lists: () => [...stockKeys.all, 'list'] as const,
  list: (f: StockFilters) => [...stockKeys.lists(), f] as const,
  sku: (sku: string, warehouseId: number) => [...stockKeys.all, 'sku', sku, warehouseId] as const,
  warehouses: () => ['warehouses'] as const,
  receipts: () => ['receipts'] as const,
};

export function useStockList(filters: StockFilters) {
  return useInfiniteQuery({
    queryKey: stockKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/warehouse/stock', {
          params: { query: { ...filters, sku: filters.sku || undefined, cursor: pageParam, limit: 100 } },
          signal,
        }),
      ),
    ...keysetPaging,
  });
}

/** Stock of a few SKUs in one warehouse (the back-order view asks for each missing product). */
export function useStockForSkus(items: { sku: string; warehouseId: number }[]) {
  return useQueries({
    queries: items.map(({ sku, warehouseId }) => ({
      queryKey: stockKeys.sku(sku, warehouseId),
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        const page = await unwrap(
          api.GET('/api/warehouse/stock', { params: { query: { sku, warehouse_id: warehouseId, limit: 5 } }, signal }),
        );
        return page.items.find((s) => s.sku === sku) ?? null;
      },
      staleTime: 30_000,
    })),
  });
}

export function useWarehouses() {
  return useQuery({
    queryKey: stockKeys.warehouses(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/warehouse/warehouses', { params: { query: { limit: 200 } }, signal })),
    staleTime: 5 * 60_000,
  });
}

export function useCreateReceipt() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ReceiptInput) => unwrap(api.POST('/api/warehouse/receipts', { body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: stockKeys.all });
      void qc.invalidateQueries({ queryKey: stockKeys.receipts() });
    },
  });
}
