import type { QueryClient } from '@tanstack/react-query';
import { createRoute, createRouter, redirect } from '@tanstack/react-router';
import { appRoute } from '@/routes/_app/route';
import { loginRoute } from '@/routes/login/route';
import { masterDataRoutes } from '@/routes/masterdata';
import { backOrdersRoute } from '@/routes/omni_sales/back-orders/route';
import { diarySyncRoute } from '@/routes/omni_sales/diary-sync/route';
import { orderDetailRoute } from '@/routes/omni_sales/order-detail/route';
import { orderListRoute } from '@/routes/omni_sales/order-list/route';
import { rootRoute } from '@/routes/root';
import { warehouseRoutes } from '@/routes/warehouse';

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/omni_sales/order_list' });
  },
});

export const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([indexRoute, orderListRoute, orderDetailRoute, backOrdersRoute, diarySyncRoute, ...masterDataRoutes, ...warehouseRoutes]),
]);

/** Plain query strings (?status=0,1&age=4h) rather than JSON-encoded values: readable, shareable URLs. */
function parseSearch(search: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(search.startsWith('?') ? search.slice(1) : search));
}

function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  // Commas stay readable (status=0,1): they are legal in a query and mean nothing special to URLSearchParams.
  const s = params.toString().replace(/%2C/gi, ',');
  return s ? `?${s}` : '';
}

export function makeRouter(queryClient: QueryClient, opts: { history?: Parameters<typeof createRouter>[0]['history'] } = {}) {
  return createRouter({
    routeTree,
    basepath: '/admin',
    context: { queryClient },
    parseSearch,
    stringifySearch,
    defaultPreload: false,
    scrollRestoration: true,
    history: opts.history,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
