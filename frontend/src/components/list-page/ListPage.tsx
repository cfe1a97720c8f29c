import { Badge, Button, Stack, Table, type TableTdProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';

/** One column of a list table; `td` styles its cells (monospace SKUs, bold names…). */
export interface Column<T> {
  key: string;
  header?: ReactNode;
  align?: 'right';
  td?: Omit<TableTdProps, 'children' | 'ta'>;
  render: (item: T) => ReactNode;
}

/** What a list screen reads of its query: a plain useQuery or a keyset-paginated useInfiniteQuery. */
export interface ListQuery {
  isError: boolean;
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => unknown;
}

export interface ListPageProps<T> {
  title: string;
  /** Filters, the search box and the "New …" button, right of the title. */
  toolbar?: ReactNode;
  query: ListQuery;
  items: readonly T[];
  /** Columns left out (false/null) are not shown, e.g. "Edit" for a user who may not edit. */
  columns: readonly (Column<NoInfer<T>> | false | null | undefined)[];
  rowKey: (item: T) => string | number;
  empty: string;
  /** Shown between the header and the table, e.g. what the last row action did. */
  notice?: ReactNode;
  /** The dialogs the URL opens. */
  children?: ReactNode;
}

/** A list screen: header with filters, loading/error/empty states, the table, "Load more", its dialogs. */
export function ListPage<T>({ title, toolbar, query, items, columns, rowKey, empty, notice, children }: ListPageProps<T>) {
  const { t } = useTranslation();
  const shown = columns.filter((c): c is Column<T> => Boolean(c));
  return (
    <Stack gap="sm">
      <PageHeader title={title}>{toolbar}</PageHeader>
      {notice}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <LoadingState />
      ) : items.length === 0 ? (
        <EmptyState title={empty} />
      ) : (
        <DataTable items={items} columns={shown} rowKey={rowKey} />
      )}
      {query.hasNextPage && query.fetchNextPage && (
        <Button variant="default" onClick={() => void query.fetchNextPage?.()} loading={query.isFetchingNextPage}>
          {t('app.loadMore')}
        </Button>
      )}
      {children}
    </Stack>
  );
}

export function DataTable<T>({
  items,
  columns,
  rowKey,
}: {
  items: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (item: T) => string | number;
}) {
  return (
    <Table data-dense highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c.key} ta={c.align}>
              {c.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((item) => (
          <Table.Tr key={rowKey(item)}>
            {columns.map((c) => (
              <Table.Td key={c.key} ta={c.align} {...c.td}>
                {c.render(item)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The last column: one button per row, usually "Edit" (opens ?edit=<id>). */
export function buttonColumn<T>(label: string | ((item: T) => string), onClick: (item: T) => void): Column<T> {
  return {
    key: 'row-action',
    render: (item) => (
      <Button variant="subtle" onClick={() => onClick(item)}>
        {typeof label === 'function' ? label(item) : label}
      </Button>
    ),
  };
}

export function ActiveBadge({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge color={active ? 'green' : 'gray'} variant="light">
      {active ? t('app.active') : t('app.inactive')}
    </Badge>
  );
}
