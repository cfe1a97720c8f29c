import { Badge, Button, Group, Modal, SegmentedControl, Stack, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { NewButton, PageHeader, SearchBox } from '@/components/PageHeader';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
import { useCustomers, useSaveCustomer, type Customer } from '@/hooks/api/customers';
import { notifySuccess } from '@/lib/notify';
import type { customerSearch } from '../search';
import type { z } from 'zod';

type Search = z.infer<typeof customerSearch>;
const route = getRouteApi('/app/customers');

export function CustomersPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = useNavigate();
  const canEdit = hasRole(useSessionUser(), 'operator', 'sales_manager');
  const list = useCustomers({ q: search.q, type: search.type });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (patch: Partial<Search>) => void navigate({ to: '/customers', search: (s: Search) => ({ ...s, ...patch }) });
  const editing = search.edit === 'new' ? null : items.find((c) => c.id === search.edit);

  return (
    <Stack gap="sm">
      <PageHeader title={t('customers.title')}>
        <SegmentedControl
          size="xs"
          value={search.type ?? 'all'}
          onChange={(v) => set({ type: v === 'all' ? undefined : (v as 'b2b' | 'b2c') })}
          data={[
            { value: 'all', label: t('app.all') },
            { value: 'b2c', label: 'B2C' },
            { value: 'b2b', label: 'B2B' },
          ]}
        />
        <SearchBox value={search.q} onChange={(q) => set({ q })} />
        {canEdit && <NewButton label={t('customers.new')} onClick={() => set({ edit: 'new' })} />}
      </PageHeader>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <LoadingState />
      ) : items.length === 0 ? (
        <EmptyState title={t('customers.empty')} />
      ) : (
        <Table data-dense highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('customers.name')}</Table.Th>
              <Table.Th>{t('customers.type')}</Table.Th>
              <Table.Th>{t('customers.email')}</Table.Th>
              <Table.Th>{t('customers.phone')}</Table.Th>
              <Table.Th>{t('customers.vatCode')}</Table.Th>
              {canEdit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>
                  <Badge variant="outline" size="sm">
                    {c.type.toUpperCase()}
                  </Badge>
                </Table.Td>
                <Table.Td>{c.email ?? '—'}</Table.Td>
                <Table.Td>{c.phone ?? '—'}</Table.Td>
                <Table.Td>{c.vat_code ?? '—'}</Table.Td>
                {canEdit && (
                  <Table.Td>
                    <Button variant="subtle" onClick={() => set({ edit: c.id })}>
                      {t('app.edit')}
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('app.loadMore')}
        </Button>
      )}
      {search.edit !== undefined && (search.edit === 'new' || editing) && (
        <CustomerDialog customer={editing ?? null} onClose={() => set({ edit: undefined })} />
      )}
    </Stack>
  );
}

function CustomerDialog({ customer, onClose }: { customer: Customer | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveCustomer();
  const form = useForm({
    initialValues: {
      name: customer?.name ?? '',
      type: customer?.type ?? 'b2c',
      email: customer?.email ?? '',
      phone: customer?.phone ?? '',
      company: customer?.company ?? '',
      vat_code: customer?.vat_code ?? '',
    },
    validate: { name: (v) => (v.trim() ? null : t('customers.name')) },
  });
  const submit = form.onSubmit((v) => {
    const body = {
      name: v.name.trim(),
      type: v.type as 'b2b' | 'b2c',
      email: v.email.trim() || null,
      phone: v.phone.trim() || null,
      company: v.company.trim() || null,
      vat_code: v.vat_code.trim() || null,
    };
    save.mutate(
      { id: customer?.id, body },
      {
        onSuccess: () => {
          notifySuccess(t('customers.saved'));
          onClose();
        },
      },
    );
  });
  return (
    <Modal opened onClose={onClose} title={customer ? `${t('app.edit')}: ${customer.name}` : t('customers.new')}>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <TextInput label={t('customers.name')} withAsterisk {...form.getInputProps('name')} />
          <SegmentedControl
            data={[
              { value: 'b2c', label: 'B2C' },
              { value: 'b2b', label: 'B2B' },
            ]}
            {...form.getInputProps('type')}
          />
          <TextInput label={t('customers.email')} type="email" {...form.getInputProps('email')} />
          <TextInput label={t('customers.phone')} {...form.getInputProps('phone')} />
          <Group grow>
            <TextInput label={t('customers.company')} {...form.getInputProps('company')} />
            <TextInput label={t('customers.vatCode')} {...form.getInputProps('vat_code')} />
          </Group>
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
