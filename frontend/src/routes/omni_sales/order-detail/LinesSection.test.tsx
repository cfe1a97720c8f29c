import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { order } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';

describe('line editing', () => {
  it('is offered only when allowed and sends the new lines with the ETag', async () => {
    const api = mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order(), { headers: { ETag: '"1-3"' } }),
      'PUT /api/omni_sales/orders/:id/lines': () => json(order({ version: 4 }), { headers: { ETag: '"1-4"' } }),
      'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
    });
    renderApp('/admin/omni_sales/orders/1');
    await userEvent.click(await screen.findByTestId('edit-lines'));
    const table = screen.getByTestId('order-lines');
    fireEvent.change(within(table).getByLabelText('Qty'), { target: { value: '3' } });
    fireEvent.change(within(table).getByLabelText('Unit price'), { target: { value: '45,50' } });
    await userEvent.click(screen.getByTestId('save-lines'));

    await waitFor(() => expect(api.calls.some((c) => c.method === 'PUT')).toBe(true));
    const put = api.calls.find((c) => c.method === 'PUT')!;
    expect(put.headers.get('if-match')).toBe('"1-3"');
    expect(put.body).toEqual({ lines: [{ sku: 'TSHIRT-RED-M', quantity: '3', unit_price: '45.50', name: 'T-shirt' }] });
  });

  it('is not offered once the order is confirmed', async () => {
    mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order({ status: 3, allowed_actions: ['hold', 'cancel'] })),
      'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
    });
    renderApp('/admin/omni_sales/orders/1');
    await screen.findByTestId('order-lines');
    expect(screen.queryByTestId('edit-lines')).not.toBeInTheDocument();
  });
});
