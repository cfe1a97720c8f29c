import { Badge, Button, Group, Modal, NumberInput, Stack, Switch, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { NewButton, PageHeader, SearchBox } from '@/components/PageHeader';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
import { useProducts, useSaveProduct, type Product } from '@/hooks/api/products';
import { useFormat } from '@/i18n/format';
import { notifySuccess } from '@/lib/notify';
import type { ListSearch } from '../search';

const route = getRouteApi('/app/products');

export function ProductsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const navigate = useNavigate();
  const user = useSessionUser();
  const canEdit = hasRole(user, 'operator', 'sales_manager');
  const list = useProducts({ q: search.q });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (patch: Partial<ListSearch>) => void navigate({ to: '/products', search: (s: ListSearch) => ({ ...s, ...patch }) });
  const editing = search.edit === 'new' ? null : items.find((p) => p.id === search.edit);

  return (
    <Stack gap="sm">
      <PageHeader title={t('products.title')}>
        <SearchBox value={search.q} onChange={(q) => set({ q })} />
        {canEdit && <NewButton label={t('products.new')} onClick={() => set({ edit: 'new' })} />}
      </PageHeader>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <LoadingState />
      ) : items.length === 0 ? (
        <EmptyState title={t('products.empty')} />
      ) : (
        <Table data-dense highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('products.sku')}</Table.Th>
              <Table.Th>{t('products.name')}</Table.Th>
              <Table.Th ta="right">{t('products.price')}</Table.Th>
              <Table.Th ta="right">{t('products.vatRate')}</Table.Th>
              <Table.Th>{t('products.active')}</Table.Th>
              {canEdit && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td ff="monospace">{p.sku}</Table.Td>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td ta="right">{p.price ? fmt.money(p.price, 'RON') : '—'}</Table.Td>
                <Table.Td ta="right">{fmt.percent(p.vat_rate)}</Table.Td>
                <Table.Td>
                  <Badge color={p.active ? 'green' : 'gray'} variant="light">
                    {p.active ? t('app.active') : t('app.inactive')}
                  </Badge>
                </Table.Td>
                {canEdit && (
                  <Table.Td>
                    <Button variant="subtle" onClick={() => set({ edit: p.id })}>
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
        <ProductDialog product={editing ?? null} onClose={() => set({ edit: undefined })} />
      )}
    </Stack>
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
    save.mutate(
      { id: product?.id, body },
      {
        onSuccess: () => {
          notifySuccess(t('products.saved'));
          onClose();
        },
      },
    );
  });
  return (
    <Modal opened onClose={onClose} title={product ? `${t('app.edit')}: ${product.sku}` : t('products.new')}>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <TextInput label={t('products.sku')} withAsterisk {...form.getInputProps('sku')} />
          <TextInput label={t('products.name')} withAsterisk {...form.getInputProps('name')} />
          <Group grow>
            <NumberInput label={t('products.price')} decimalScale={2} min={0} {...form.getInputProps('price')} />
            <NumberInput label={t('products.vatRate')} decimalScale={2} min={0} max={99} {...form.getInputProps('vat_rate')} />
          </Group>
          <TextInput label="EAN" {...form.getInputProps('ean')} />
          <Switch label={t('products.active')} {...form.getInputProps('active', { type: 'checkbox' })} />
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
