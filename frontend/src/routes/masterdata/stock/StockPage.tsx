import { ActionIcon, Badge, Button, Group, Modal, Select, Stack, Switch, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { hasRole, useSessionUser } from '@/auth/session';
import { NewButton, PageHeader, SearchBox } from '@/components/PageHeader';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
import { useCreateReceipt, useStockList, useWarehouses } from '@/hooks/api/stock';
import { useFormat } from '@/i18n/format';
import { notifySuccess } from '@/lib/notify';
import type { stockSearch } from '../search';

type Search = z.infer<typeof stockSearch>;
const route = getRouteApi('/app/warehouse/stock');

/** Stock per product and warehouse; the warehouse records receipts (which is how back-orders get their goods). */
export function StockPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const search = route.useSearch();
  const navigate = useNavigate();
  const canReceive = hasRole(useSessionUser(), 'warehouse');
  const warehouses = useWarehouses();
  const list = useStockList({ sku: search.sku, warehouse_id: search.warehouse, only_available: search.available === '1' || undefined });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (patch: Partial<Search>) => void navigate({ to: '/warehouse/stock', search: (s: Search) => ({ ...s, ...patch }) });

  return (
    <Stack gap="sm">
      <PageHeader title={t('stock.title')}>
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
      </PageHeader>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <LoadingState />
      ) : items.length === 0 ? (
        <EmptyState title={t('stock.empty')} />
      ) : (
        <Table data-dense highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('stock.sku')}</Table.Th>
              <Table.Th>{t('products.name')}</Table.Th>
              <Table.Th>{t('stock.warehouse')}</Table.Th>
              <Table.Th ta="right">{t('stock.onHand')}</Table.Th>
              <Table.Th ta="right">{t('stock.reserved')}</Table.Th>
              <Table.Th ta="right">{t('stock.quarantine')}</Table.Th>
              <Table.Th ta="right">{t('stock.available')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <Table.Tr key={`${s.product_id}-${s.warehouse_id}`}>
                <Table.Td ff="monospace">{s.sku}</Table.Td>
                <Table.Td>{s.product_name}</Table.Td>
                <Table.Td>{s.warehouse_code}</Table.Td>
                <Table.Td ta="right">{fmt.quantity(s.on_hand)}</Table.Td>
                <Table.Td ta="right">{fmt.quantity(s.reserved)}</Table.Td>
                <Table.Td ta="right">{fmt.quantity(s.quarantine)}</Table.Td>
                <Table.Td ta="right">
                  <Badge color={Number(s.available) > 0 ? 'green' : 'red'} variant="light">
                    {fmt.quantity(s.available)}
                  </Badge>
                </Table.Td>
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
      {search.receipt === 'new' && <ReceiptDialog onClose={() => set({ receipt: undefined })} />}
    </Stack>
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
  const submit = form.onSubmit((v) =>
    create.mutate(
      {
        warehouse_id: Number(v.warehouse_id || first?.id),
        reference: v.reference.trim() || null,
        lines: v.lines.filter((l) => l.sku.trim()).map((l) => ({ sku: l.sku.trim(), quantity: l.quantity.replace(',', '.'), quarantine: false })),
      },
      {
        onSuccess: () => {
          notifySuccess(t('stock.saved'));
          onClose();
        },
      },
    ),
  );
  return (
    <Modal opened onClose={onClose} title={t('stock.receipt')} size="lg">
      <form onSubmit={submit}>
        <Stack gap="xs">
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
              <ActionIcon variant="subtle" color="red" aria-label={t('app.remove')} onClick={() => form.removeListItem('lines', i)} mb={4}>
                ×
              </ActionIcon>
            </Group>
          ))}
          <Group justify="space-between">
            <Button variant="subtle" onClick={() => form.insertListItem('lines', { sku: '', quantity: '1' })}>
              {t('order.lines.addLine')}
            </Button>
          </Group>
          {create.isError && <FormError error={create.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('app.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
