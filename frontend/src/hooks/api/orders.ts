import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { api, ApiError, unwrap, unwrapWithEtag, type LineInput, type Order } from '@/api/client';
import { AGE_FILTERS, type AgeFilter } from '@/lib/targets';

/** The queue filters as they live in the URL (see routes/omni_sales/order-list/search.ts). */
export interface QueueFilters {
  status?: string;
  approval?: 'pending' | 'approved' | 'rejected' | 'none';
  channel?: number;
  source?: string;
  age?: AgeFilter;
  q?: string;
}

export const ORDER_ACTIONS = [
  'process',
  'request-payment',
  'mark-paid',
  'confirm',
  'hold',
  'resume',
  'cancel',
  'approve',
  'reject',
  'restore',
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];
export const REASON_REQUIRED: ReadonlySet<string> = new Set(['hold', 'cancel', 'reject']);

export const orderKeys = {
  all: ['orders'] as const,
  lists: () => [...orderKeys.all, 'list'] as const,
  list: (filters: QueueFilters) => [...orderKeys.lists(), filters] as const,
  counts: (filters: Omit<QueueFilters, 'status'>) => [...orderKeys.all, 'counts', filters] as const,
  details: () => [...orderKeys.all, 'detail'] as const,
  detail: (id: number) => [...orderKeys.details(), id] as const,
  search: (q: string) => [...orderKeys.all, 'search', q] as const,
};

const APPROVE_PARAM = { pending: '0', approved: '1', rejected: '-1', none: 'null' } as const;

/** Query parameters of GET /orders and /orders/counts; the age is turned into created_before at fetch time. */
function queueQuery(f: QueueFilters, now = Date.now()) {
  return {
    status: f.status || undefined,
    approve_status: f.approval ? APPROVE_PARAM[f.approval] : undefined,
    channel_id: f.channel ? String(f.channel) : undefined,
    source: f.source || undefined,
    q: f.q?.trim() || undefined,
    created_before: f.age ? new Date(now - AGE_FILTERS[f.age]).toISOString() : undefined,
  };
}

export const PAGE_SIZE = 50;

export function useOrderQueue(filters: QueueFilters) {
  return useInfiniteQuery({
    queryKey: orderKeys.list(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/omni_sales/orders', {
          params: { query: { ...queueQuery(filters), cursor: pageParam, limit: PAGE_SIZE } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000, // new orders keep arriving during triage
  });
}

export function useOrderCounts(filters: QueueFilters) {
  const { status: _ignored, ...rest } = filters;
  return useQuery({
    queryKey: orderKeys.counts(rest),
    queryFn: ({ signal }) => {
      const { status: _s, ...query } = queueQuery(rest);
      return unwrap(api.GET('/api/omni_sales/orders/counts', { params: { query }, signal }));
    },
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export interface OrderWithEtag {
  order: Order;
  etag: string | null;
}

async function fetchOrder(id: number, signal?: AbortSignal): Promise<OrderWithEtag> {
  const { data, etag } = await unwrapWithEtag(
    api.GET('/api/omni_sales/orders/{order_id}', { params: { path: { order_id: id } }, signal }),
  );
  return { order: data, etag };
}

const retryServerErrors = (count: number, err: unknown) => !(err instanceof ApiError && err.status < 500) && count < 2;

export function useOrder(id: number) {
  return useQuery({
    queryKey: orderKeys.detail(id),
    queryFn: ({ signal }) => fetchOrder(id, signal),
    retry: retryServerErrors,
  });
}

/** Several orders in full (lines included), sharing the cache of the detail page. */
export function useOrderDetails(ids: number[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: orderKeys.detail(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchOrder(id, signal),
      retry: retryServerErrors,
      staleTime: 30_000,
    })),
  });
}

/** Ctrl+K: exact order number or external ref (the queue's q also matches customers; both are fine here). */
export function useOrderSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: orderKeys.search(term),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/omni_sales/orders', { params: { query: { q: term, limit: 8 } }, signal })),
    enabled: term.length >= 2,
    staleTime: 10_000,
  });
}

export async function postOrderAction(
  id: number,
  action: string,
  opts: { reason?: string; etag?: string | null } = {},
): Promise<OrderWithEtag> {
  // Every action route shares one shape; the cast names one of them for the typed client.
  const path = `/api/omni_sales/orders/{order_id}/${action}` as '/api/omni_sales/orders/{order_id}/confirm';
  const { data, etag } = await unwrapWithEtag(
    api.POST(path, {
      params: { path: { order_id: id }, header: opts.etag ? { 'if-match': opts.etag } : undefined },
      body: opts.reason ? { reason: opts.reason } : null,
    }),
  );
  return { order: data, etag };
}

function afterOrderChange(qc: QueryClient, result: OrderWithEtag): void {
  qc.setQueryData(orderKeys.detail(result.order.id), result);
  void qc.invalidateQueries({ queryKey: orderKeys.lists() });
  void qc.invalidateQueries({ queryKey: [...orderKeys.all, 'counts'] });
}

export function useOrderAction(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: { action: string; reason?: string; etag: string | null }) =>
      postOrderAction(id, vars.action, { reason: vars.reason, etag: vars.etag }),
    // On a 412 the page keeps what the operator was looking at; the conflict dialog's reload fetches the new state.
    onSuccess: (result) => afterOrderChange(qc, result),
  });
}

export function useEditLines(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (vars: { lines: LineInput[]; etag: string | null }) => {
      const { data, etag } = await unwrapWithEtag(
        api.PUT('/api/omni_sales/orders/{order_id}/lines', {
          params: { path: { order_id: id }, header: vars.etag ? { 'if-match': vars.etag } : undefined },
          body: { lines: vars.lines },
        }),
      );
      return { order: data, etag };
    },
    onSuccess: (result) => afterOrderChange(qc, result),
  });
}

export interface BulkTarget {
  id: number;
  number: string;
}

export interface BulkResult extends BulkTarget {
  ok: boolean;
  message: string;
  status?: number;
  approveStatus?: number | null;
}

/**
 * One request per order, one after the other: each order keeps its own guards (approval role, stock,
 * transition table), and the operator gets a line per order instead of an all-or-nothing answer.
 */
export function useBulkAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (vars: {
      action: OrderAction;
      targets: BulkTarget[];
      reason?: string;
      onProgress?: (done: number) => void;
    }): Promise<BulkResult[]> => {
      const results: BulkResult[] = [];
      for (const target of vars.targets) {
        try {
          const { order } = await postOrderAction(target.id, vars.action, { reason: vars.reason });
          results.push({ ...target, ok: true, message: order.status_label, status: order.status, approveStatus: order.approve_status });
        } catch (err) {
          const message = err instanceof ApiError ? err.message : String(err);
          results.push({ ...target, ok: false, message });
        }
        vars.onProgress?.(results.length);
      }
      return results;
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}
