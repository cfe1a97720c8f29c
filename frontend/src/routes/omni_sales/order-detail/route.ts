import { createRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { appRoute } from '@/routes/_app/route';
import { OrderDetailPage } from './OrderDetailPage';

export const orderDetailRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'omni_sales/orders/$orderId',
  params: {
    parse: (raw) => ({ orderId: z.coerce.number().int().positive().catch(0).parse(raw.orderId) }),
    stringify: (p) => ({ orderId: String(p.orderId) }),
  },
  component: OrderDetailPage,
});
