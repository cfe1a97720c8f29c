import { Badge, Button, Group, Modal, MultiSelect, PasswordInput, SegmentedControl, Stack, Switch, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { NewButton, PageHeader } from '@/components/PageHeader';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
import { useSaveUser, useUsers, type User, type UserInput } from '@/hooks/api/users';
import { useFormat } from '@/i18n/format';
import { notifySuccess } from '@/lib/notify';
import type { ListSearch } from '../search';

const route = getRouteApi('/app/users');
const ROLES = ['operator', 'sales_manager', 'warehouse', 'finance', 'admin'] as const;

export function UsersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const navigate = useNavigate();
  const users = useUsers();
  const set = (patch: Partial<ListSearch>) => void navigate({ to: '/users', search: (s: ListSearch) => ({ ...s, ...patch }) });
  const editing = search.edit === 'new' ? null : users.data?.items.find((u) => u.id === search.edit);

  return (
    <Stack gap="sm">
      <PageHeader title={t('users.title')}>
        <NewButton label={t('users.new')} onClick={() => set({ edit: 'new' })} />
      </PageHeader>
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : users.isPending ? (
        <LoadingState />
      ) : users.data.items.length === 0 ? (
        <EmptyState title={t('users.empty')} />
      ) : (
        <Table data-dense highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('users.name')}</Table.Th>
              <Table.Th>{t('users.email')}</Table.Th>
              <Table.Th>{t('users.roles')}</Table.Th>
              <Table.Th>{t('users.active')}</Table.Th>
              <Table.Th>{t('users.lastLogin')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data.items.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td fw={500}>{u.name}</Table.Td>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {u.roles.map((r) => (
                      <Badge key={r} size="sm" variant="light">
                        {t(`roles.${r}`, { defaultValue: r })}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Badge color={u.active ? 'green' : 'gray'} variant="light">
                    {u.active ? t('app.active') : t('app.inactive')}
                  </Badge>
                </Table.Td>
                <Table.Td>{fmt.dateTime(u.last_login_at)}</Table.Td>
                <Table.Td>
                  <Button variant="subtle" onClick={() => set({ edit: u.id })}>
                    {t('app.edit')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {search.edit !== undefined && (search.edit === 'new' || editing) && (
        <UserDialog user={editing ?? null} onClose={() => set({ edit: undefined })} />
      )}
    </Stack>
  );
}

function UserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveUser();
  const form = useForm({
    initialValues: {
      name: user?.name ?? '',
      email: user?.email ?? '',
      roles: user?.roles ?? ['operator'],
      password: '',
      active: user?.active ?? true,
      locale: user?.locale ?? 'ro',
    },
    validate: {
      roles: (v) => (v.length ? null : t('users.roles')),
      password: (v) => (user === null && v.length < 8 ? '≥ 8' : v && v.length < 8 ? '≥ 8' : null),
    },
  });
  const submit = form.onSubmit((v) => {
    const roles = v.roles as UserInput['roles'];
    const locale = v.locale as 'en' | 'ro';
    const body = user
      ? { name: v.name.trim(), roles, active: v.active, locale, ...(v.password ? { password: v.password } : {}) }
      : { name: v.name.trim(), email: v.email.trim(), roles, password: v.password, locale };
    save.mutate(
      { id: user?.id, body },
      {
        onSuccess: () => {
          notifySuccess(t('users.saved'));
          onClose();
        },
      },
    );
  });
  return (
    <Modal opened onClose={onClose} title={user ? user.email : t('users.new')}>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <TextInput label={t('users.name')} withAsterisk {...form.getInputProps('name')} />
          {!user && <TextInput label={t('users.email')} type="email" withAsterisk {...form.getInputProps('email')} />}
          <MultiSelect
            label={t('users.roles')}
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            {...form.getInputProps('roles')}
          />
          <PasswordInput
            label={t('users.password')}
            withAsterisk={!user}
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <SegmentedControl
            data={[
              { value: 'ro', label: 'Română' },
              { value: 'en', label: 'English' },
            ]}
            {...form.getInputProps('locale')}
          />
          {user && <Switch label={t('users.active')} {...form.getInputProps('active', { type: 'checkbox' })} />}
          {save.isError && <FormError error={save.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('app.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
