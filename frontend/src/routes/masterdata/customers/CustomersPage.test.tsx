import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Customer } from '@/hooks/api/customers';
import { json, mockApi, renderApp } from '@/test/utils';

const CARPATI: Customer = {
  id: 7,
  type: 'b2b',
  name: 'Carpati Distributie SRL',
  email: 'comenzi@carpati.ro',
  phone: null,
  company: 'Carpati Distributie SRL',
  vat_code: 'RO18547290',
  edi_id: null,
  addresses: [
    { name: 'Depozit Brasov', street: 'Str. Lunga 5', city: 'Brasov', county: 'BV', postcode: '500035', country: 'RO', phone: null, company: null },
  ],
  price_list_id: null,
  loyalty_points: 0,
  created_at: '2026-11-20T08:00:00Z',
  updated_at: '2026-11-20T08:00:00Z',
};

const writes = (api: ReturnType<typeof mockApi>) => api.calls.filter((c) => c.method !== 'GET');

describe('the customer form', () => {
  it('edits the list of addresses and sends it whole', async () => {
    const api = mockApi({
      'GET /api/customers': () => json({ items: [CARPATI], next_cursor: null }),
      'PATCH /api/customers/:id': async (req) => json({ ...CARPATI, ...((await req.json()) as object) }),
    });
    renderApp('/admin/customers?edit=7', ['operator']);
    const dialog = await screen.findByRole('dialog');
    const section = within(dialog).getByTestId('customer-addresses');
    expect(within(section).getAllByTestId('customer-address')).toHaveLength(1);
    expect(within(section).getByLabelText(/^Street/)).toHaveValue('Str. Lunga 5');

    await userEvent.click(within(section).getByRole('button', { name: 'Add address' }));
    const second = within(section).getAllByTestId('customer-address')[1];
    // A new address starts with the customer's name; street and city are required.
    expect(within(second).getByLabelText(/^Name/)).toHaveValue('Carpati Distributie SRL');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(second).getByLabelText(/^Street/)).toHaveAccessibleDescription('Required');
    expect(writes(api)).toHaveLength(0);

    await userEvent.type(within(second).getByLabelText(/^Street/), 'Bd. Unirii 10');
    await userEvent.type(within(second).getByLabelText(/^City/), 'București');
    await userEvent.type(within(second).getByLabelText(/^Phone/), '0722 000 111');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(writes(api)).toHaveLength(1));
    expect(writes(api)[0].body).toMatchObject({
      name: 'Carpati Distributie SRL',
      addresses: [
        { name: 'Depozit Brasov', street: 'Str. Lunga 5', city: 'Brasov', county: 'BV', postcode: '500035', country: 'RO', phone: null, company: null },
        { name: 'Carpati Distributie SRL', street: 'Bd. Unirii 10', city: 'București', county: '', postcode: '', country: 'RO', phone: '0722 000 111', company: null },
      ],
    });
  });

  it('removes an address, and shows a refused address field where it is', async () => {
    const api = mockApi({
      'GET /api/customers': () => json({ items: [{ ...CARPATI, addresses: [CARPATI.addresses[0], { ...CARPATI.addresses[0], name: 'Sediu' }] }], next_cursor: null }),
      'PATCH /api/customers/:id': () =>
        json(
          { title: 'Unprocessable Content', status: 422, detail: 'the request does not match the schema', errors: [{ field: 'addresses[0].postcode', message: 'String should have at most 20 characters' }] },
          { status: 422 },
        ),
    });
    renderApp('/admin/customers?edit=7', ['operator']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove address 1' }));
    const rows = within(dialog).getAllByTestId('customer-address');
    expect(rows).toHaveLength(1);
    expect(within(rows[0]).getByLabelText(/^Name/)).toHaveValue('Sediu');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(rows[0]).getByLabelText(/^Postcode/)).toHaveAccessibleDescription(/at most 20 characters/));
    expect((writes(api)[0].body as { addresses: unknown[] }).addresses).toHaveLength(1);
  });
});
