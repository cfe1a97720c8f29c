import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Channel } from '@/hooks/api/channels';
import { json, mockApi, renderApp } from '@/test/utils';

const WAREHOUSES = { items: [{ id: 1, code: 'BUC', name: 'București', is_default: true }], next_cursor: null };

function channel(over: Partial<Channel> = {}): Channel {
  return {
    id: 4,
    name: 'Portal B2B',
    type: 'b2b_portal',
    active: true,
    settings: {
      invoice_mode: 'on_confirm',
      approval_rules: [
        { name: 'B2B over 10,000 RON', required_role: 'sales_manager', min_total: '10000', currency: 'RON', customer_type: 'b2b' },
      ],
      payment_methods: { bacs: 'op' },
      auto_delivery_note: false,
      return_window_days: 14,
      default_warehouse_id: null,
      prices_include_vat: true,
    },
    webhook_secret_set: false,
    created_at: '2026-11-26T08:00:00Z',
    updated_at: '2026-11-26T08:00:00Z',
    ...over,
  } as Channel;
}

function channelApi(existing: Channel[] = [], onWrite: (req: Request) => Response | Promise<Response> = async (req) => json(channel(await req.json()), { status: 201 })) {
  return mockApi({
    'GET /api/omni_sales/channels': () => json({ items: existing, next_cursor: null }),
    'GET /api/warehouse/warehouses': () => json(WAREHOUSES),
    'POST /api/omni_sales/channels': onWrite,
    'PATCH /api/omni_sales/channels/:id': onWrite,
  });
}

async function pick(scope: HTMLElement, label: string, option: string) {
  await userEvent.click(within(scope).getByRole('combobox', { name: label }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

const writes = (api: ReturnType<typeof mockApi>) => api.calls.filter((c) => c.method !== 'GET');

describe('the channel form', () => {
  it('checks each approval rule row before anything is sent', async () => {
    const api = channelApi();
    renderApp('/admin/omni_sales/channels?edit=new', ['admin']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'Magazin nou');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add rule' }));
    const rule = within(dialog).getByTestId('approval-rule');
    await userEvent.type(within(rule).getByLabelText('Orders over'), 'a lot');
    await userEvent.clear(within(rule).getByLabelText('Currency'));
    await userEvent.type(within(rule).getByLabelText('Currency'), 'LEI!');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(rule).getByLabelText('Rule name')).toHaveAccessibleDescription('Required');
    expect(within(rule).getByLabelText('Orders over')).toHaveAccessibleDescription(/An amount/);
    expect(within(rule).getByLabelText('Currency')).toHaveAccessibleDescription(/3-letter code/);
    expect(writes(api)).toHaveLength(0);
  });

  it('sends the rules and payment mappings in the shape the API reads', async () => {
    const api = channelApi();
    const { router } = renderApp('/admin/omni_sales/channels?edit=new', ['admin']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Name/), ' Portal B2B ');
    await pick(dialog, 'Type', 'B2B portal');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Add rule' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add rule' }));
    const [big, any] = within(dialog).getAllByTestId('approval-rule');
    await userEvent.type(within(big).getByLabelText('Rule name'), 'B2B over 10,000 RON');
    await userEvent.type(within(big).getByLabelText('Orders over'), '10000,50');
    await userEvent.clear(within(big).getByLabelText('Currency'));
    await userEvent.type(within(big).getByLabelText('Currency'), 'ron');
    await pick(big, 'Customer type', 'B2B');
    await userEvent.type(within(any).getByLabelText('Rule name'), 'Every order');
    await userEvent.clear(within(any).getByLabelText('Currency'));
    await pick(any, 'Needs role', 'Administrator');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Add mapping' }));
    await userEvent.type(within(dialog).getByLabelText('Shop payment method'), 'bacs');
    await userEvent.type(within(dialog).getByLabelText('OMS payment method'), 'op');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(writes(api)).toHaveLength(1));
    const [post] = writes(api);
    expect(post.method).toBe('POST');
    expect(post.body).toEqual({
      name: 'Portal B2B',
      type: 'b2b_portal',
      active: true,
      settings: {
        invoice_mode: 'on_confirm',
        default_warehouse_id: null,
        approval_rules: [
          { name: 'B2B over 10,000 RON', required_role: 'sales_manager', min_total: '10000.50', currency: 'RON', customer_type: 'b2b' },
          { name: 'Every order', required_role: 'admin', min_total: null, currency: null, customer_type: null },
        ],
        payment_methods: { bacs: 'op' },
      },
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(router.state.location.search).toEqual({});
  });

  it("shows the API's refusal of a rule field next to that field", async () => {
    const api = channelApi([channel()], () =>
      json(
        {
          type: 'validation',
          title: 'Unprocessable Content',
          status: 422,
          detail: 'invalid approval rules',
          errors: [{ field: 'settings.approval_rules[0].min_total', message: 'must be a non-negative decimal' }],
        },
        { status: 422 },
      ),
    );
    renderApp('/admin/omni_sales/channels?edit=4', ['admin']);
    const dialog = await screen.findByRole('dialog');
    const rule = within(dialog).getByTestId('approval-rule');
    expect(within(rule).getByLabelText('Orders over')).toHaveValue('10000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(within(rule).getByLabelText('Orders over')).toHaveAccessibleDescription('must be a non-negative decimal'));
    expect(within(rule).getByLabelText('Orders over')).toHaveAttribute('aria-invalid', 'true');
    // The problem's detail stays above the buttons; the field it names is not repeated there.
    const alert = within(dialog).getByRole('alert');
    expect(alert).toHaveTextContent('invalid approval rules');
    expect(alert).not.toHaveTextContent('min_total');
    const patch = writes(api)[0];
    expect(patch.url.pathname).toBe('/api/omni_sales/channels/4');
    expect(patch.body).toMatchObject({ settings: { approval_rules: [{ name: 'B2B over 10,000 RON', min_total: '10000' }] } });
    // Correcting the field clears its message.
    await userEvent.type(within(rule).getByLabelText('Orders over'), '0');
    expect(within(rule).getByLabelText('Orders over')).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('opened at its payment mappings, shows them outlined; read-only staff get no empty row', async () => {
    channelApi([channel()]);
    renderApp('/admin/omni_sales/channels?edit=4&focus=payments', ['operator']);
    const section = within(await screen.findByRole('dialog')).getByTestId('payment-mappings');
    expect(section).toHaveAttribute('data-focused', 'true');
    expect(within(section).getAllByLabelText('Shop payment method').map((i) => (i as HTMLInputElement).value)).toEqual(['bacs']);
    expect(within(section).queryByText(/Type the payment method the shop sent/)).not.toBeInTheDocument();
  });

  it('is read-only for a non-administrator', async () => {
    channelApi([channel()]);
    renderApp('/admin/omni_sales/channels?edit=4', ['operator']);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('Orders over')).toBeDisabled();
    expect(within(dialog).queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Add rule' })).not.toBeInTheDocument();
  });
});
