import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SyncEntry } from '@/hooks/api/syncLog';
import i18n from '@/i18n';
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
  retry_queued_at: null,
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

const WOO_CHANNEL = {
  id: 3,
  name: 'Magazin Woo',
  type: 'woocommerce',
  active: true,
  settings: {
    invoice_mode: 'on_confirm',
    approval_rules: [],
    payment_methods: { cod: 'cod' },
    auto_delivery_note: false,
    return_window_days: 14,
    default_warehouse_id: null,
    prices_include_vat: true,
  },
  webhook_secret_set: true,
  created_at: '2026-11-26T08:00:00Z',
  updated_at: '2026-11-26T08:00:00Z',
};

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

  it('opens the channel at its payment mappings from a payment_not_recognised entry', async () => {
    syncApi([ENTRY, PAYMENT], {
      'GET /api/omni_sales/channels': () => json({ items: [WOO_CHANNEL], next_cursor: null }),
      'GET /api/warehouse/warehouses': () => json({ items: [], next_cursor: null }),
    });
    const { router } = renderApp('/admin/omni_sales/diary_sync', ['admin']);
    const payment = (await screen.findByText('5830')).closest('tr')!;
    const link = within(payment).getByRole('link', { name: 'Map payment method' });
    expect(link).toHaveAttribute('href', '/admin/omni_sales/channels?edit=3&focus=payments');
    const sku = screen.getByText('5821').closest('tr')!;
    expect(within(sku).queryByRole('link', { name: 'Map payment method' })).not.toBeInTheDocument();

    await userEvent.click(link);
    await waitFor(() => expect(router.state.location.pathname).toBe('/omni_sales/channels'));
    expect(router.state.location.search).toEqual({ edit: '3', focus: 'payments' });
    const dialog = await screen.findByRole('dialog');
    const section = within(dialog).getByTestId('payment-mappings');
    expect(section).toHaveAttribute('data-focused', 'true');
    // The existing mapping, and an empty row for the method the shop sent, ready to type into.
    const shop = within(section).getAllByLabelText('Shop payment method');
    expect(shop.map((i) => (i as HTMLInputElement).value)).toEqual(['cod', '']);
    expect(shop[1]).toHaveAttribute('data-autofocus');
    expect(within(section).getByText(/Type the payment method the shop sent/)).toBeInTheDocument();

    // Closing the dialog drops the focus from the URL too.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(router.state.location.search).toEqual({}));
  });

  it('says so in Romanian too', async () => {
    syncApi([PAYMENT]);
    await i18n.changeLanguage('ro');
    try {
      renderApp('/admin/omni_sales/diary_sync');
      const row = (await screen.findByText('5830')).closest('tr')!;
      expect(within(row).getByRole('link', { name: 'Mapează metoda de plată' })).toHaveAttribute(
        'href',
        '/admin/omni_sales/channels?edit=3&focus=payments',
      );
    } finally {
      await i18n.changeLanguage('en');
    }
  });

  it('queues the retry of an export entry and shows it as queued', async () => {
    const EXPORT: SyncEntry = { ...ENTRY, id: 9, direction: 'export', external_ref: '1001', error_type: 'remote_error', message: 'order.confirm could not be sent: HTTP 503', order_id: 42 };
    let queuedAt: string | null = null;
    const api = syncApi([EXPORT], {
      'GET /api/omni_sales/sync_log': () => json({ items: [{ ...EXPORT, retry_queued_at: queuedAt }], next_cursor: null }),
      'POST /api/omni_sales/sync_log/:id/retry': () => {
        queuedAt = '2026-11-26T10:00:00Z';
        return json(
          { result: 'queued', order_id: 42, error_type: null, detail: 'queued: the worker sends the status push again', sync_entry_id: 9, entry: { ...EXPORT, retry_queued_at: queuedAt } },
          { status: 202 },
        );
      },
    });
    renderApp('/admin/omni_sales/diary_sync');
    const row = (await screen.findByText('1001')).closest('tr')!;
    expect(within(row).queryByText('Retry queued')).not.toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Retry' }));
    const outcome = await screen.findByTestId('sync-outcome');
    expect(outcome).toHaveTextContent('Retry of 1001 queued: the worker sends it to the shop.');
    expect(outcome).toHaveAttribute('data-color', 'blue');
    expect(await within(screen.getByText('1001').closest('tr')!).findByText('Retry queued')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual(['/api/omni_sales/sync_log/9/retry']);
  });

  it('bulk retry says which entries were queued for the worker', async () => {
    const PUSH = { ...ENTRY, id: 9, direction: 'export', external_ref: '1001', error_type: 'remote_error', retry_queued_at: '2026-11-26T10:00:00Z' };
    syncApi([ENTRY], {
      'POST /api/omni_sales/sync_log/retry': () =>
        json({ retried: 1, succeeded: 0, queued: 1, items: [{ result: 'queued', order_id: 42, error_type: null, detail: 'queued', sync_entry_id: 9, entry: PUSH }] }),
    });
    renderApp('/admin/omni_sales/diary_sync?error_type=remote_error');
    await screen.findByText('5821');
    await userEvent.click(screen.getByRole('button', { name: 'Bulk retry' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Retry all' }));
    expect(await within(dialog).findByTestId('bulk-retry-summary')).toHaveTextContent('0 of 1 imported · 1 queued for the worker');
    const item = within(dialog).getByTestId('bulk-retry-results').querySelector('[data-entry-id="9"]')!;
    expect(item).toHaveAttribute('data-queued', 'true');
    expect(item).toHaveTextContent('Queued');
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
