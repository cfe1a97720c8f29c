import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap, type Schemas } from '@/api/client';

// The shapes of api/schemas/couriers.py, as the generated client has them.
export type CourierAccount = Schemas['CourierAccountOut'];
export type CourierAccountInput = Schemas['CourierAccountIn'];
/** PATCH: fields left out keep their value; a credential "" or a sender field/setting null removes that key. */
export type CourierAccountPatch = Schemas['CourierAccountPatch'];
export type CourierSender = Schemas['CourierSenderIn'];
export type CourierName = CourierAccountInput['courier'];
export type LabelFormat = CourierAccountInput['label_format'];

/** Also the order the AWB dialogs offer them in: Innoship (price offers side by side) first. */
export const COURIERS = ['innoship', 'cargus', 'fancourier', 'palex'] as const satisfies readonly CourierName[];

export const courierKeys = {
  all: ['couriers'] as const,
  list: () => [...courierKeys.all, 'list'] as const,
};

/** One account per courier: a handful of rows, read in one go. */
export function useCourierAccounts() {
  return useQuery({
    queryKey: courierKeys.list(),
    queryFn: async ({ signal }) => {
      const all: CourierAccount[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await unwrap(api.GET('/api/couriers', { params: { query: { cursor, limit: 200 } }, signal }));
        all.push(...page.items);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      return all;
    },
    staleTime: 60_000,
  });
}

/**
 * The couriers an AWB can be made with: those with an active account (the API answers 422 for any other), in
 * COURIERS order. Empty until the accounts are read; `query` says whether they are loading or failed.
 */
export function useActiveCouriers() {
  const query = useCourierAccounts();
  const couriers = useMemo(
    () => COURIERS.filter((c) => (query.data ?? []).some((a) => a.courier === c && a.active)),
    [query.data],
  );
  return { query, couriers };
}

export function useCreateCourierAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CourierAccountInput) => unwrap(api.POST('/api/couriers', { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: courierKeys.all }),
  });
}

export function useUpdateCourierAccount(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CourierAccountPatch) =>
      unwrap(api.PATCH('/api/couriers/{account_id}', { params: { path: { account_id: id } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: courierKeys.all }),
  });
}
