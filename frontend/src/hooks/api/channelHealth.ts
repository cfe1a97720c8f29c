import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/api/client';

export type ChannelHealth = Schemas['ChannelHealthOut'];

export const channelHealthKeys = {
  all: ['channel_health'] as const,
};

/** Every channel's last webhook, last event, last pull and open sync errors; refreshed with the queue. */
export function useChannelHealth() {
  return useQuery({
    queryKey: channelHealthKeys.all,
    queryFn: ({ signal }) => unwrap(api.GET('/api/omni_sales/channels/health', { signal })).then((p) => p.items),
    refetchInterval: 60_000,
  });
}
