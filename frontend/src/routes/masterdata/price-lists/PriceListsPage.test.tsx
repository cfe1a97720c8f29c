import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Customer } from '@/hooks/api/customers';
import { json, mockApi, renderApp } from '@/test/utils';

const customer = (id: number, name: string, priceListId: number | null): Customer => ({
  id,
  type: 'b2b',
  name,
  email: `${name.split(' ')[0].toLowerCase()}@example.ro`,
  phone: null,
  company: name,
  vat_code: null,
  edi_id: null,
  addresses: [],
  price_list_id: priceListId,
  loyalty_points: 0,
  created_at: '2026-11-20T08:00:00Z',
  updated_at: '2026-11-20T08:00:00Z',
});

describe('price list customers', () => {
  it('assigns the customers a sales manager finds and lists them', async () => {
    const people = [customer(7, 'Carpati Distributie SRL', null), customer(8, 'Carpati Retail SRL', 3), customer(9, 'Dacia Trade SRL', 2)];
    const list = () => ({
      id: 2,
      name: 'Distribuitori',
      currency: 'RON',
      prices_include_vat: false,
      item_count: 0,
      customer_count: people.filter((p) => p.price_list_id === 2).length,
      created_at: '2026-11-20T08:00:00Z',
      items: [],
    });
    const api = mockApi({
      'GET /api/sales/price_lists': () => json({ items: [list()], next_cursor: null }),
      'GET /api/sales/price_lists/:id': () => json(list()),
      'GET /api/customers': (_req, url) => {
        const q = url.searchParams.get('q')?.toLowerCase();
        const pl = url.searchParams.get('price_list_id');
        const items = people.filter((p) => (!pl || String(p.price_list_id) === pl) && (!q || p.name.toLowerCase().includes(q)));
        return json({ items, next_cursor: null });
      },
      'POST /api/sales/price_lists/:id/customers': async (req) => {
        const { customer_ids } = (await req.json()) as { customer_ids: number[] };
        people.forEach((p) => customer_ids.includes(p.id) && (p.price_list_id = 2));
        return json({ price_list_id: 2, customer_ids });
      },
    });
    renderApp('/admin/sales/price_lists?edit=2', ['sales_manager']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('tab', { name: /Customers \(1\)/ }));
    const section = within(dialog).getByTestId('price-list-customers');
    expect(await within(section).findByText('Dacia Trade SRL')).toBeInTheDocument();

    await userEvent.type(within(section).getByRole('combobox', { name: 'Add customers' }), 'carpati');
    await waitFor(() => expect(api.calls.some((c) => c.url.searchParams.get('q') === 'carpati')).toBe(true));
    await userEvent.click(await screen.findByRole('option', { name: /Carpati Distributie SRL/ }));
    await userEvent.click(await screen.findByRole('option', { name: /Carpati Retail SRL/ }));
    await userEvent.click(within(section).getByRole('button', { name: 'Assign' }));

    await waitFor(() => expect(api.calls.some((c) => c.method === 'POST')).toBe(true));
    const post = api.calls.find((c) => c.method === 'POST')!;
    expect(post.url.pathname).toBe('/api/sales/price_lists/2/customers');
    expect(post.body).toEqual({ customer_ids: [7, 8] });
    expect(await within(section).findByText('Carpati Retail SRL')).toBeInTheDocument();
    expect(within(section).getByText('Carpati Distributie SRL')).toBeInTheDocument();
    expect(await within(dialog).findByRole('tab', { name: /Customers \(3\)/ })).toBeInTheDocument();
  });

  it('only lists them for someone who may not change prices', async () => {
    mockApi({
      'GET /api/sales/price_lists': () => json({ items: [], next_cursor: null }),
      'GET /api/sales/price_lists/:id': () =>
        json({ id: 2, name: 'Distribuitori', currency: 'RON', prices_include_vat: false, item_count: 0, customer_count: 1, created_at: '2026-11-20T08:00:00Z', items: [] }),
      'GET /api/customers': () => json({ items: [customer(9, 'Dacia Trade SRL', 2)], next_cursor: null }),
    });
    renderApp('/admin/sales/price_lists?edit=2', ['operator']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(await within(dialog).findByRole('tab', { name: /Customers/ }));
    expect(await within(dialog).findByText('Dacia Trade SRL')).toBeInTheDocument();
    expect(within(dialog).queryByRole('combobox', { name: 'Add customers' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Remove' })).not.toBeInTheDocument();
  });
});
