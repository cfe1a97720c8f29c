import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockApi, renderApp } from '@/test/utils';

const product = (id: number) => ({
  id,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  price: '10.00',
  vat_rate: '19',
  ean: null,
  active: true,
  created_at: '2026-11-20T08:00:00Z',
  updated_at: '2026-11-20T08:00:00Z',
});

// The products screen stands for every list screen built on ListPage.
describe('a list screen', () => {
  it('searches through the URL, pages with the cursor and opens the edit dialog from the row', async () => {
    const api = mockApi({
      'GET /api/products': (_req, url) =>
        url.searchParams.get('cursor') === 'c2'
          ? json({ items: [product(3)], next_cursor: null })
          : json({ items: [product(1), product(2)], next_cursor: 'c2' }),
    });
    const { router } = renderApp('/admin/products', ['operator']);
    expect(await screen.findByText('SKU-2')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('SKU-3')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(api.calls.at(-1)!.url.searchParams.get('cursor')).toBe('c2');

    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'SKU-1' } });
    await waitFor(() => expect(router.state.location.search).toEqual({ q: 'SKU-1' }));
    await waitFor(() => expect(api.calls.at(-1)!.url.searchParams.get('q')).toBe('SKU-1'));

    await userEvent.click(screen.getAllByRole('button', { name: 'Edit' })[0]);
    await waitFor(() => expect(router.state.location.href).toBe('/products?q=SKU-1&edit=1'));
    expect(await screen.findByRole('dialog')).toHaveTextContent('Edit: SKU-1');
  });

  it("shows the problem's detail with a retry, and an empty state", async () => {
    let fail = true;
    mockApi({
      'GET /api/products': () =>
        fail ? json({ title: 'Service Unavailable', status: 503, detail: 'the database is restarting' }, { status: 503 }) : json({ items: [], next_cursor: null }),
    });
    renderApp('/admin/products', ['operator']);
    expect(await screen.findByText('the database is restarting')).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No products match.')).toBeInTheDocument();
  });

  it('offers no New or Edit to a role that may not change the data', async () => {
    mockApi({ 'GET /api/products': () => json({ items: [product(1)], next_cursor: null }) });
    renderApp('/admin/products', ['warehouse']);
    expect(await screen.findByText('SKU-1')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New product' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });
});
