import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiKey } from '@/hooks/api/apiKeys';
import { json, mockApi, renderApp } from '@/test/utils';

const SECRET = 'oms_k3Y9xQ.7fVr2L0pWmZc8TnE4bHsA1dJuG6yKoXi';

function keysApi() {
  const keys: ApiKey[] = [];
  const api = mockApi({
    'GET /api/api_keys': () => json({ items: keys, next_cursor: null }),
    'GET /api/omni_sales/channels': () => json({ items: [{ id: 3, name: 'Magazin online' }], next_cursor: null }),
    'POST /api/api_keys': async (req) => {
      const body = (await req.json()) as { name: string; channel_id: number; scopes: string[] };
      const stored: ApiKey = {
        id: 11,
        name: body.name,
        prefix: 'k3Y9xQ',
        channel_id: body.channel_id,
        scopes: body.scopes,
        active: true,
        created_by: 'admin@test.local',
        created_at: '2026-11-26T09:00:00Z',
      };
      keys.push(stored);
      return json({ ...stored, key: SECRET }, { status: 201 });
    },
  });
  return api;
}

describe('the API key dialog', () => {
  it('shows the new key once; closed, only its prefix is left in the list', async () => {
    const api = keysApi();
    renderApp('/admin/api_keys', ['admin']);
    expect(await screen.findByText('No API keys.')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'New API key' }));
    let dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(within(dialog).getByLabelText(/^Name/)).toHaveAccessibleDescription('Required');
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'eMAG feed');
    await userEvent.click(within(dialog).getByRole('combobox', { name: /Channel/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'Magazin online' }));
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'orders:read' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(await within(dialog).findByTestId('new-api-key')).toHaveTextContent(SECRET);
    expect(within(dialog).getByText(/shown once/)).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'POST')!.body).toEqual({ name: 'eMAG feed', channel_id: 3, scopes: ['orders:write'] });

    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const row = (await screen.findByText('eMAG feed')).closest('tr')!;
    expect(row).toHaveTextContent('k3Y9xQ…');
    expect(row).toHaveTextContent('Magazin online');
    expect(document.body).not.toHaveTextContent(SECRET);

    // A new dialog starts empty: the key is not kept anywhere.
    await userEvent.click(screen.getByRole('button', { name: 'New API key' }));
    dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByTestId('new-api-key')).not.toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^Name/)).toHaveValue('');
    expect(document.body).not.toHaveTextContent(SECRET);
  });
});
