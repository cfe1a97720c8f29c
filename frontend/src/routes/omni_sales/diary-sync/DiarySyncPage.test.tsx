import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SyncEntry } from '@/hooks/api/syncLog';
import { json, mockApi, renderApp } from '@/test/utils';

const ENTRY: SyncEntry = {
  id: 7,
  channel_id: 3,
  channel_name: 'Magazin Woo',
  direction: 'import',
  external_ref: '5821',
  error_type: 'missing_sku',
  message: 'unknown SKU HOODIE-GREY-L',
  status: 'open',
  attempts: 2,
  first_seen_at: '2026-11-26T09:15:02Z',
  last_seen_at: '2026-11-26T09:16:00Z',
  inbox_event_id: 11,
  order_id: null,
  resolved_at: null,
  resolved_by: null,
};

const PAYMENT: SyncEntry = { ...ENTRY, id: 8, external_ref: '5830', error_type: 'payment_not_recognised', message: 'payment method "twint" is not mapped' };

function syncApi(entries: SyncEntry[] = [ENTRY, PAYMENT], overrides: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    'GET /api/omni_sales/sync_log': () => json({ items: entries, next_cursor: null }),
    'GET /api/omni_sales/sync_log/:id': () => json({ ...ENTRY, payload: { id: 5821, line_items: [{ sku: 'HOODIE-GREY-L', quantity: 1 }] } }),
    'GET /api/omni_sales/channels': () =>
      json({ items: [{ id: 3, name: 'Magazin Woo', type: 'woocommerce', active: true }], next_cursor: null }),
    ...overrides,
  });
}

const listCalls = (calls: ReturnType<typeof mockApi>['calls']) =>
  calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/omni_sales/sync_log');

describe('the sync log (diary_sync)', () => {
  it('sends the URL filters to the API and changes the URL when a filter is picked', async () => {
    const api = syncApi();
    const { router } = renderApp('/admin/omni_sales/diary_sync?channel=3&status=open&direction=import');
    const row = (await screen.findByText('5821')).closest('tr')!;
    expect(row).toHaveTextContent('Magazin Woo');
    expect(row).toHaveTextContent('unknown SKU HOODIE-GREY-L');
    expect(within(row).getByText('Missing SKU').closest('[data-error-type]')).toHaveAttribute('data-error-type', 'missing_sku');
    expect(within(row).getByText('Open')).toBeInTheDocument();
    const q = listCalls(api.calls).at(-1)!.url.searchParams;
    expect([q.get('channel_id'), q.get('status'), q.get('direction'), q.get('error_type')]).toEqual(['3', 'open', 'import', null]);

    await userEvent.click(screen.getByRole('combobox', { name: 'Error type' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Payment not recognised' }));
    await waitFor(() =>
      expect(router.state.location.search).toEqual({ channel: '3', status: 'open', direction: 'import', error_type: 'payment_not_recognised' }),
    );
    await waitFor(() => expect(listCalls(api.calls).at(-1)!.url.searchParams.get('error_type')).toBe('payment_not_recognised'));
  });

  it('shows an empty state', async () => {
    syncApi([]);
    renderApp('/admin/omni_sales/diary_sync?status=open');
    expect(await screen.findByText('No sync log entries match these filters.')).toBeInTheDocument();
  });

  it('shows the problem when the log cannot be read', async () => {
    syncApi([], { 'GET /api/omni_sales/sync_log': () => json({ title: 'Forbidden', status: 403, detail: 'not for you' }, { status: 403 }) });
    renderApp('/admin/omni_sales/diary_sync');
    expect(await screen.findByText('not for you')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('opens the stored payload, pretty-printed, from the row (and from the URL)', async () => {
    syncApi();
    const { router } = renderApp('/admin/omni_sales/diary_sync');
    const row = (await screen.findByText('5821')).closest('tr')!;
    await userEvent.click(within(row).getByRole('button', { name: 'Payload' }));
    await waitFor(() => expect(router.state.location.search).toEqual({ entry: '7' }));
    const json = await screen.findByTestId('payload-json');
    expect(json.textContent).toContain('"sku": "HOODIE-GREY-L"');
    expect(json.textContent).toContain('\n');
  });

  it('shows the new message when a retry fails again, and the order link when it succeeds', async () => {
    let fixed = false;
    const api = syncApi([ENTRY], {
      'POST /api/omni_sales/sync_log/:id/retry': () =>
        fixed
          ? json({ result: 'created', order_id: 42, error_type: null, detail: null, sync_entry_id: 7, entry: { ...ENTRY, status: 'resolved', order_id: 42 } })
          : json({ result: 'failed', order_id: null, error_type: 'missing_sku', detail: 'unknown SKU HOODIE-GREY-L (still)', sync_entry_id: 7, entry: { ...ENTRY, attempts: 3 } }),
    });
    renderApp('/admin/omni_sales/diary_sync');
    const row = (await screen.findByText('5821')).closest('tr')!;
    await userEvent.click(within(row).getByRole('button', { name: 'Retry' }));
    const outcome = await screen.findByTestId('sync-outcome');
    expect(outcome).toHaveTextContent('Retry of 5821 failed again: unknown SKU HOODIE-GREY-L (still)');
    expect(outcome).toHaveAttribute('data-color', 'red');
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual(['/api/omni_sales/sync_log/7/retry']);

    fixed = true;
    await userEvent.click(within(row).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('sync-outcome')).toHaveTextContent('Retry of 5821: the order is in the queue.'));
    expect(screen.getByRole('link', { name: 'Open the order' })).toHaveAttribute('href', '/admin/omni_sales/orders/42');
  });

  it('resolves and ignores entries; a refused action shows its problem', async () => {
    const api = syncApi([ENTRY, PAYMENT], {
      'POST /api/omni_sales/sync_log/:id/resolve': () => json({ ...ENTRY, status: 'resolved' }),
      'POST /api/omni_sales/sync_log/:id/ignore': () =>
        json({ title: 'Conflict', status: 409, detail: 'already handled' }, { status: 409 }),
    });
    renderApp('/admin/omni_sales/diary_sync');
    const row = (await screen.findByText('5821')).closest('tr')!;
    await userEvent.click(within(row).getByRole('button', { name: 'Resolve' }));
    await waitFor(() => expect(screen.getByTestId('sync-outcome')).toHaveTextContent('5821 marked resolved.'));
    const other = screen.getByText('5830').closest('tr')!;
    await userEvent.click(within(other).getByRole('button', { name: 'Ignore' }));
    await waitFor(() => expect(screen.getByTestId('sync-outcome')).toHaveTextContent('5830: already handled'));
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual([
      '/api/omni_sales/sync_log/7/resolve',
      '/api/omni_sales/sync_log/8/ignore',
    ]);
  });

  it('bulk-retries one error type and lists the result of each entry', async () => {
    const api = syncApi([ENTRY], {
      'POST /api/omni_sales/sync_log/retry': () =>
        json({
          retried: 2,
          succeeded: 1,
          items: [
            { result: 'created', order_id: 42, error_type: null, detail: null, sync_entry_id: 7, entry: { ...ENTRY, status: 'resolved' } },
            { result: 'failed', order_id: null, error_type: 'missing_sku', detail: 'unknown SKU MUG-01', sync_entry_id: 9, entry: { ...ENTRY, id: 9, external_ref: '5900' } },
          ],
        }),
    });
    renderApp('/admin/omni_sales/diary_sync?error_type=missing_sku&channel=3');
    await screen.findByText('5821');
    await userEvent.click(screen.getByRole('button', { name: 'Bulk retry' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Retry all' }));
    expect(await within(dialog).findByTestId('bulk-retry-summary')).toHaveTextContent('1 of 2 imported');
    const results = within(dialog).getByTestId('bulk-retry-results');
    expect(within(results).getByText('5900').closest('li')).toHaveTextContent('unknown SKU MUG-01');
    expect(results.querySelector('[data-entry-id="7"]')).toHaveAttribute('data-ok', 'true');
    expect(api.calls.find((c) => c.method === 'POST')!.body).toEqual({ error_type: 'missing_sku', channel_id: 3 });
  });

  it('is read-only for staff who may not act on it', async () => {
    syncApi();
    renderApp('/admin/omni_sales/diary_sync', ['warehouse']);
    const row = (await screen.findByText('5821')).closest('tr')!;
    expect(within(row).getByRole('button', { name: 'Payload' })).toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Bulk retry' })).not.toBeInTheDocument();
  });
});
