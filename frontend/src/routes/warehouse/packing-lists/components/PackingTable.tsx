import { Badge, Button, Checkbox, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { AnchorLink } from '@/components/links';
import { LabelButtons } from '@/components/PdfPreview';
import { liveAwb, type PackingList } from '@/hooks/api/packingLists';
import { useFormat } from '@/i18n/format';
import { PackagesEditor } from './PackagesEditor';

/** The guide's alarm: a package waiting more than a day for its AWB blocks an order. */
export const LATE_HOURS = 24;

interface Props {
  rows: PackingList[];
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  onToggleAll: (on: boolean) => void;
  cursor: number;
  onCursor: (index: number) => void;
  canPack: boolean;
  onGenerate: (row: PackingList) => void;
}

export function PackingTable({ rows, selected, onToggle, onToggleAll, cursor, onCursor, canPack, onGenerate }: Props) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const body = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    const row = body.current?.children[cursor] as HTMLElement | undefined;
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [cursor]);

  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someSelected = rows.some((r) => selected.has(r.id));

  return (
    <Table.ScrollContainer minWidth={1250}>
      <Table stickyHeader data-dense verticalSpacing={4} data-testid="packing-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={32}>
              <Checkbox
                size="xs"
                aria-label={t('packing.selectAll')}
                checked={allSelected}
                indeterminate={someSelected && !allSelected}
                onChange={(e) => onToggleAll(e.currentTarget.checked)}
              />
            </Table.Th>
            <Table.Th>{t('packing.cols.number')}</Table.Th>
            <Table.Th>{t('packing.cols.order')}</Table.Th>
            <Table.Th>{t('packing.cols.customer')}</Table.Th>
            <Table.Th>{t('packing.cols.city')}</Table.Th>
            <Table.Th>{t('packing.cols.payment')}</Table.Th>
            <Table.Th ta="right">{t('packing.cols.total')}</Table.Th>
            <Table.Th>{t('packing.cols.packages')}</Table.Th>
            <Table.Th>{t('packing.cols.age')}</Table.Th>
            <Table.Th>{t('packing.cols.awb')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody ref={body}>
          {rows.map((r, i) => {
            const awb = liveAwb(r);
            const current = i === cursor;
            return (
              <Table.Tr
                key={r.id}
                data-packing-list-id={r.id}
                data-cursor={current ? 'true' : undefined}
                aria-selected={current}
                bg={current ? 'var(--mantine-color-blue-light)' : undefined}
                style={current ? { outline: '2px solid var(--mantine-color-blue-filled)', outlineOffset: -2 } : undefined}
                onClick={() => onCursor(i)}
                onFocusCapture={() => onCursor(i)}
              >
                <Table.Td>
                  <Checkbox size="xs" aria-label={r.number} checked={selected.has(r.id)} onChange={() => onToggle(r.id)} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                    {r.number}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {r.delivery_note_number}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <AnchorLink to="/omni_sales/orders/$orderId" params={{ orderId: r.order_id }} size="sm" fw={600}>
                    {r.order_number}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" truncate maw={160} title={r.customer_name}>
                    {r.customer_name}
                  </Text>
                </Table.Td>
                <Table.Td>{r.city}</Table.Td>
                <Table.Td>{t(`order.payment.${r.payment_method}`, { defaultValue: r.payment_method })}</Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {fmt.money(r.total_gross, r.currency)}
                </Table.Td>
                <Table.Td>
                  <PackagesEditor key={`${r.id}-${r.version}`} list={r} editable={canPack && !r.shipment} />
                </Table.Td>
                <Table.Td>
                  <Age hours={r.age_hours} waiting={!awb} />
                </Table.Td>
                <Table.Td>
                  {awb ? (
                    <Stack gap={2}>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" ff="monospace" fw={600} data-testid="row-awb">
                          {awb.awb}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {r.shipment?.carrier_name || t(`packing.courier.${r.shipment?.courier}`, { defaultValue: r.shipment?.courier })}
                        </Text>
                      </Group>
                      <LabelButtons shipmentId={awb.id} awb={awb.awb} />
                    </Stack>
                  ) : (
                    <Stack gap={2} align="flex-start">
                      {r.shipment?.status === 'pending' && (
                        <Tooltip label={r.shipment.last_error ?? t('packing.awb.pendingHint')} multiline w={260}>
                          <Badge color="yellow" variant="light">
                            {t('packing.awb.pending')}
                          </Badge>
                        </Tooltip>
                      )}
                      {canPack && (
                        <Button size="compact-xs" variant={r.complete ? 'filled' : 'light'} onClick={() => onGenerate(r)} data-testid="row-generate">
                          {t('packing.awb.generate')}
                        </Button>
                      )}
                      {!r.complete && (
                        <Text size="xs" c="orange">
                          {t('packing.incomplete')}
                        </Text>
                      )}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Age({ hours, waiting }: { hours: number; waiting: boolean }) {
  const { t } = useTranslation();
  const text = t('packing.ageHours', { h: Math.floor(hours) });
  if (waiting && hours > LATE_HOURS) {
    return (
      <Tooltip label={t('packing.late')}>
        <Badge color="red" variant="filled" tt="none" data-late="true">
          {text}
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
      {text}
    </Text>
  );
}
