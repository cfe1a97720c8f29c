import { createRoute } from '@tanstack/react-router';
import { appRoute } from '@/routes/_app/route';
import { listSearch } from '../search';
import { CouriersPage } from './CouriersPage';

/** /admin/couriers: every staff role reads the accounts; only administrators change them (the API enforces it). */
export const couriersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'couriers',
  validateSearch: listSearch,
  component: CouriersPage,
});
