import { Badge, Button, Group, Select, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { hasRole, useSessionUser } from '@/auth/session';
import { flatPages, FormDialog, formPath, ListPage, RemoveRowButton, savedThen, useSearchPatch } from '@/components/list-page';
import { NewButton, SearchBox } from '@/components/PageHeader';
import { useCreateReceipt, useStockList, useWarehouses } from '@/hooks/api/stock';
import { useFormat } from '@/i18n/format';
import type { stockSearch } from '../search';

type Search = z.infer<typeof stockSearch>;
const route = getRouteApi('/app/warehouse/stock');

/** Stock per product and warehouse; the warehouse records receipts (which is how back-orders get their goods). */
export function StockPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const set = useSearchPatch<Search>();
  const canReceive = hasRole(useSessionUser(), 'warehouse');
  const warehouses = useWarehouses();
  const list = useStockList({ sku: search.sku, warehouse_id: search.warehouse, only_available: search.available === '1' || undefined });

  return (
    <ListPage
      title={t('stock.title')}
      toolbar={
        <>
          <Select
            aria-label={t('stock.warehouse')}
            placeholder={t('stock.warehouse')}
            data={(warehouses.data?.items ?? []).map((w) => ({ value: String(w.id), label: w.code }))}
            value={search.warehouse ? String(search.warehouse) : null}
            onChange={(v) => set({ warehouse: v ? Number(v) : undefined })}
            clearable
            w={140}
          />
          <Switch
            label={t('stock.available')}
            checked={search.available === '1'}
            onChange={(e) => set({ available: e.currentTarget.checked ? '1' : undefined })}
            mb={6}
          />
          <SearchBox value={search.sku} onChange={(sku) => set({ sku })} placeholder={t('stock.sku')} />
          {canReceive && <NewButton label={t('stock.adjust')} onClick={() => set({ receipt: 'new' })} />}
        </>
      }
      query={list}
      items={flatPages(list.data)}
      rowKey={(s) => `${s.product_id}-${s.warehouse_id}`}
      empty={t('stock.empty')}
      columns={[
        { key: 'sku', header: t('stock.sku'), td: { ff: 'monospace' }, render: (s) => s.sku },
        { key: 'name', header: t('products.name'), render: (s) => s.product_name },
        { key: 'warehouse', header: t('stock.warehouse'), render: (s) => s.warehouse_code },
        { key: 'on-hand', header: t('stock.onHand'), align: 'right', render: (s) => fmt.quantity(s.on_hand) },
        { key: 'reserved', header: t('stock.reserved'), align: 'right', render: (s) => fmt.quantity(s.reserved) },
        { key: 'quarantine', header: t('stock.quarantine'), align: 'right', render: (s) => fmt.quantity(s.quarantine) },
        {
          key: 'available',
          header: t('stock.available'),
          align: 'right',
          render: (s) => (
            <Badge color={Number(s.available) > 0 ? 'green' : 'red'} variant="light">
              {fmt.quantity(s.available)}
            </Badge>
          ),
        },
      ]}
    >
      {search.receipt === 'new' && <ReceiptDialog onClose={() => set({ receipt: undefined })} />}
    </ListPage>
  );
}

function ReceiptDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const warehouses = useWarehouses();
  const create = useCreateReceipt();
  const first = warehouses.data?.items.find((w) => w.is_default) ?? warehouses.data?.items[0];
  const form = useForm({
    initialValues: { warehouse_id: first ? String(first.id) : '', reference: '', lines: [{ sku: '', quantity: '1' }] },
  });
  const sent = (lines: typeof form.values.lines) => lines.flatMap((l, i) => (l.sku.trim() ? [i] : []));
  // Blank rows are not sent: the server's lines[n] is the n-th row that has a SKU.
  const fieldPath = (field: string) => {
    const m = /^lines\[(\d+)\]\.(\w+)$/.exec(field);
    if (!m) return formPath(field);
    const row = sent(form.values.lines)[Number(m[1])];
    return row === undefined ? null : `lines.${row}.${m[2]}`;
  };
  const submit = form.onSubmit((v) =>
    create.mutate(
      {
        warehouse_id: Number(v.warehouse_id || first?.id),
        reference: v.reference.trim() || null,
        lines: sent(v.lines).map((i) => ({
          sku: v.lines[i].sku.trim(),
          quantity: v.lines[i].quantity.replace(',', '.'),
          quarantine: false,
        })),
      },
      savedThen(t('stock.saved'), onClose),
    ),
  );
  return (
    <FormDialog
      title={t('stock.receipt')}
      size="lg"
      onClose={onClose}
      onSubmit={submit}
      form={form}
      fieldPath={fieldPath}
      error={create.error}
      pending={create.isPending}
      extraActions={
        <Button variant="subtle" onClick={() => form.insertListItem('lines', { sku: '', quantity: '1' })}>
          {t('order.lines.addLine')}
        </Button>
      }
    >
      <Group grow>
        <Select
          label={t('stock.warehouse')}
          data={(warehouses.data?.items ?? []).map((w) => ({ value: String(w.id), label: `${w.code} — ${w.name}` }))}
          allowDeselect={false}
          {...form.getInputProps('warehouse_id')}
        />
        <TextInput label={t('stock.reference')} {...form.getInputProps('reference')} />
      </Group>
      {form.values.lines.map((_, i) => (
        <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
          <TextInput label={t('stock.sku')} style={{ flex: 1 }} {...form.getInputProps(`lines.${i}.sku`)} />
          <TextInput label={t('stock.quantity')} w={110} {...form.getInputProps(`lines.${i}.quantity`)} />
          <RemoveRowButton onClick={() => form.removeListItem('lines', i)} />
        </Group>
      ))}
    </FormDialog>
  );
}
