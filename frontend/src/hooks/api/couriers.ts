import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Client } from 'openapi-fetch';
import { api, unwrap } from '@/api/client';

// Hand-written until openapi/openapi.json is regenerated with /api/couriers (then `make client`): the shapes of
// api/schemas/couriers.py. After regeneration these become Schemas['CourierAccountOut'] etc. and `couriersApi`
// becomes `api` itself.

export const COURIERS = ['innoship', 'cargus', 'fancourier', 'palex'] as const;
export type CourierName = (typeof COURIERS)[number];
export type LabelFormat = 'a4' | 'thermal';
type SettingValue = boolean | number | string | string[];

export interface CourierSender {
  name?: string | null;
  phone?: string | null;
  street?: string | null;
  city?: string | null;
  county?: string | null;
  postcode?: string | null;
  country?: string | null;
  email?: string | null;
  company?: string | null;
  contact?: string | null;
}

export interface CourierAccount {
  id: number;
  courier: string;
  name: string;
  base_url: string;
  /** The credential keys that hold a value; the values themselves are never sent back. */
  credentials_set: string[];
  default_service: string | null;
  label_format: string;
  concurrency: number;
  sender: CourierSender & { country: string };
  settings: Record<string, unknown>;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface CourierAccountInput {
  courier: CourierName;
  name: string;
  base_url?: string | null;
  credentials?: Record<string, string>;
  default_service?: string | null;
  label_format?: LabelFormat;
  concurrency?: number;
  sender?: CourierSender;
  settings?: Record<string, SettingValue>;
  active?: boolean;
}

/** PATCH: fields left out keep their value; a credential "" or a sender field/setting null removes that key. */
export interface CourierAccountPatch {
  name?: string;
  base_url?: string;
  credentials?: Record<string, string>;
  default_service?: string | null;
  label_format?: LabelFormat;
  concurrency?: number;
  sender?: CourierSender;
  settings?: Record<string, SettingValue | null>;
  active?: boolean;
}

interface CourierAccountPage {
  items: CourierAccount[];
  next_cursor: string | null;
}

type Json<T> = { content: { 'application/json': T } };
type AccountPath = { query?: never; header?: never; path: { account_id: number }; cookie?: never };

/** The two paths in the shape openapi-typescript generates, so the calls below keep their types. */
interface CourierPaths {
  '/api/couriers': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: {
        query?: { courier?: CourierName; active?: boolean; cursor?: string; limit?: number };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: Json<CourierAccountPage> & { headers: { [name: string]: unknown } } };
    };
    post: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody: Json<CourierAccountInput>;
      responses: { 201: Json<CourierAccount> & { headers: { [name: string]: unknown } } };
    };
  };
  '/api/couriers/{account_id}': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: AccountPath;
      requestBody?: never;
      responses: { 200: Json<CourierAccount> & { headers: { [name: string]: unknown } } };
    };
    patch: {
      parameters: AccountPath;
      requestBody: Json<CourierAccountPatch>;
      responses: { 200: Json<CourierAccount> & { headers: { [name: string]: unknown } } };
    };
  };
}

// The same client (base URL, bearer token, 401 handling), typed for the paths above.
const couriersApi = api as unknown as Client<CourierPaths>;

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
        const page = await unwrap(couriersApi.GET('/api/couriers', { params: { query: { cursor, limit: 200 } }, signal }));
        all.push(...page.items);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      return all;
    },
    staleTime: 60_000,
  });
}

export function useCreateCourierAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CourierAccountInput) => unwrap(couriersApi.POST('/api/couriers', { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: courierKeys.all }),
  });
}

export function useUpdateCourierAccount(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CourierAccountPatch) =>
      unwrap(couriersApi.PATCH('/api/couriers/{account_id}', { params: { path: { account_id: id } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: courierKeys.all }),
  });
}
