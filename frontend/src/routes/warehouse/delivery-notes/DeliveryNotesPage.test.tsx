import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import i18n from '@/i18n';
import { deliveryNote, pdfResponse } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';

beforeEach(() => {
  Object.defineProperty(URL, 'createObjectURL', { configurable: true, writable: true, value: vi.fn(() => 'blob:note') });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, writable: true, value: vi.fn() });
});

const listCalls = (api: ReturnType<typeof mockApi>) =>
  api.calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/warehouse/delivery_notes');

describe('the delivery notes list', () => {
  it('lists the notes with their order, status and partial badge', async () => {
    mockApi({
      'GET /api/warehouse/delivery_notes': () =>
        json({
          items: [
            deliveryNote({ id: 4, number: 'DN-4', status: 'open', partial: true }),
            deliveryNote({ id: 3, number: 'DN-3', order_id: 2, order_number: 'SO-0000002', status: 'dispatched', dispatched_at: new Date().toISOString() }),
          ],
          next_cursor: null,
        }),
    });
    renderApp('/admin/warehouse/delivery_notes');
    const open = (await screen.findByText('DN-4')).closest('tr')!;
    expect(within(open).getByText('Open').closest('[data-note-status]')).toHaveAttribute('data-note-status', 'open');
    expect(within(open).getByTestId('partial-badge')).toHaveTextContent('Partial');
    expect(within(open).getByRole('link', { name: 'SO-0000001' })).toHaveAttribute('href', '/admin/omni_sales/orders/1');
    const sent = screen.getByText('DN-3').closest('tr')!;
    expect(sent.querySelector('[data-note-status]')).toHaveAttribute('data-note-status', 'dispatched');
    expect(within(sent).queryByTestId('partial-badge')).toBeNull();
  });

  it('filters by status through the URL', async () => {
    const api = mockApi({ 'GET /api/warehouse/delivery_notes': () => json({ items: [], next_cursor: null }) });
    const { router } = renderApp('/admin/warehouse/delivery_notes?status=open');
    expect(await screen.findByText('No delivery notes match.')).toBeInTheDocument();
    expect(listCalls(api)[0].url.searchParams.get('status')).toBe('open');
    await userEvent.click(screen.getByRole('combobox', { name: 'Status' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Dispatched' }));
    await waitFor(() => expect(router.state.location.search).toEqual({ status: 'dispatched' }));
    await waitFor(() => expect(listCalls(api).at(-1)!.url.searchParams.get('status')).toBe('dispatched'));
  });

  it('opens the PDF in the language of the console', async () => {
    const api = mockApi({
      'GET /api/warehouse/delivery_notes': () => json({ items: [deliveryNote({ number: 'DN-4' })], next_cursor: null }),
      'GET /api/warehouse/delivery_notes/:id/pdf': pdfResponse,
    });
    await i18n.changeLanguage('ro');
    try {
      renderApp('/admin/warehouse/delivery_notes');
      await userEvent.click(await screen.findByTestId('note-pdf'));
      expect(await screen.findByTitle('DN-4')).toHaveAttribute('src', 'blob:note');
      const pdf = api.calls.find((c) => c.url.pathname === '/api/warehouse/delivery_notes/4/pdf')!;
      expect(pdf.url.searchParams.get('lang')).toBe('ro');
      expect(pdf.headers.get('authorization')).toBe('Bearer test-token');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
