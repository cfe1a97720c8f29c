import { keepPreviousData } from '@tanstack/react-query';

/**
 * useInfiniteQuery options for the API's keyset-paginated collections ({items, next_cursor}): the cursor of
 * the last page asks for the next one, and the previous rows stay on screen while a new filter loads.
 */
export const keysetPaging = {
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (last: { next_cursor?: string | null }) => last.next_cursor ?? undefined,
  placeholderData: keepPreviousData,
};
