import { createRoute, redirect } from '@tanstack/react-router';
import { session } from '@/auth/session';
import { rootRoute } from '@/routes/root';
import { AppLayout } from './AppLayout';

/** Every page behind the login: an expired or missing session goes to /login, remembering the page. */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: ({ location }) => {
    if (!session.isValid()) {
      throw redirect({ to: '/login', search: { redirect: location.publicHref ?? `/admin${location.href}` } });
    }
  },
  component: AppLayout,
});
