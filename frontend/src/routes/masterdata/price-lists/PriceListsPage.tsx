import { ActionIcon, Button, Group, Modal, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { NewButton, PageHeader } from '@/components/PageHeader';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
import { usePriceList, usePriceLists, useReplacePrices, useSavePriceList, type PriceList } from '@/hooks/api/priceLists';
import { useFormat } from '@/i18n/format';
import { notifySuccess } from '@/lib/notify';
import type { ListSearch } from '../search';

const route = getRouteApi('/app/sales/price_lists');

/** Customer price lists: what a B2B order's prices are checked against. Sales managers maintain them. */
export function PriceListsPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = useNavigate();
  const canEdit = hasRole(useSessionUser(), 'sales_manager');
  const lists = usePriceLists();
  const set = (patch: Partial<ListSearch>) =>
    void navigate({ to: '/sales/price_lists', search: (s: ListSearch) => ({ ...s, ...patch }) });
  const q = search.q?.toLowerCase();
  const items = (lists.data?.items ?? []).filter((p) => !q || p.name.toLowerCase().includes(q));

  return (
    <Stack gap="sm">
      <PageHeader title={t('priceLists.title')}>
        <TextInput
          aria-label={t('app.search')}
          placeholder={t('app.search')}
          value={search.q ?? ''}
          onChange={(e) => set({ q: e.currentTarget.value || undefined })}
          w={220}
        />
        {canEdit && <NewButton label={t('priceLists.new')} onClick={() => set({ edit: 'new' })} />}
      </PageHeader>
      {lists.isError ? (
        <ErrorState error={lists.error} onRetry={() => void lists.refetch()} />
      ) : lists.isPending ? (
        <LoadingState />
      ) : items.length === 0 ? (
        <EmptyState title={t('priceLists.empty')} />
      ) : (
        <Table data-dense highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('priceLists.name')}</Table.Th>
              <Table.Th>{t('priceLists.currency')}</Table.Th>
              <Table.Th ta="right">{t('priceLists.items')}</Table.Th>
              <Table.Th ta="right">{t('nav.customers')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td fw={500}>{p.name}</Table.Td>
                <Table.Td>{p.currency}</Table.Td>
                <Table.Td ta="right">{p.item_count}</Table.Td>
                <Table.Td ta="right">{p.customer_count}</Table.Td>
                <Table.Td>
                  <Button variant="subtle" onClick={() => set({ edit: p.id })}>
                    {canEdit ? t('app.edit') : t('priceLists.items')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {search.edit === 'new' && <NewPriceListDialog onClose={() => set({ edit: undefined })} onCreated={(id) => set({ edit: id })} />}
      {typeof search.edit === 'number' && (
        <PriceListDialog id={search.edit} readOnly={!canEdit} onClose={() => set({ edit: undefined })} />
      )}
    </Stack>
  );
}

function NewPriceListDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useTranslation();
  const save = useSavePriceList();
  const form = useForm({ initialValues: { name: '', currency: 'RON', prices_include_vat: false } });
  return (
    <Modal opened onClose={onClose} title={t('priceLists.new')}>
      <form
        onSubmit={form.onSubmit((v) =>
          save.mutate(
            { body: { name: v.name.trim(), currency: v.currency.trim().toUpperCase(), prices_include_vat: v.prices_include_vat } },
            { onSuccess: (pl) => onCreated(pl.id) },
          ),
        )}
      >
        <Stack gap="xs">
          <TextInput label={t('priceLists.name')} withAsterisk {...form.getInputProps('name')} />
          <TextInput label={t('priceLists.currency')} maxLength={3} {...form.getInputProps('currency')} />
          <Switch label={t('priceLists.vatIncluded')} {...form.getInputProps('prices_include_vat', { type: 'checkbox' })} />
          {save.isError && <FormError error={save.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('app.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function PriceListDialog({ id, readOnly, onClose }: { id: number; readOnly: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const pl = usePriceList(id);
  return (
    <Modal opened onClose={onClose} size="lg" title={pl.data?.name ?? t('priceLists.title')}>
      {pl.isError ? (
        <ErrorState error={pl.error} />
      ) : pl.isPending ? (
        <LoadingState />
      ) : (
        <PriceItems key={`${pl.data.id}-${pl.data.item_count}`} list={pl.data} readOnly={readOnly} onClose={onClose} />
      )}
    </Modal>
  );
}

function PriceItems({ list, readOnly, onClose }: { list: PriceList; readOnly: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const replace = useReplacePrices(list.id);
  const form = useForm({ initialValues: { items: list.items.map((i) => ({ sku: i.sku, price: i.price, name: i.name })) } });
  if (readOnly) {
    return (
      <Table data-dense>
        <Table.Tbody>
          {list.items.map((i) => (
            <Table.Tr key={i.sku}>
              <Table.Td ff="monospace">{i.sku}</Table.Td>
              <Table.Td>{i.name}</Table.Td>
              <Table.Td ta="right">{fmt.money(i.price, list.currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );
  }
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        replace.mutate(
          { items: v.items.filter((i) => i.sku.trim()).map((i) => ({ sku: i.sku.trim(), price: String(i.price).replace(',', '.') })) },
          {
            onSuccess: () => {
              notifySuccess(t('priceLists.saved'));
              onClose();
            },
          },
        ),
      )}
    >
      <Stack gap="xs">
        <Title order={6}>
          {t('priceLists.items')} ({list.currency})
        </Title>
        {form.values.items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('priceLists.empty')}
          </Text>
        )}
        {form.values.items.map((item, i) => (
          <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
            <TextInput label={i === 0 ? t('products.sku') : undefined} aria-label={t('products.sku')} style={{ flex: 1 }} {...form.getInputProps(`items.${i}.sku`)} />
            <Text size="xs" c="dimmed" w={180} truncate pb={6}>
              {item.name}
            </Text>
            <TextInput label={i === 0 ? t('priceLists.price') : undefined} aria-label={t('priceLists.price')} w={120} {...form.getInputProps(`items.${i}.price`)} />
            <ActionIcon variant="subtle" color="red" aria-label={t('app.remove')} onClick={() => form.removeListItem('items', i)} mb={4}>
              ×
            </ActionIcon>
          </Group>
        ))}
        <Group justify="space-between">
          <Button variant="subtle" onClick={() => form.insertListItem('items', { sku: '', price: '0.00', name: '' })}>
            {t('app.add')}
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={replace.isPending}>
              {t('app.save')}
            </Button>
          </Group>
        </Group>
        {replace.isError && <FormError error={replace.error} />}
      </Stack>
    </form>
  );
}
