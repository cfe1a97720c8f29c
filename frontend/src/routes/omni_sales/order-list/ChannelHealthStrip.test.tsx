import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ChannelHealth } from '@/hooks/api/channelHealth';
import { COUNTS } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';

const ZERO = { missing_sku: 0, customer_not_created: 0, payment_not_recognised: 0, stock_insufficient: 0, remote_error: 0, other: 0 };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function channel(over: Partial<ChannelHealth>): ChannelHealth {
  return {
    id: 3,
    name: 'Magazin Woo',
    type: 'woocommerce',
    active: true,
    last_webhook_at: minutesAgo(5),
    last_event_at: minutesAgo(5),
    last_pull_at: null,
    last_pull_error: null,
    open_errors: 0,
    open_errors_by_type: ZERO,
    ...over,
  };
}

function api(health: ChannelHealth[]) {
  return mockApi({
    'GET /api/omni_sales/orders': () => json({ items: [], next_cursor: null }),
    'GET /api/omni_sales/orders/counts': () => json(COUNTS),
    'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
    'GET /api/omni_sales/channels/health': () => json({ items: health, next_cursor: null }),
    'GET /api/omni_sales/sync_log': () => json({ items: [], next_cursor: null }),
  });
}

describe('the channel health strip on the queue', () => {
  it('shows one chip per active shop channel: webhook age, open errors, red when any are open', async () => {
    api([
      channel({}),
      channel({ id: 4, name: 'Shopify RO', type: 'shopify', last_webhook_at: null, open_errors: 2, open_errors_by_type: { ...ZERO, missing_sku: 2 } }),
      channel({ id: 5, name: 'ERP', type: 'api' }),
      channel({ id: 6, name: 'Old shop', active: false }),
    ]);
    renderApp('/admin/omni_sales/order_list');
    const strip = await screen.findByTestId('channel-health');
    const chips = strip.querySelectorAll('[data-channel-id]');
    expect([...chips].map((c) => c.getAttribute('data-channel-id'))).toEqual(['3', '4']);
    expect(chips[0]).toHaveTextContent('Magazin Woo · webhook 5m ago · no open errors');
    expect(chips[0]).toHaveAttribute('data-health', 'ok');
    expect(chips[1]).toHaveTextContent('Shopify RO · no webhook yet · open errors: 2');
    expect(chips[1]).toHaveAttribute('data-health', 'errors');
  });

  it('opens the sync log filtered on the channel', async () => {
    api([channel({ open_errors: 1 })]);
    const { router } = renderApp('/admin/omni_sales/order_list');
    const chip = await screen.findByRole('link', { name: /Magazin Woo/ });
    expect(chip).toHaveAttribute('href', '/admin/omni_sales/diary_sync?channel=3&status=open');
    await userEvent.click(chip);
    await waitFor(() => expect(router.state.location.pathname).toBe('/omni_sales/diary_sync'));
    expect(router.state.location.search).toEqual({ channel: '3', status: 'open' });
  });

  it('is left out when the health cannot be read, without breaking the queue', async () => {
    mockApi({
      'GET /api/omni_sales/orders': () => json({ items: [], next_cursor: null }),
      'GET /api/omni_sales/orders/counts': () => json(COUNTS),
      'GET /api/omni_sales/channels': () => json({ items: [], next_cursor: null }),
    });
    renderApp('/admin/omni_sales/order_list');
    expect(await screen.findByText('No orders match these filters.')).toBeInTheDocument();
    expect(screen.queryByTestId('channel-health')).not.toBeInTheDocument();
  });
});
