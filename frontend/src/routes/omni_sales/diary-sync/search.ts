import { z } from 'zod';
import { SYNC_ERROR_TYPES } from '@/hooks/api/syncLog';

/** The sync log's filters and the entry whose payload is open live in the URL (a link can point at them). */
export const syncSearch = z.object({
  channel: z.coerce.number().int().positive().optional().catch(undefined),
  status: z.enum(['open', 'resolved', 'ignored']).optional().catch(undefined),
  error_type: z.enum(SYNC_ERROR_TYPES).optional().catch(undefined),
  direction: z.enum(['import', 'export']).optional().catch(undefined),
  entry: z.coerce.number().int().positive().optional().catch(undefined),
});

export type SyncSearch = z.infer<typeof syncSearch>;
