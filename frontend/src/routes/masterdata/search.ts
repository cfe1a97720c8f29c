import { z } from 'zod';

/** List screens keep their search and the open dialog in the URL (?q=…&edit=12 or edit=new). */
export const listSearch = z.object({
  q: z.string().max(100).optional().catch(undefined),
  edit: z
    .union([z.literal('new'), z.coerce.number().int().positive()])
    .optional()
    .catch(undefined),
});

export type ListSearch = z.infer<typeof listSearch>;

/** Channels: `focus=payments` opens the edited channel at its payment mappings (the sync log's shortcut for an
 * order whose payment method is not mapped). */
export const channelSearch = listSearch.extend({
  focus: z.enum(['payments']).optional().catch(undefined),
});

export type ChannelSearch = z.infer<typeof channelSearch>;

export const customerSearch = listSearch.extend({
  type: z.enum(['b2b', 'b2c']).optional().catch(undefined),
});

export const stockSearch = z.object({
  sku: z.string().max(64).optional().catch(undefined),
  warehouse: z.coerce.number().int().positive().optional().catch(undefined),
  available: z
    .enum(['1'])
    .optional()
    .catch(undefined),
  receipt: z.enum(['new']).optional().catch(undefined),
});
