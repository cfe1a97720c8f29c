import { createRoute } from '@tanstack/react-router';
import { appRoute } from '@/routes/_app/route';
import { DeliveryNotesPage } from './delivery-notes/DeliveryNotesPage';
import { PackingListPage } from './packing-lists/PackingListPage';
import { deliveryNoteSearch, packingListSearch } from './search';

export const packingListRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'warehouse/manage_packing_list',
  validateSearch: packingListSearch,
  component: PackingListPage,
});

export const deliveryNotesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'warehouse/delivery_notes',
  validateSearch: deliveryNoteSearch,
  component: DeliveryNotesPage,
});

export const warehouseRoutes = [packingListRoute, deliveryNotesRoute] as const;
