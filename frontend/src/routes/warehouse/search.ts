import { z } from 'zod';
import { DELIVERY_NOTE_STATUSES } from '@/hooks/api/deliveryNotes';

/**
 * The packing list screen: which lists (`awb`: without AWB, the default; with AWB; all), one order's lists
 * (`order`, the order detail links here) and a running AWB batch (`batch`), so a reload keeps its progress.
 */
export const packingListSearch = z.object({
  awb: z.enum(['missing', 'present', 'all']).optional().catch(undefined),
  order: z.coerce.number().int().positive().optional().catch(undefined),
  batch: z.coerce.number().int().positive().optional().catch(undefined),
});

export type PackingListSearch = z.infer<typeof packingListSearch>;
export type AwbView = NonNullable<PackingListSearch['awb']>;

export const deliveryNoteSearch = z.object({
  status: z.enum(DELIVERY_NOTE_STATUSES).optional().catch(undefined),
  order: z.coerce.number().int().positive().optional().catch(undefined),
});

export type DeliveryNoteSearch = z.infer<typeof deliveryNoteSearch>;
