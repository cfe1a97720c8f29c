import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CourierAccount } from '@/hooks/api/couriers';
import { json, mockApi, renderApp } from '@/test/utils';

const SENDER = {
  name: 'Depozit Brasov',
  phone: '0722123456',
  street: 'Str. Zizinului 110',
  city: 'Brasov',
  county: 'BV',
  postcode: '500407',
  country: 'RO',
  email: null,
  company: 'Magazin SRL',
  contact: null,
};

function account(over: Partial<CourierAccount> = {}): CourierAccount {
  return {
    id: 2,
    courier: 'cargus',
    name: 'Cargus main',
    base_url: 'https://urgentcargus.azure-api.net/api',
    credentials_set: ['password', 'username'],
    default_service: 'Standard',
    label_format: 'thermal',
    concurrency: 8,
    sender: SENDER,
    settings: { payer: 1, find_days: 2 },
    active: true,
    created_at: '2026-11-26T08:00:00Z',
    updated_at: '2026-11-26T08:00:00Z',
    ...over,
  };
}

function couriersApi(existing: CourierAccount[] = [], onWrite: (req: Request) => Response | Promise<Response> = async (req) => json(account((await req.json()) as Partial<CourierAccount>), { status: 201 })) {
  return mockApi({
    'GET /api/couriers': () => json({ items: existing, next_cursor: null }),
    'POST /api/couriers': onWrite,
    'PATCH /api/couriers/:id': onWrite,
  });
}

const writes = (api: ReturnType<typeof mockApi>) => api.calls.filter((c) => c.method !== 'GET');

describe('the courier accounts screen', () => {
  it('lists which credentials are set, and the form sends only what was typed or removed', async () => {
    const api = couriersApi([account()]);
    renderApp('/admin/couriers', ['admin']);
    const row = (await screen.findByText('Cargus main')).closest('tr')!;
    expect(within(row).getByText('Password')).toBeInTheDocument();
    expect(within(row).getByText('Username')).toBeInTheDocument();
    expect(within(row).queryByText('Subscription key')).not.toBeInTheDocument();

    await userEvent.click(within(row).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const password = within(dialog).getByTestId('credential-password');
    const username = within(dialog).getByTestId('credential-username');
    const subscription = within(dialog).getByTestId('credential-subscription_key');
    expect(within(password).getByText('Set')).toBeInTheDocument();
    expect(within(subscription).getByText('Not set')).toBeInTheDocument();
    expect(within(password).getByLabelText(/^Password/)).toHaveValue(''); // values never come back to show
    expect(within(dialog).getByRole('combobox', { name: 'Courier' })).toBeDisabled();

    await userEvent.click(within(password).getByLabelText(/^Password/));
    await userEvent.paste('n3w-pa55');
    await userEvent.click(within(username).getByRole('button', { name: 'Remove Username' }));
    expect(within(username).getByText('Removed on save')).toBeInTheDocument();
    const sender = within(dialog).getByTestId('sender');
    await userEvent.clear(within(sender).getByLabelText(/^Company/));
    const settings = within(dialog).getByLabelText(/^Advanced settings/);
    await userEvent.clear(settings);
    await userEvent.click(settings);
    await userEvent.paste('{"payer": 2}');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(writes(api)).toHaveLength(1));
    const [patch] = writes(api);
    expect(patch.method).toBe('PATCH');
    expect(patch.url.pathname).toBe('/api/couriers/2');
    expect(patch.body).toEqual({
      name: 'Cargus main',
      credentials: { password: 'n3w-pa55', username: '' },
      default_service: 'Standard',
      label_format: 'thermal',
      concurrency: 8,
      sender: { ...SENDER, company: null },
      settings: { payer: 2, find_days: null },
      active: true,
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('names each missing pickup address field before anything is sent', async () => {
    const api = couriersApi([account()]);
    renderApp('/admin/couriers?edit=new', ['admin']);
    const dialog = await screen.findByRole('dialog');
    // Cargus has its account already: the next free courier is offered.
    expect(within(dialog).getByRole('combobox', { name: 'Courier' })).toHaveValue('Innoship');
    await userEvent.click(within(dialog).getByLabelText(/^Account name/));
    await userEvent.paste('Innoship');
    await userEvent.click(within(within(dialog).getByTestId('credential-api_key')).getByLabelText(/^API key/));
    await userEvent.paste('key-123');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    const sender = within(dialog).getByTestId('sender');
    for (const label of [/^Name/, /^Phone/, /^Street/, /^City/, /^County/, /^Postcode/]) {
      expect(within(sender).getByLabelText(label)).toHaveAccessibleDescription('Required');
    }
    expect(within(sender).getByLabelText(/^Company/)).not.toHaveAttribute('aria-invalid', 'true');
    expect(writes(api)).toHaveLength(0);

    // An inactive account may wait for its address.
    await userEvent.click(within(dialog).getByLabelText('Active'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(writes(api)).toHaveLength(1));
    expect(writes(api)[0].body).toEqual({
      courier: 'innoship',
      name: 'Innoship',
      credentials: { api_key: 'key-123' },
      default_service: null,
      label_format: 'a4',
      concurrency: 8,
      sender: { country: 'RO' },
      settings: {},
      active: false,
    });
  });

  it("shows the API's refusal of a sender field next to that field", async () => {
    const api = couriersApi([account()], () =>
      json(
        {
          type: 'validation',
          title: 'Validation failed',
          status: 422,
          detail: 'the pickup address (sender) is incomplete',
          errors: [{ field: 'sender.postcode', message: 'required for an active cargus account' }],
        },
        { status: 422 },
      ),
    );
    renderApp('/admin/couriers?edit=2', ['admin']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const postcode = within(within(dialog).getByTestId('sender')).getByLabelText(/^Postcode/);
    await waitFor(() => expect(postcode).toHaveAccessibleDescription('required for an active cargus account'));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('the pickup address (sender) is incomplete');
    expect(writes(api)[0].body).not.toHaveProperty('credentials'); // nothing typed: the stored ones stay
  });

  it('is read-only for a non-administrator, who still sees which credentials are set', async () => {
    couriersApi([account()]);
    renderApp('/admin/couriers?edit=2', ['warehouse']);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText(/^Account name/)).toBeDisabled();
    expect(within(within(dialog).getByTestId('credential-password')).getByText('Set')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: /^Remove/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New courier account' })).not.toBeInTheDocument();
  });
});
