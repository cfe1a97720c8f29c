import { Badge, Button, Group, MultiSelect, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable, flatPages } from '@/components/list-page';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
import { useCustomers, type Customer } from '@/hooks/api/customers';
import { useAssignCustomers, useUnassignCustomer } from '@/hooks/api/priceLists';
import { notifyError, notifySuccess } from '@/lib/notify';

const label = (c: Customer) => (c.email ? `${c.name} <${c.email}>` : c.name);

/** The customers who buy at this list; a sales manager adds them (searching the customer file) or removes them. */
export function CustomersSection({ priceListId, readOnly }: { priceListId: number; readOnly: boolean }) {
  const { t } = useTranslation();
  const assigned = useCustomers({ price_list_id: priceListId });
  const unassign = useUnassignCustomer();
  const items = flatPages(assigned.data);

  return (
    <Stack gap="xs" data-testid="price-list-customers">
      {!readOnly && <AssignCustomers priceListId={priceListId} />}
      {assigned.isError ? (
        <ErrorState error={assigned.error} onRetry={() => void assigned.refetch()} />
      ) : assigned.isPending ? (
        <LoadingState />
      ) : items.length === 0 ? (
        <EmptyState title={t('priceLists.noCustomers')} />
      ) : (
        <DataTable
          items={items}
          rowKey={(c) => c.id}
          columns={[
            { key: 'name', render: (c) => c.name, td: { fw: 500 } },
            { key: 'email', render: (c) => c.email ?? '—' },
            {
              key: 'type',
              render: (c) => (
                <Badge variant="outline" size="sm">
                  {c.type.toUpperCase()}
                </Badge>
              ),
            },
            ...(readOnly
              ? []
              : [
                  {
                    key: 'remove',
                    render: (c: Customer) => (
                      <Button
                        variant="subtle"
                        color="red"
                        loading={unassign.isPending && unassign.variables === c.id}
                        onClick={() =>
                          unassign.mutate(c.id, {
                            onSuccess: () => notifySuccess(t('priceLists.unassigned', { name: c.name })),
                            onError: (e) => notifyError(e),
                          })
                        }
                      >
                        {t('app.remove')}
                      </Button>
                    ),
                  },
                ]),
          ]}
        />
      )}
      {assigned.hasNextPage && (
        <Button variant="default" onClick={() => void assigned.fetchNextPage()} loading={assigned.isFetchingNextPage}>
          {t('app.loadMore')}
        </Button>
      )}
    </Stack>
  );
}

function AssignCustomers({ priceListId }: { priceListId: number }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const found = useCustomers({ q: q || undefined });
  const assign = useAssignCustomers(priceListId);
  // Labels of the picked customers, which later searches may no longer return.
  const [picked, setPicked] = useState<{ value: string; label: string }[]>([]);
  const options = [
    ...picked,
    ...flatPages(found.data)
      .filter((c) => c.price_list_id !== priceListId && !picked.some((p) => p.value === String(c.id)))
      .map((c) => ({ value: String(c.id), label: label(c) })),
  ];

  const onChange = (values: string[]) =>
    setPicked(values.map((v) => options.find((o) => o.value === v) ?? { value: v, label: `#${v}` }));
  const submit = () =>
    assign.mutate(
      picked.map((p) => Number(p.value)),
      {
        onSuccess: (r) => {
          notifySuccess(t('priceLists.assigned', { count: r.customer_ids.length }));
          setPicked([]);
          setSearch('');
        },
      },
    );

  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <MultiSelect
          label={t('priceLists.addCustomers')}
          placeholder={t('priceLists.searchCustomers')}
          data={options}
          value={picked.map((p) => p.value)}
          onChange={onChange}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          // The API already matched the search (name, company, email…): show what it found.
          filter={({ options: all }) => all}
          nothingFoundMessage={found.isFetching ? t('app.loading') : t('customers.empty')}
          style={{ flex: 1 }}
        />
        <Button onClick={submit} disabled={picked.length === 0} loading={assign.isPending}>
          {t('priceLists.assign')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('priceLists.assignHint')}
      </Text>
      {assign.isError && <FormError error={assign.error} />}
    </Stack>
  );
}
