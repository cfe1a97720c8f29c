import { Badge, Divider, Group, SegmentedControl, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { hasRole, useSessionUser } from '@/auth/session';
import { buttonColumn, editTarget, flatPages, FormDialog, ListPage, savedThen, useSearchPatch } from '@/components/list-page';
import { NewButton, SearchBox } from '@/components/PageHeader';
import { useCustomers, useSaveCustomer, type Customer } from '@/hooks/api/customers';
import type { customerSearch } from '../search';
import { AddressesSection } from './components/AddressesSection';
import { addressRules, customerBody, customerValues, type CustomerFormValues } from './form';

type Search = z.infer<typeof customerSearch>;
const route = getRouteApi('/app/customers');

export function CustomersPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const set = useSearchPatch<Search>();
  const canEdit = hasRole(useSessionUser(), 'operator', 'sales_manager');
  const list = useCustomers({ q: search.q, type: search.type });
  const items = flatPages(list.data);
  const editing = editTarget(search.edit, items);

  return (
    <ListPage
      title={t('customers.title')}
      toolbar={
        <>
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
        </>
      }
      query={list}
      items={items}
      rowKey={(c) => c.id}
      empty={t('customers.empty')}
      columns={[
        { key: 'name', header: t('customers.name'), render: (c) => c.name },
        {
          key: 'type',
          header: t('customers.type'),
          render: (c) => (
            <Badge variant="outline" size="sm">
              {c.type.toUpperCase()}
            </Badge>
          ),
        },
        { key: 'email', header: t('customers.email'), render: (c) => c.email ?? '—' },
        { key: 'phone', header: t('customers.phone'), render: (c) => c.phone ?? '—' },
        { key: 'vat', header: t('customers.vatCode'), render: (c) => c.vat_code ?? '—' },
        canEdit && buttonColumn<Customer>(t('app.edit'), (c) => set({ edit: c.id })),
      ]}
    >
      {editing.open && <CustomerDialog customer={editing.item} onClose={() => set({ edit: undefined })} />}
    </ListPage>
  );
}

function CustomerDialog({ customer, onClose }: { customer: Customer | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveCustomer();
  const form = useForm<CustomerFormValues>({
    initialValues: customerValues(customer),
    validate: {
      name: (v) => (v.trim() ? null : t('app.required')),
      addresses: addressRules(t('app.required'), t('customers.countryInvalid')),
    },
  });
  const submit = form.onSubmit((v) => save.mutate({ id: customer?.id, body: customerBody(v) }, savedThen(t('customers.saved'), onClose)));
  return (
    <FormDialog
      title={customer ? `${t('app.edit')}: ${customer.name}` : t('customers.new')}
      size="lg"
      onClose={onClose}
      onSubmit={submit}
      form={form}
      error={save.error}
      pending={save.isPending}
    >
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
      <Divider my={4} />
      <AddressesSection form={form} />
    </FormDialog>
  );
}
