import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { COUNTS, summary } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';
import { activeQuickView } from './search';

function queueApi(items = [summary(), summary({ id: 2, number: 'SO-0000002', status: 1, status_label: 'processing' })]) {
  return mockApi({
    'GET /api/omni_sales/orders': () => json({ items, next_cursor: null }),
    'GET /api/omni_sales/orders/counts': () => json(COUNTS),
    'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
  });
}

const queueCalls = (calls: ReturnType<typeof mockApi>['calls']) =>
  calls.filter((c) => c.url.pathname === '/api/omni_sales/orders');

describe('the queue filters', () => {
  it('sends the filters in the URL to the API and shows the per-status counts', async () => {
    const api = queueApi();
    renderApp('/admin/omni_sales/order_list?status=0,1&channel=3&source=woocommerce&q=WC-1001');

    expect(await screen.findByText('SO-0000002')).toBeInTheDocument();
    const q = queueCalls(api.calls).at(-1)!.url.searchParams;
    expect(q.get('status')).toBe('0,1');
    expect(q.get('channel_id')).toBe('3');
    expect(q.get('source')).toBe('woocommerce');
    expect(q.get('q')).toBe('WC-1001');
    // Counts ignore the status filter, so each status button tells what it would show.
    const counts = api.calls.find((c) => c.url.pathname.endsWith('/counts'))!.url.searchParams;
    expect(counts.get('status')).toBeNull();
    expect(counts.get('channel_id')).toBe('3');
    const bar = screen.getByTestId('status-counts');
    expect(within(bar).getByText('7')).toBeInTheDocument();
    expect(within(bar).getByRole('button', { name: /Draft/ })).toHaveTextContent('4');
  });

  it('turns a quick view into URL filters and API parameters', async () => {
    const api = queueApi();
    const { router } = renderApp('/admin/omni_sales/order_list');
    await screen.findByText('SO-0000001');

    await userEvent.click(screen.getByRole('button', { name: 'Pending approval' }));
    await waitFor(() => expect(router.state.location.search).toEqual({ approval: 'pending' }));
    await waitFor(() => expect(queueCalls(api.calls).at(-1)!.url.searchParams.get('approve_status')).toBe('0'));
    expect(screen.getByRole('button', { name: 'Pending approval' })).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(screen.getByRole('button', { name: 'On hold > 3 days' }));
    await waitFor(() => expect(router.state.location.search).toEqual({ status: '9', age: '3d' }));
    const last = queueCalls(api.calls).at(-1)!.url.searchParams;
    expect(last.get('status')).toBe('9');
    const before = new Date(last.get('created_before')!).getTime();
    expect(Date.now() - before).toBeGreaterThan(3 * 24 * 3600_000 - 60_000);
    expect(last.get('approve_status')).toBeNull();
  });

  it('searches by number or external ref after typing and clears every filter', async () => {
    const api = queueApi();
    const { router } = renderApp('/admin/omni_sales/order_list?status=0');
    await screen.findByText('SO-0000001');

    const box = screen.getByLabelText('Number, external ref or customer');
    fireEvent.change(box, { target: { value: 'ERP-77' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(router.state.location.search).toEqual({ status: '0', q: 'ERP-77' }));
    await waitFor(() => expect(queueCalls(api.calls).at(-1)!.url.searchParams.get('q')).toBe('ERP-77'));

    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toEqual({}));
  });

  it('shows an empty state when nothing matches', async () => {
    queueApi([]);
    renderApp('/admin/omni_sales/order_list?status=16');
    expect(await screen.findByText('No orders match these filters.')).toBeInTheDocument();
  });

  it('highlights an order past its age target (Draft > 4 h)', async () => {
    const old = new Date(Date.now() - 5 * 3600_000).toISOString();
    const fresh = new Date(Date.now() - 10 * 60_000).toISOString();
    queueApi([
      summary({ id: 1, number: 'SO-OLD', created_at: old, updated_at: old }),
      summary({ id: 2, number: 'SO-NEW', created_at: fresh, updated_at: fresh }),
    ]);
    renderApp('/admin/omni_sales/order_list');
    const oldRow = (await screen.findByText('SO-OLD')).closest('tr')!;
    const newRow = screen.getByText('SO-NEW').closest('tr')!;
    expect(oldRow.querySelector('[data-age-level]')).toHaveAttribute('data-age-level', 'late');
    expect(newRow.querySelector('[data-age-level]')).toHaveAttribute('data-age-level', 'ok');
  });

  it('ignores malformed filters in the URL instead of failing', async () => {
    const api = queueApi();
    renderApp('/admin/omni_sales/order_list?status=drop;table&age=forever&channel=-4');
    await screen.findByText('SO-0000001');
    const q = queueCalls(api.calls).at(-1)!.url.searchParams;
    expect(q.get('status')).toBeNull();
    expect(q.get('created_before')).toBeNull();
    expect(q.get('channel_id')).toBeNull();
  });
});

describe('quick views', () => {
  it('are recognised only when the filters match exactly', () => {
    expect(activeQuickView({ status: '0,1' })).toBe('triage');
    expect(activeQuickView({ status: '0,1', q: 'x' })).toBeNull();
    expect(activeQuickView({ status: '9', age: '3d' })).toBe('holds');
    expect(activeQuickView({})).toBeNull();
  });
});
