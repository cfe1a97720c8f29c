import { createRoute } from '@tanstack/react-router';
import { appRoute } from '@/routes/_app/route';
import { DiarySyncPage } from './DiarySyncPage';
import { syncSearch } from './search';

export const diarySyncRoute = createRoute({
  getParentRoute: () => appRoute,
  path: 'omni_sales/diary_sync',
  validateSearch: syncSearch,
  component: DiarySyncPage,
});
