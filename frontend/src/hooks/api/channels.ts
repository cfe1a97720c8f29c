import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

export type Channel = Schemas['ChannelOut'];
export type ChannelInput = Schemas['ChannelIn'];
export type ChannelPatch = Schemas['ChannelPatch'];

export const channelKeys = {
  all: ['channels'] as const,
  lists: () => [...channelKeys.all, 'list'] as const,
  list: () => [...channelKeys.lists(), 'all'] as const,
  detail: (id: number) => [...channelKeys.all, 'detail', id] as const,
};

/** Channels are few (one per shop, portal, EDI partner…): read them all, page after page. */
export function useChannels() {
  return useQuery({
    queryKey: channelKeys.list(),
    queryFn: async ({ signal }) => {
      const all: Channel[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await unwrap(
          api.GET('/api/omni_sales/channels', { params: { query: { cursor, limit: 200 } }, signal }),
        );
        all.push(...page.items);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      return all;
    },
    staleTime: 5 * 60_000,
  });
}

/** id -> name, for tables that only carry channel_id. */
export function useChannelNames(): (id: number) => string {
  const { data } = useChannels();
  return (id: number) => data?.find((c) => c.id === id)?.name ?? `#${id}`;
}

export function useChannel(id: number) {
  return useQuery({
    queryKey: channelKeys.detail(id),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/omni_sales/channels/{channel_id}', { params: { path: { channel_id: id } }, signal })),
  });
}

export function useCreateChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChannelInput) => unwrap(api.POST('/api/omni_sales/channels', { body })),
    onSuccess: (ch) => {
      qc.setQueryData(channelKeys.detail(ch.id), ch);
      void qc.invalidateQueries({ queryKey: channelKeys.lists() });
    },
  });
}

export function useUpdateChannel(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChannelPatch) =>
      unwrap(api.PATCH('/api/omni_sales/channels/{channel_id}', { params: { path: { channel_id: id } }, body })),
    onSuccess: (ch) => {
      qc.setQueryData(channelKeys.detail(ch.id), ch);
      void qc.invalidateQueries({ queryKey: channelKeys.lists() });
    },
  });
}
