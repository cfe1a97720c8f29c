import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { COUNTS, order, summary } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';

describe('bulk actions', () => {
  it('approves each selected order and lists the result per order, refusals included', async () => {
    let pending = [
      summary({ id: 1, number: 'SO-A', approve_status: 0 }),
      summary({ id: 2, number: 'SO-B', approve_status: 0 }),
    ];
    const api = mockApi({
      'GET /api/omni_sales/orders': () => json({ items: pending, next_cursor: null }),
      'GET /api/omni_sales/orders/counts': () => json(COUNTS),
      'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
      'POST /api/omni_sales/orders/1/approve': () => {
        pending = pending.filter((o) => o.id !== 1); // approved orders leave the view while the results show
        return json(order({ id: 1, number: 'SO-A', approve_status: 1 }));
      },
      'POST /api/omni_sales/orders/2/approve': () =>
        json({ title: 'Forbidden', status: 403, detail: 'approving this order needs the role sales_manager' }, { status: 403 }),
    });
    renderApp('/admin/omni_sales/order_list?approval=pending', ['sales_manager']);

    await userEvent.click(await screen.findByRole('checkbox', { name: 'SO-A' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'SO-B' }));
    const bar = screen.getByTestId('bulk-bar');
    expect(bar).toHaveTextContent('2 selected');
    await userEvent.click(within(bar).getByRole('button', { name: 'Approve' }));
    await userEvent.click(await screen.findByTestId('bulk-run'));

    expect(await screen.findByTestId('bulk-summary')).toHaveTextContent('1 done, 1 refused');
    const results = screen.getByTestId('bulk-results');
    expect(within(results).getByText('SO-A').closest('li')).toHaveAttribute('data-ok', 'true');
    expect(within(results).getByText('SO-B').closest('li')).toHaveTextContent('needs the role sales_manager');
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual([
      '/api/omni_sales/orders/1/approve',
      '/api/omni_sales/orders/2/approve',
    ]);
    // The queue refreshed underneath, the result list stayed.
    await waitFor(() => expect(screen.queryByRole('checkbox', { name: 'SO-A' })).not.toBeInTheDocument());
    expect(screen.getByTestId('bulk-results')).toBeInTheDocument();
  });

  it('asks once for the reason of a bulk hold and sends it with every order', async () => {
    const api = mockApi({
      'GET /api/omni_sales/orders': () => json({ items: [summary({ id: 1, number: 'SO-A' }), summary({ id: 2, number: 'SO-B' })], next_cursor: null }),
      'GET /api/omni_sales/orders/counts': () => json(COUNTS),
      'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
      'POST /api/omni_sales/orders/:id/hold': () => json(order({ status: 9 })),
    });
    renderApp('/admin/omni_sales/order_list');
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select all shown' }));
    await userEvent.click(within(screen.getByTestId('bulk-bar')).getByRole('button', { name: 'Hold' }));
    await userEvent.click(await screen.findByTestId('bulk-run'));
    expect(await screen.findByText('A reason is required')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Reason/), 'Courier strike');
    await userEvent.click(screen.getByTestId('bulk-run'));
    expect(await screen.findByTestId('bulk-summary')).toHaveTextContent('2 done, 0 refused');
    const posts = api.calls.filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.body)).toEqual([{ reason: 'Courier strike' }, { reason: 'Courier strike' }]);
  });
});
