import { createRoute } from '@tanstack/react-router';
import { appRoute } from '@/routes/_app/route';
import { BackOrdersPage } from './BackOrdersPage';

export const backOrdersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'omni_sales/back_orders',
  component: BackOrdersPage,
});
