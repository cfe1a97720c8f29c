import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';
import { channelHealthKeys } from './channelHealth';
import { keysetPaging } from './keyset';
import { orderKeys } from './orders';

export type SyncEntry = Schemas['SyncEntryOut'];
export type SyncEntryDetail = Schemas['SyncEntryDetail'];
export type RetryResult = Schemas['RetryOut'];
export type BulkRetryResult = Schemas['BulkRetryOut'];
export type SyncErrorType = SyncEntry['error_type'];
export type SyncStatus = SyncEntry['status'];
export type SyncDirection = SyncEntry['direction'];
export type SyncAction = 'retry' | 'resolve' | 'ignore';

export const SYNC_ERROR_TYPES = [
  'missing_sku',
  'customer_not_created',
  'payment_not_recognised',
  'stock_insufficient',
  'remote_error',
  'other',
] as const satisfies readonly SyncErrorType[];

export interface SyncLogFilters {
  channel?: number;
  status?: SyncStatus;
  error_type?: SyncErrorType;
  direction?: SyncDirection;
}

export const syncLogKeys = {
  all: ['sync_log'] as const,
  lists: () => [...syncLogKeys.all, 'list'] as const,
  list: (f: SyncLogFilters) => [...syncLogKeys.lists(), f] as const,
  detail: (id: number) => [...syncLogKeys.all, 'detail', id] as const,
};

export function useSyncLog(f: SyncLogFilters) {
  return useInfiniteQuery({
    ...keysetPaging,
    queryKey: syncLogKeys.list(f),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/omni_sales/sync_log', {
          params: {
            query: {
              channel_id: f.channel,
              status: f.status,
              error_type: f.error_type,
              direction: f.direction,
              cursor: pageParam,
              limit: 50,
            },
          },
          signal,
        }),
      ),
    refetchInterval: 60_000,
  });
}

/** One entry with the shop's payload as it was received (only read when the operator opens it). */
export function useSyncEntry(id: number | undefined) {
  return useQuery({
    queryKey: syncLogKeys.detail(id ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/omni_sales/sync_log/{entry_id}', { params: { path: { entry_id: id ?? 0 } }, signal })),
    enabled: id !== undefined,
  });
}

/** The entry as it is after the action: a retry also says what the import did. */
export type ActionResult = { action: 'retry'; result: RetryResult } | { action: 'resolve' | 'ignore'; result: SyncEntry };

export function useSyncAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: number; action: SyncAction }): Promise<ActionResult> => {
      const params = { params: { path: { entry_id: id } } };
      if (action === 'retry') {
        return { action, result: await unwrap(api.POST('/api/omni_sales/sync_log/{entry_id}/retry', params)) };
      }
      const path = action === 'resolve' ? '/api/omni_sales/sync_log/{entry_id}/resolve' : '/api/omni_sales/sync_log/{entry_id}/ignore';
      return { action, result: await unwrap(api.POST(path, params)) };
    },
    onSettled: (_data, _error, { id }) => {
      void qc.invalidateQueries({ queryKey: syncLogKeys.lists() });
      void qc.invalidateQueries({ queryKey: syncLogKeys.detail(id) });
      void qc.invalidateQueries({ queryKey: channelHealthKeys.all });
      // A successful retry puts an order in the queue.
      void qc.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}

export function useBulkRetry() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { error_type: SyncErrorType; channel_id?: number }) =>
      unwrap(api.POST('/api/omni_sales/sync_log/retry', { body })),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: syncLogKeys.all });
      void qc.invalidateQueries({ queryKey: channelHealthKeys.all });
      void qc.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}
