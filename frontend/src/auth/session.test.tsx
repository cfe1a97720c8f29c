import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

  it('signs in again after logging out, instead of staying on the login page', async () => {
    mockApi({
      'POST /api/auth/login': () =>
        json({ access_token: 'new-token', token_type: 'bearer', expires_in: 3600, user: { id: 2, email: 'm@test.local', name: 'Mihai', roles: ['sales_manager'] } }),
      'GET /api/omni_sales/orders': () => json({ items: [], next_cursor: null }),
      'GET /api/omni_sales/orders/counts': () => json({ counts: [], total: 0 }),
      'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
      'GET /api/products': () => json({ items: [], next_cursor: null }),
    });
    const { router } = renderApp('/admin/products');
    await userEvent.click(await screen.findByRole('button', { name: 'Log out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    await userEvent.type(screen.getByLabelText(/^Email/), 'm@test.local');
    await userEvent.type(screen.getByLabelText(/^Password/), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/omni_sales/order_list'));
    expect(await screen.findByTestId('current-user')).toHaveTextContent('Mihai');
  });
});
