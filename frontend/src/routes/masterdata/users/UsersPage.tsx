import { Badge, Group, MultiSelect, PasswordInput, SegmentedControl, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { STAFF_ROLES } from '@/auth/session';
import { ActiveBadge, buttonColumn, editTarget, FormDialog, ListPage, savedThen, useSearchPatch } from '@/components/list-page';
import { NewButton } from '@/components/PageHeader';
import { useSaveUser, useUsers, type User, type UserInput } from '@/hooks/api/users';
import { useFormat } from '@/i18n/format';
import type { ListSearch } from '../search';

const route = getRouteApi('/app/users');

export function UsersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const set = useSearchPatch<ListSearch>();
  const users = useUsers();
  const items = users.data?.items ?? [];
  const editing = editTarget(search.edit, items);

  return (
    <ListPage
      title={t('users.title')}
      toolbar={<NewButton label={t('users.new')} onClick={() => set({ edit: 'new' })} />}
      query={users}
      items={items}
      rowKey={(u) => u.id}
      empty={t('users.empty')}
      columns={[
        { key: 'name', header: t('users.name'), td: { fw: 500 }, render: (u) => u.name },
        { key: 'email', header: t('users.email'), render: (u) => u.email },
        {
          key: 'roles',
          header: t('users.roles'),
          render: (u) => (
            <Group gap={4}>
              {u.roles.map((r) => (
                <Badge key={r} size="sm" variant="light">
                  {t(`roles.${r}`, { defaultValue: r })}
                </Badge>
              ))}
            </Group>
          ),
        },
        { key: 'active', header: t('users.active'), render: (u) => <ActiveBadge active={u.active} /> },
        { key: 'login', header: t('users.lastLogin'), render: (u) => fmt.dateTime(u.last_login_at) },
        buttonColumn<User>(t('app.edit'), (u) => set({ edit: u.id })),
      ]}
    >
      {editing.open && <UserDialog user={editing.item} onClose={() => set({ edit: undefined })} />}
    </ListPage>
  );
}

/** Create (email and password required) or change a staff user; the roles decide what they may do. */
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
      name: (v) => (v.trim() ? null : t('app.required')),
      email: (v) => (user || v.trim() ? null : t('app.required')),
      roles: (v) => (v.length ? null : t('users.rolesRequired')),
      // A new user needs a password; an existing one keeps theirs when the field stays empty.
      password: (v) => ((user === null || v) && v.length < 8 ? t('users.passwordShort') : null),
    },
  });
  const submit = form.onSubmit((v) => {
    const roles = v.roles as UserInput['roles'];
    const locale = v.locale as 'en' | 'ro';
    const body = user
      ? { name: v.name.trim(), roles, active: v.active, locale, ...(v.password ? { password: v.password } : {}) }
      : { name: v.name.trim(), email: v.email.trim(), roles, password: v.password, locale };
    save.mutate({ id: user?.id, body }, savedThen(t('users.saved'), onClose));
  });
  return (
    <FormDialog
      title={user ? user.email : t('users.new')}
      onClose={onClose}
      onSubmit={submit}
      form={form}
      error={save.error}
      pending={save.isPending}
    >
      <TextInput label={t('users.name')} withAsterisk {...form.getInputProps('name')} />
      {!user && <TextInput label={t('users.email')} type="email" withAsterisk {...form.getInputProps('email')} />}
      <MultiSelect
        label={t('users.roles')}
        data={STAFF_ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        {...form.getInputProps('roles')}
      />
      <PasswordInput label={t('users.password')} withAsterisk={!user} autoComplete="new-password" {...form.getInputProps('password')} />
      <SegmentedControl
        data={[
          { value: 'ro', label: 'Română' },
          { value: 'en', label: 'English' },
        ]}
        {...form.getInputProps('locale')}
      />
      {user && <Switch label={t('users.active')} {...form.getInputProps('active', { type: 'checkbox' })} />}
    </FormDialog>
  );
}
