import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { deliveryNote, order, packingList, shipment } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';

const channels = () => json({ items: [{ id: 3, name: 'Magazin online' }], next_cursor: null });
const confirmed = order({ status: 3, status_label: 'confirmed', allowed_actions: ['hold', 'cancel'] });

describe('delivery note from the order', () => {
  it('asks what to do when stock is short, and sends the chosen on_short', async () => {
    let notes: ReturnType<typeof deliveryNote>[] = [];
    const api = mockApi({
      'GET /api/omni_sales/orders/:id': () => json(confirmed, { headers: { ETag: '"1-3"' } }),
      'GET /api/omni_sales/channels': channels,
      'GET /api/shipments': () => json({ items: [], next_cursor: null }),
      'GET /api/warehouse/delivery_notes': () => json({ items: notes, next_cursor: null }),
      'POST /api/omni_sales/orders/:id/delivery-note': (req) =>
        req.clone().text().then((text) => {
          const body = JSON.parse(text) as { on_short?: string } | null;
          if (!body?.on_short) {
            return json(
              {
                type: 'conflict', title: 'Conflict', status: 409,
                detail: 'TSHIRT-RED-M: 1 of 2 in stock; choose on_short=partial (deliver what is in stock, the rest stays a back-order) or on_short=backorder (the whole order goes to stock_unavailable)',
              },
              { status: 409 },
            );
          }
          notes = [deliveryNote({ number: 'DN-0000004', partial: true })];
          return json(
            { order_id: 1, order_status: 3, order_status_label: 'confirmed', delivery_note: notes[0], packing_list: packingList() },
            { status: 201 },
          );
        }),
    });
    renderApp('/admin/omni_sales/orders/1');
    await userEvent.click(await screen.findByTestId('create-delivery-note'));

    const dialog = await screen.findByTestId('on-short-dialog');
    expect(dialog).toHaveTextContent('TSHIRT-RED-M: 1 of 2 in stock');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Deliver what is in stock; the rest stays a back-order' }));

    const posts = api.calls.filter((c) => c.method === 'POST');
    await waitFor(() => expect(posts.length).toBe(2));
    expect(posts[0].body).toBeNull();
    expect(posts[0].headers.get('if-match')).toBe('"1-3"');
    expect(api.calls.filter((c) => c.method === 'POST')[1].body).toEqual({ on_short: 'partial' });
    expect(await screen.findByText('Delivery note DN-0000004 created')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('on-short-dialog')).not.toBeInTheDocument());
    // The note is listed (partial), with the way to its packing list; no second note can be made while it is open.
    const section = await screen.findByTestId('delivery-note-section');
    await within(section).findByText('DN-0000004');
    expect(within(section).getByTestId('partial-badge')).toBeInTheDocument();
    expect(within(section).getByRole('link', { name: 'Packing list →' })).toHaveAttribute(
      'href',
      '/admin/warehouse/manage_packing_list?awb=all&order=1',
    );
    expect(within(section).queryByTestId('create-delivery-note')).toBeNull();
  });

  it('sends backorder when the whole order should wait', async () => {
    const api = mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order({ status: 14, status_label: 'paid' }), { headers: { ETag: '"1-3"' } }),
      'GET /api/omni_sales/channels': channels,
      'GET /api/shipments': () => json({ items: [], next_cursor: null }),
      'GET /api/warehouse/delivery_notes': () => json({ items: [], next_cursor: null }),
      'POST /api/omni_sales/orders/:id/delivery-note': (req) =>
        req.clone().text().then((text) =>
          text === 'null'
            ? json({ title: 'Conflict', status: 409, detail: 'nothing reserved; choose on_short=partial or on_short=backorder' }, { status: 409 })
            : json({ order_id: 1, order_status: 16, order_status_label: 'stock_unavailable', delivery_note: null, packing_list: null }),
        ),
    });
    renderApp('/admin/omni_sales/orders/1');
    await userEvent.click(await screen.findByTestId('create-delivery-note'));
    await userEvent.click(within(await screen.findByTestId('on-short-dialog')).getByRole('button', { name: 'Put the whole order on back-order' }));
    expect(await screen.findByText('The whole order is now a back-order')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([null, { on_short: 'backorder' }]);
  });

  it('offers no delivery note while payment is awaited', async () => {
    mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order({ status: 2, status_label: 'pending_payment' }), { headers: { ETag: '"1-3"' } }),
      'GET /api/omni_sales/channels': channels,
    });
    renderApp('/admin/omni_sales/orders/1');
    await screen.findByTestId('order-number');
    expect(screen.queryByTestId('create-delivery-note')).toBeNull();
    expect(screen.queryByTestId('shipments-section')).toBeNull();
  });
});

describe('shipments on the order', () => {
  it('shows courier, AWB, tracking status, the timeline newest first and the label buttons', async () => {
    const api = mockApi({
      'GET /api/omni_sales/orders/:id': () => json(order({ status: 4, status_label: 'shipping' }), { headers: { ETag: '"1-5"' } }),
      'GET /api/omni_sales/channels': channels,
      'GET /api/warehouse/delivery_notes': () => json({ items: [deliveryNote({ status: 'dispatched' })], next_cursor: null }),
      'GET /api/shipments': () =>
        json({
          items: [
            shipment({
              events: [
                { status: 'created', text: 'AWB created', location: null, at: '2026-11-26T09:00:00Z' },
                { status: 'in_transit', text: 'Parcel left the hub', location: 'Brasov', at: '2026-11-26T11:30:00Z' },
              ],
            }),
          ],
          next_cursor: null,
        }),
    });
    renderApp('/admin/omni_sales/orders/1');
    const section = await screen.findByTestId('shipments-section');
    expect(await within(section).findByTestId('shipment-awb')).toHaveTextContent('1190000123');
    expect(section).toHaveTextContent('Cargus');
    const tracking = section.querySelector('[data-tracking]');
    expect(tracking).toHaveAttribute('data-tracking', 'in_transit');
    expect(tracking).toHaveTextContent('In transit');
    const timeline = within(section).getByTestId('tracking-timeline');
    const texts = within(timeline).getAllByText(/AWB created|Parcel left the hub/).map((x) => x.textContent);
    expect(texts).toEqual(['Parcel left the hub', 'AWB created']);
    expect(timeline).toHaveTextContent('Brasov');
    expect(within(section).getByRole('button', { name: 'Label A4' })).toBeInTheDocument();
    expect(within(section).getByRole('button', { name: 'Label thermal' })).toBeInTheDocument();
    expect(api.calls.find((c) => c.url.pathname === '/api/shipments')!.url.searchParams.get('order_id')).toBe('1');
  });
});
