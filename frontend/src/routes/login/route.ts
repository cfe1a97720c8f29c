import { createRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { rootRoute } from '@/routes/root';
import { LoginPage } from './LoginPage';

export const loginSearch = z.object({
  // The page to go back to after signing in; only our own pages are accepted (no open redirect), and never
  // the login page itself (logging out lands here with it, and signing in again must leave).
  redirect: z
    .string()
    .regex(/^\/admin\/(?!\/|login(?:[/?#]|$))/)
    .optional()
    .catch(undefined),
});

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'login',
  validateSearch: loginSearch,
  component: LoginPage,
});
