import { Button, Group, Modal, Switch, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { buttonColumn, DialogForm, FormDialog, ListPage, RemoveRowButton, savedThen, useSearchPatch } from '@/components/list-page';
import { NewButton, SearchBox } from '@/components/PageHeader';
import { ErrorState, LoadingState } from '@/components/states';
import { usePriceList, usePriceLists, useReplacePrices, useSavePriceList, type PriceList, type PriceListSummary } from '@/hooks/api/priceLists';
import { useFormat } from '@/i18n/format';
import type { ListSearch } from '../search';
import { CustomersSection } from './components/CustomersSection';

const route = getRouteApi('/app/sales/price_lists');

/** Customer price lists: what a B2B order's prices are checked against. Sales managers maintain them. */
export function PriceListsPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const set = useSearchPatch<ListSearch>();
  const canEdit = hasRole(useSessionUser(), 'sales_manager');
  const lists = usePriceLists();
  const q = search.q?.toLowerCase();
  const items = (lists.data?.items ?? []).filter((p) => !q || p.name.toLowerCase().includes(q));

  return (
    <ListPage
      title={t('priceLists.title')}
      toolbar={
        <>
          <SearchBox value={search.q} onChange={(v) => set({ q: v })} delay={0} />
          {canEdit && <NewButton label={t('priceLists.new')} onClick={() => set({ edit: 'new' })} />}
        </>
      }
      query={lists}
      items={items}
      rowKey={(p) => p.id}
      empty={t('priceLists.empty')}
      columns={[
        { key: 'name', header: t('priceLists.name'), td: { fw: 500 }, render: (p) => p.name },
        { key: 'currency', header: t('priceLists.currency'), render: (p) => p.currency },
        { key: 'items', header: t('priceLists.items'), align: 'right', render: (p) => p.item_count },
        { key: 'customers', header: t('nav.customers'), align: 'right', render: (p) => p.customer_count },
        buttonColumn<PriceListSummary>(canEdit ? t('app.edit') : t('priceLists.items'), (p) => set({ edit: p.id })),
      ]}
    >
      {search.edit === 'new' && <NewPriceListDialog onClose={() => set({ edit: undefined })} onCreated={(id) => set({ edit: id })} />}
      {typeof search.edit === 'number' && (
        <PriceListDialog id={search.edit} readOnly={!canEdit} onClose={() => set({ edit: undefined })} />
      )}
    </ListPage>
  );
}

function NewPriceListDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useTranslation();
  const save = useSavePriceList();
  const form = useForm({ initialValues: { name: '', currency: 'RON', prices_include_vat: false } });
  const submit = form.onSubmit((v) =>
    save.mutate(
      { body: { name: v.name.trim(), currency: v.currency.trim().toUpperCase(), prices_include_vat: v.prices_include_vat } },
      { onSuccess: (pl) => onCreated(pl.id) },
    ),
  );
  return (
    <FormDialog
      title={t('priceLists.new')}
      onClose={onClose}
      onSubmit={submit}
      form={form}
      error={save.error}
      pending={save.isPending}
      submitLabel={t('app.create')}
    >
      <TextInput label={t('priceLists.name')} withAsterisk {...form.getInputProps('name')} />
      <TextInput label={t('priceLists.currency')} maxLength={3} {...form.getInputProps('currency')} />
      <Switch label={t('priceLists.vatIncluded')} {...form.getInputProps('prices_include_vat', { type: 'checkbox' })} />
    </FormDialog>
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
        <Tabs defaultValue="prices">
          <Tabs.List mb="xs">
            <Tabs.Tab value="prices">
              {t('priceLists.prices')} ({pl.data.item_count})
            </Tabs.Tab>
            <Tabs.Tab value="customers">
              {t('priceLists.customers')} ({pl.data.customer_count})
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="prices">
            <PriceItems key={`${pl.data.id}-${pl.data.item_count}`} list={pl.data} readOnly={readOnly} onClose={onClose} />
          </Tabs.Panel>
          <Tabs.Panel value="customers">
            <CustomersSection priceListId={pl.data.id} readOnly={readOnly} />
          </Tabs.Panel>
        </Tabs>
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
  const submit = form.onSubmit((v) =>
    replace.mutate(
      { items: v.items.filter((i) => i.sku.trim()).map((i) => ({ sku: i.sku.trim(), price: String(i.price).replace(',', '.') })) },
      savedThen(t('priceLists.saved'), onClose),
    ),
  );
  return (
    <DialogForm
      onSubmit={submit}
      onCancel={onClose}
      error={replace.error}
      pending={replace.isPending}
      extraActions={
        <Button variant="subtle" onClick={() => form.insertListItem('items', { sku: '', price: '0.00', name: '' })}>
          {t('app.add')}
        </Button>
      }
    >
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
          <TextInput
            label={i === 0 ? t('products.sku') : undefined}
            aria-label={t('products.sku')}
            style={{ flex: 1 }}
            {...form.getInputProps(`items.${i}.sku`)}
          />
          <Text size="xs" c="dimmed" w={180} truncate pb={6}>
            {item.name}
          </Text>
          <TextInput
            label={i === 0 ? t('priceLists.price') : undefined}
            aria-label={t('priceLists.price')}
            w={120}
            {...form.getInputProps(`items.${i}.price`)}
          />
          <RemoveRowButton onClick={() => form.removeListItem('items', i)} />
        </Group>
      ))}
    </DialogForm>
  );
}
