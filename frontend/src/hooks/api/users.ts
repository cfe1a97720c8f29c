import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type BodyOf, type ResponseOf } from '@/api/client';

export type User = ResponseOf<'/api/users/{user_id}', 'get'>;
export type UserInput = BodyOf<'/api/users', 'post'>;
export type UserPatch = BodyOf<'/api/users/{user_id}', 'patch'>;

export const userKeys = {
  all: ['users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  detail: (id: number) => [...userKeys.all, 'detail', id] as const,
};

export function useUsers() {
  return useQuery({
    queryKey: userKeys.lists(),
    queryFn: ({ signal }) => unwrap(api.GET('/api/users', { params: { query: { limit: 200 } }, signal })),
  });
}

export function useSaveUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: number; body: UserInput | UserPatch }) =>
      v.id
        ? unwrap(api.PATCH('/api/users/{user_id}', { params: { path: { user_id: v.id } }, body: v.body as UserPatch }))
        : unwrap(api.POST('/api/users', { body: v.body as UserInput })),
    onSuccess: (u) => {
      qc.setQueryData(userKeys.detail(u.id), u);
      void qc.invalidateQueries({ queryKey: userKeys.lists() });
    },
  });
}
