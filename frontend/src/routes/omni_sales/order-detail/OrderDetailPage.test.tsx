import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '@/test/utils';
import { order } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';
import { ActionButtons } from './components/ActionButtons';
import { ConflictDialog } from './components/ConflictDialog';

const channels = () => json({ items: [{ id: 3, name: 'Magazin online' }], next_cursor: null });

describe('the action buttons', () => {
  it('shows one button per allowed action, line editing aside', () => {
    const onAction = vi.fn();
    renderWithProviders(<ActionButtons allowed={['confirm', 'hold', 'cancel', 'edit-lines']} pending={null} onAction={onAction} />);
    const group = screen.getByTestId('order-actions');
    const names = within(group).getAllByRole('button').map((b) => b.textContent);
    expect(names).toEqual(['Confirm', 'Put on hold', 'Cancel order']);
  });

  it('says so when nothing is allowed', () => {
    renderWithProviders(<ActionButtons allowed={['edit-lines']} pending={null} onAction={() => {}} />);
    expect(screen.getByTestId('no-actions')).toHaveTextContent('Nothing you can do');
  });

  it('disables the other buttons while one action runs', () => {
    renderWithProviders(<ActionButtons allowed={['approve', 'reject']} pending="approve" onAction={() => {}} />);
    expect(screen.getByRole('button', { name: 'Reject' })).toBeDisabled();
  });

  it('confirms with the ETag it read, then shows the new state and its actions', async () => {
    const api = mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order(), { headers: { ETag: '"1-3"' } }),
      'POST /api/omni_sales/orders/:id/confirm': () =>
        json(order({ status: 3, status_label: 'confirmed', version: 4, allowed_actions: ['hold', 'cancel'] }), {
          headers: { ETag: '"1-4"' },
        }),
      'GET /api/omni_sales/channels': channels,
    });
    renderApp('/admin/omni_sales/orders/1');
    await userEvent.click(await screen.findByRole('button', { name: 'Confirm' }));

    const post = await waitFor(() => {
      const c = api.calls.find((x) => x.method === 'POST');
      expect(c).toBeDefined();
      return c!;
    });
    expect(post.url.pathname).toBe('/api/omni_sales/orders/1/confirm');
    expect(post.headers.get('if-match')).toBe('"1-3"');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Confirm' })).not.toBeInTheDocument());
    expect(within(screen.getByTestId('order-actions')).getAllByRole('button').map((b) => b.textContent)).toEqual([
      'Put on hold',
      'Cancel order',
    ]);
  });

  it('asks for a reason before holding, and sends it', async () => {
    const api = mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order(), { headers: { ETag: '"1-3"' } }),
      'POST /api/omni_sales/orders/:id/hold': () =>
        json(order({ status: 9, held_from: 0, version: 4, allowed_actions: ['resume', 'cancel'] }), { headers: { ETag: '"1-4"' } }),
      'GET /api/omni_sales/channels': channels,
    });
    renderApp('/admin/omni_sales/orders/1');
    await userEvent.click(await screen.findByRole('button', { name: 'Put on hold' }));
    const dialog = await screen.findByRole('dialog');
    // An empty reason is refused here, before the server is asked.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Put on hold' }));
    expect(await within(dialog).findByText('A reason is required')).toBeInTheDocument();
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.type(within(dialog).getByLabelText(/Reason/), 'Customer asked to wait for payday');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Put on hold' }));
    await waitFor(() => expect(api.calls.some((c) => c.method === 'POST')).toBe(true));
    const post = api.calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ reason: 'Customer asked to wait for payday' });
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeInTheDocument();
  });

  it("shows the server's refusal (problem detail) in a toast", async () => {
    mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order(), { headers: { ETag: '"1-3"' } }),
      'POST /api/omni_sales/orders/:id/confirm': () =>
        json({ type: 'x', title: 'Conflict', status: 409, detail: 'not enough stock for TSHIRT-RED-M' }, { status: 409 }),
      'GET /api/omni_sales/channels': channels,
    });
    renderApp('/admin/omni_sales/orders/1');
    await userEvent.click(await screen.findByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('not enough stock for TSHIRT-RED-M')).toBeInTheDocument();
  });
});

describe('the conflict dialog', () => {
  it('renders the explanation and a reload button', async () => {
    const onReload = vi.fn();
    renderWithProviders(<ConflictDialog opened detail="order 1 is at version 5" reloading={false} onReload={onReload} onClose={() => {}} />);
    expect(screen.getByText('Someone else changed this order')).toBeInTheDocument();
    expect(screen.getByText('order 1 is at version 5')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reload the order' }));
    expect(onReload).toHaveBeenCalledOnce();
  });

  it('appears on a 412 and reloads the current version of the order', async () => {
    let version = 3;
    const api = mockApi({
      'GET /api/omni_sales/orders/:id': () =>
        json(
          order({
            version,
            status: version > 3 ? 9 : 0,
            held_from: version > 3 ? 0 : null,
            allowed_actions: version > 3 ? ['resume', 'cancel'] : ['confirm', 'hold', 'cancel'],
          }),
          { headers: { ETag: `"1-${version}"` } },
        ),
      'POST /api/omni_sales/orders/:id/confirm': () =>
        json(
          { type: 'https://oms.local/problems/stale-version', title: 'Precondition failed', status: 412, detail: 'order 1 changed; reload it and try again' },
          { status: 412 },
        ),
      'GET /api/omni_sales/channels': channels,
    });
    renderApp('/admin/omni_sales/orders/1');
    await screen.findByRole('button', { name: 'Confirm' });
    version = 4; // a colleague put the order on hold meanwhile

    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Someone else changed this order')).toBeInTheDocument();
    expect(within(dialog).getByText(/reload it and try again/)).toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Reload the order' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Confirm' })).not.toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/omni_sales/orders/1').length).toBeGreaterThanOrEqual(2);
  });
});
