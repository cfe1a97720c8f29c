import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { User } from '@/hooks/api/users';
import { json, mockApi, renderApp } from '@/test/utils';

const ANDREEA: User = {
  id: 5,
  email: 'andreea@oms.local',
  name: 'Andreea Pop',
  roles: ['operator'],
  active: true,
  locale: 'ro',
  last_login_at: null,
  created_at: '2026-11-20T08:00:00Z',
};

function usersApi(users: User[] = [ANDREEA]) {
  return mockApi({
    'GET /api/users': () => json({ items: users, next_cursor: null }),
    'POST /api/users': async (req) => json({ ...ANDREEA, id: 6, ...((await req.json()) as object) }, { status: 201 }),
    'PATCH /api/users/:id': async (req) => json({ ...ANDREEA, ...((await req.json()) as object) }),
  });
}

/** Clicking an option of the roles multi-select adds it; clicking it again takes it away. */
async function toggleRole(dialog: HTMLElement, role: string) {
  const box = within(dialog).getByRole('combobox', { name: 'Roles' });
  if (box.getAttribute('aria-expanded') !== 'true') await userEvent.click(box); // it stays open between picks
  await userEvent.click(await screen.findByRole('option', { name: role }));
}

const writes = (api: ReturnType<typeof mockApi>) => api.calls.filter((c) => c.method !== 'GET');

describe('the user form', () => {
  it('creates a user with the roles picked in the multi-select', async () => {
    const api = usersApi();
    renderApp('/admin/users?edit=new', ['admin']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'Mihai Dobre');
    await userEvent.type(within(dialog).getByLabelText(/^Email/), 'mihai@oms.local');
    await userEvent.type(within(dialog).getByLabelText(/^Password/), 'correct horse');

    // Operator is there by default; without any role the form refuses.
    await toggleRole(dialog, 'Operator');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('Give the user at least one role')).toBeInTheDocument();
    expect(writes(api)).toHaveLength(0);

    await toggleRole(dialog, 'Sales manager');
    await toggleRole(dialog, 'Warehouse');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(writes(api)).toHaveLength(1));
    expect(writes(api)[0].body).toEqual({
      name: 'Mihai Dobre',
      email: 'mihai@oms.local',
      roles: ['sales_manager', 'warehouse'],
      password: 'correct horse',
      locale: 'ro',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('changes the roles of an existing user and keeps the password when left empty', async () => {
    const api = usersApi();
    renderApp('/admin/users', ['admin']);
    const row = (await screen.findByText('Andreea Pop')).closest('tr')!;
    expect(row).toHaveTextContent('Operator');
    await userEvent.click(within(row).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).queryByLabelText(/^Email/)).not.toBeInTheDocument();

    await toggleRole(dialog, 'Finance');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(writes(api)).toHaveLength(1));
    const [patch] = writes(api);
    expect(patch.method).toBe('PATCH');
    expect(patch.url.pathname).toBe('/api/users/5');
    expect(patch.body).toEqual({ name: 'Andreea Pop', roles: ['operator', 'finance'], active: true, locale: 'ro' });
  });

  it('refuses a short password', async () => {
    const api = usersApi();
    renderApp('/admin/users?edit=5', ['admin']);
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Password/), 'short');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByLabelText(/^Password/)).toHaveAccessibleDescription('At least 8 characters');
    expect(writes(api)).toHaveLength(0);
  });
});
