import { Group, NumberInput, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { ActiveBadge, buttonColumn, editTarget, flatPages, FormDialog, ListPage, savedThen, useSearchPatch } from '@/components/list-page';
import { NewButton, SearchBox } from '@/components/PageHeader';
import { useProducts, useSaveProduct, type Product } from '@/hooks/api/products';
import { useFormat } from '@/i18n/format';
import type { ListSearch } from '../search';

const route = getRouteApi('/app/products');

export function ProductsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const set = useSearchPatch<ListSearch>();
  const canEdit = hasRole(useSessionUser(), 'operator', 'sales_manager');
  const list = useProducts({ q: search.q });
  const items = flatPages(list.data);
  const editing = editTarget(search.edit, items);

  return (
    <ListPage
      title={t('products.title')}
      toolbar={
        <>
          <SearchBox value={search.q} onChange={(q) => set({ q })} />
          {canEdit && <NewButton label={t('products.new')} onClick={() => set({ edit: 'new' })} />}
        </>
      }
      query={list}
      items={items}
      rowKey={(p) => p.id}
      empty={t('products.empty')}
      columns={[
        { key: 'sku', header: t('products.sku'), td: { ff: 'monospace' }, render: (p) => p.sku },
        { key: 'name', header: t('products.name'), render: (p) => p.name },
        { key: 'price', header: t('products.price'), align: 'right', render: (p) => (p.price ? fmt.money(p.price, 'RON') : '—') },
        { key: 'vat', header: t('products.vatRate'), align: 'right', render: (p) => fmt.percent(p.vat_rate) },
        { key: 'active', header: t('products.active'), render: (p) => <ActiveBadge active={p.active} /> },
        canEdit && buttonColumn<Product>(t('app.edit'), (p) => set({ edit: p.id })),
      ]}
    >
      {editing.open && <ProductDialog product={editing.item} onClose={() => set({ edit: undefined })} />}
    </ListPage>
  );
}

function ProductDialog({ product, onClose }: { product: Product | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveProduct();
  const form = useForm({
    initialValues: {
      sku: product?.sku ?? '',
      name: product?.name ?? '',
      price: product?.price ?? '',
      vat_rate: product?.vat_rate ?? '19',
      ean: product?.ean ?? '',
      active: product?.active ?? true,
    },
    validate: {
      sku: (v) => (v.trim() ? null : t('products.sku')),
      name: (v) => (v.trim() ? null : t('products.name')),
    },
  });
  const submit = form.onSubmit((v) => {
    const body = {
      sku: v.sku.trim(),
      name: v.name.trim(),
      price: v.price === '' ? null : String(v.price),
      vat_rate: String(v.vat_rate),
      ean: v.ean.trim() || null,
      active: v.active,
    };
    save.mutate({ id: product?.id, body }, savedThen(t('products.saved'), onClose));
  });
  return (
    <FormDialog
      title={product ? `${t('app.edit')}: ${product.sku}` : t('products.new')}
      onClose={onClose}
      onSubmit={submit}
      form={form}
      error={save.error}
      pending={save.isPending}
    >
      <TextInput label={t('products.sku')} withAsterisk {...form.getInputProps('sku')} />
      <TextInput label={t('products.name')} withAsterisk {...form.getInputProps('name')} />
      <Group grow>
        <NumberInput label={t('products.price')} decimalScale={2} min={0} {...form.getInputProps('price')} />
        <NumberInput label={t('products.vatRate')} decimalScale={2} min={0} max={99} {...form.getInputProps('vat_rate')} />
      </Group>
      <TextInput label="EAN" {...form.getInputProps('ean')} />
      <Switch label={t('products.active')} {...form.getInputProps('active', { type: 'checkbox' })} />
    </FormDialog>
  );
}
