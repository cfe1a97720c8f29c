import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '@/api/client';
import { notifyError } from '@/lib/notify';

/** Query failures toast once (the problem's detail); mutations report through their own onError. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (err, query) => {
        // 401 already sent the user to login; a page shows its own 404.
        if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return;
        if (query.state.data !== undefined) notifyError(err); // a background refetch failed; the page still shows data
      },
    }),
    mutationCache: new MutationCache(),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      },
    },
  });
}
