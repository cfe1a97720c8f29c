import { createRoute, redirect } from '@tanstack/react-router';
import { session } from '@/auth/session';
import { appRoute } from '@/routes/_app/route';
import { ApiKeysPage } from './api-keys/ApiKeysPage';
import { ChannelsPage } from './channels/ChannelsPage';
import { couriersRoute } from './couriers/route';
import { CustomersPage } from './customers/CustomersPage';
import { PriceListsPage } from './price-lists/PriceListsPage';
import { ProductsPage } from './products/ProductsPage';
import { channelSearch, customerSearch, listSearch, stockSearch } from './search';
import { StockPage } from './stock/StockPage';
import { UsersPage } from './users/UsersPage';

/** Users and API keys are for administrators; everyone else goes back to the queue. */
const adminOnly = () => {
  if (!session.user()?.roles.includes('admin')) throw redirect({ to: '/omni_sales/order_list' });
};

export const channelsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'omni_sales/channels',
  validateSearch: channelSearch,
  component: ChannelsPage,
});

export const productsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'products',
  validateSearch: listSearch,
  component: ProductsPage,
});

export const customersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'customers',
  validateSearch: customerSearch,
  component: CustomersPage,
});

export const stockRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'warehouse/stock',
  validateSearch: stockSearch,
  component: StockPage,
});

export const priceListsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'sales/price_lists',
  validateSearch: listSearch,
  component: PriceListsPage,
});

export const usersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'users',
  validateSearch: listSearch,
  beforeLoad: adminOnly,
  component: UsersPage,
});

export const apiKeysRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'api_keys',
  beforeLoad: adminOnly,
  component: ApiKeysPage,
});

export const masterDataRoutes = [
  channelsRoute,
  productsRoute,
  customersRoute,
  stockRoute,
  priceListsRoute,
  usersRoute,
  apiKeysRoute,
  couriersRoute,
] as const;
