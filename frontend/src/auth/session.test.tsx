import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { session } from '@/auth/session';
import { json, mockApi, renderApp } from '@/test/utils';

describe('the session', () => {
  it('goes back to login on a refused token and remembers the page', async () => {
    mockApi({
      'GET /api/omni_sales/orders/:id': () =>
        json({ title: 'Not authenticated', status: 401, detail: 'the token has expired' }, { status: 401 }),
      'GET /api/omni_sales/channels': () =>
        json({ title: 'Not authenticated', status: 401, detail: 'the token has expired' }, { status: 401 }),
    });
    const { router } = renderApp('/admin/omni_sales/orders/7');
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(router.state.location.search).toEqual({ redirect: '/admin/omni_sales/orders/7' });
    expect(await screen.findByText(/Your session expired/)).toBeInTheDocument();
    expect(session.token()).toBeNull();
  });

  it('refuses a redirect that leaves the console', async () => {
    mockApi({});
    session.reset();
    const { router } = renderApp('/admin/login?redirect=https://evil.example/');
    session.logout();
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(router.state.location.search).toEqual({});
  });
});
