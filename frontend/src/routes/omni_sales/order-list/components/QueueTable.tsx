import { Checkbox, Table, Text } from '@mantine/core';
import { AnchorLink } from '@/components/links';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderSummary } from '@/api/client';
import { AgeBadge, ApprovalBadge, StatusBadge } from '@/components/badges';
import { useFormat } from '@/i18n/format';
import { statusSince } from '@/lib/targets';

interface Props {
  orders: OrderSummary[];
  channelName: (id: number) => string;
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  onToggleAll: (on: boolean) => void;
  cursor: number;
  onCursor: (index: number) => void;
  now: number;
}

export function QueueTable({ orders, channelName, selected, onToggle, onToggleAll, cursor, onCursor, now }: Props) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const body = useRef<HTMLTableSectionElement>(null);

  // j/k move the cursor; keep the row in view as it walks down a long page.
  useEffect(() => {
    const row = body.current?.children[cursor] as HTMLElement | undefined;
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [cursor]);

  const allSelected = orders.length > 0 && orders.every((o) => selected.has(o.id));
  const someSelected = orders.some((o) => selected.has(o.id));

  return (
    <Table.ScrollContainer minWidth={900}>
      <Table highlightOnHover stickyHeader data-dense data-testid="queue-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={32}>
              <Checkbox
                size="xs"
                aria-label={t('queue.selectAll')}
                checked={allSelected}
                indeterminate={someSelected && !allSelected}
                onChange={(e) => onToggleAll(e.currentTarget.checked)}
              />
            </Table.Th>
            <Table.Th>{t('queue.cols.number')}</Table.Th>
            <Table.Th>{t('queue.cols.status')}</Table.Th>
            <Table.Th>{t('queue.cols.approval')}</Table.Th>
            <Table.Th>{t('queue.cols.channel')}</Table.Th>
            <Table.Th>{t('queue.cols.externalRef')}</Table.Th>
            <Table.Th>{t('queue.cols.customer')}</Table.Th>
            <Table.Th ta="right">{t('queue.cols.total')}</Table.Th>
            <Table.Th>{t('queue.cols.age')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody ref={body}>
          {orders.map((o, i) => (
            <Table.Tr
              key={o.id}
              data-order-id={o.id}
              data-cursor={i === cursor ? 'true' : undefined}
              aria-selected={i === cursor}
              bg={i === cursor ? 'var(--mantine-color-blue-light)' : undefined}
              style={i === cursor ? { outline: '2px solid var(--mantine-color-blue-filled)', outlineOffset: -2 } : undefined}
              onClick={() => onCursor(i)}
            >
              <Table.Td>
                <Checkbox
                  size="xs"
                  aria-label={o.number}
                  checked={selected.has(o.id)}
                  onChange={() => onToggle(o.id)}
                />
              </Table.Td>
              <Table.Td>
                <AnchorLink to="/omni_sales/orders/$orderId" params={{ orderId: o.id }} fw={600} size="sm">
                  {o.number}
                </AnchorLink>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={o.status} />
              </Table.Td>
              <Table.Td>
                <ApprovalBadge value={o.approve_status} />
              </Table.Td>
              <Table.Td>
                {/* The source is the channel's type: shown on hover, filtered in the bar above. */}
                <Text size="sm" truncate maw={160} title={`${channelName(o.channel_id)} · ${t(`source.${o.source}`, { defaultValue: o.source })}`}>
                  {channelName(o.channel_id)}
                </Text>
              </Table.Td>
              <Table.Td>{o.external_ref ?? ''}</Table.Td>
              <Table.Td>
                <Text size="sm" truncate maw={180} title={o.customer_name}>
                  {o.customer_name}
                </Text>
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {fmt.money(o.total_gross, o.currency)}
              </Table.Td>
              <Table.Td>
                <AgeBadge
                  status={o.status}
                  since={statusSince(o.status, o.created_at, o.updated_at)}
                  now={now}
                  title={`${t('queue.cols.created')}: ${fmt.dateTime(o.created_at)}`}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
