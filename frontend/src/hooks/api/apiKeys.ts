import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type BodyOf, type ResponseOf } from '@/api/client';

export type ApiKey = ResponseOf<'/api/api_keys', 'get'>['items'][number];
export type NewApiKey = ResponseOf<'/api/api_keys', 'post'>;
export type ApiKeyInput = BodyOf<'/api/api_keys', 'post'>;

export const apiKeyKeys = {
  all: ['api-keys'] as const,
  lists: () => [...apiKeyKeys.all, 'list'] as const,
};

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeyKeys.lists(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/api_keys', { params: { query: { limit: 200 } }, signal })),
  });
}

/** The answer carries the key itself, once: the caller shows it and never stores it. */
export function useCreateApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyInput) => unwrap(api.POST('/api/api_keys', { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: apiKeyKeys.lists() }),
  });
}

export function useRevokeApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/api/api_keys/{key_id}', { params: { path: { key_id: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: apiKeyKeys.lists() }),
  });
}
