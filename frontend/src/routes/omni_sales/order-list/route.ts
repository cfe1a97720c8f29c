import { createRoute } from '@tanstack/react-router';
import { appRoute } from '@/routes/_app/route';
import { OrderListPage } from './OrderListPage';
import { queueSearch } from './search';

export const orderListRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'omni_sales/order_list',
  validateSearch: queueSearch,
  component: OrderListPage,
});
