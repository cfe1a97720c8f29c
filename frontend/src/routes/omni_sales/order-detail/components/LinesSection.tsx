import { ActionIcon, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LineInput, Order } from '@/api/client';
import { useFormat } from '@/i18n/format';

interface Props {
  order: Order;
  canEdit: boolean;
  saving: boolean;
  onSave: (lines: LineInput[]) => void;
}

interface Draft {
  key: number;
  sku: string;
  quantity: string;
  unit_price: string;
  name?: string;
}

const DECIMAL = /^\d+([.,]\d+)?$/;

function toDraft(order: Order): Draft[] {
  return order.lines.map((l) => ({ key: l.line_no, sku: l.sku, quantity: l.quantity, unit_price: l.unit_price, name: l.name }));
}

/** Lines with SKU, quantity, price, VAT; editable while the status allows it (draft, processing, on hold). */
export function LinesSection({ order, canEdit, saving, onSave }: Props) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [draft, setDraft] = useState<Draft[] | null>(null);
  const editing = draft !== null;

  const update = (key: number, patch: Partial<Draft>) =>
    setDraft((d) => d?.map((x) => (x.key === key ? { ...x, ...patch } : x)) ?? null);
  const valid =
    draft !== null &&
    draft.length > 0 &&
    draft.every((d) => d.sku.trim() && DECIMAL.test(d.quantity.trim()) && Number(d.quantity.replace(',', '.')) > 0 && DECIMAL.test(d.unit_price.trim()));

  const save = () => {
    if (!draft || !valid) return;
    onSave(
      draft.map((d) => ({
        sku: d.sku.trim(),
        quantity: d.quantity.trim().replace(',', '.'),
        unit_price: d.unit_price.trim().replace(',', '.'),
        name: d.name ?? null,
      })),
    );
    setDraft(null);
  };

  return (
    <Paper withBorder p="sm">
      <Group justify="space-between" mb={4}>
        <Title order={5}>{t('order.sections.lines')}</Title>
        {canEdit && !editing && (
          <Button variant="light" onClick={() => setDraft(toDraft(order))} data-testid="edit-lines">
            {t('order.lines.edit')}
          </Button>
        )}
      </Group>
      <Table.ScrollContainer minWidth={640}>
        <Table data-dense data-testid="order-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('order.lines.sku')}</Table.Th>
              <Table.Th>{t('order.lines.name')}</Table.Th>
              <Table.Th ta="right">{t('order.lines.quantity')}</Table.Th>
              <Table.Th ta="right">{t('order.lines.unitPrice')}</Table.Th>
              <Table.Th ta="right">{t('order.lines.vatRate')}</Table.Th>
              <Table.Th ta="right">{t('order.lines.net')}</Table.Th>
              <Table.Th ta="right">{t('order.lines.vat')}</Table.Th>
              <Table.Th ta="right">{t('order.lines.gross')}</Table.Th>
              {editing && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {editing
              ? draft.map((d) => (
                  <Table.Tr key={d.key}>
                    <Table.Td>
                      <TextInput
                        aria-label={t('order.lines.sku')}
                        value={d.sku}
                        onChange={(e) => update(d.key, { sku: e.currentTarget.value, name: undefined })}
                        w={150}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {d.name ?? ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <TextInput
                        aria-label={t('order.lines.quantity')}
                        value={d.quantity}
                        onChange={(e) => update(d.key, { quantity: e.currentTarget.value })}
                        error={!DECIMAL.test(d.quantity.trim())}
                        w={80}
                        styles={{ input: { textAlign: 'right' } }}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TextInput
                        aria-label={t('order.lines.unitPrice')}
                        value={d.unit_price}
                        onChange={(e) => update(d.key, { unit_price: e.currentTarget.value })}
                        error={!DECIMAL.test(d.unit_price.trim())}
                        w={100}
                        styles={{ input: { textAlign: 'right' } }}
                      />
                    </Table.Td>
                    <Table.Td colSpan={4} />
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('app.remove')}
                        onClick={() => setDraft((x) => x?.filter((y) => y.key !== d.key) ?? null)}
                      >
                        ×
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))
              : order.lines.map((l) => (
                  <Table.Tr key={l.line_no}>
                    <Table.Td ff="monospace">{l.sku}</Table.Td>
                    <Table.Td>{l.name}</Table.Td>
                    <Table.Td ta="right">{fmt.quantity(l.quantity)}</Table.Td>
                    <Table.Td ta="right">{fmt.money(l.unit_price, order.currency)}</Table.Td>
                    <Table.Td ta="right">{fmt.percent(l.vat_rate)}</Table.Td>
                    <Table.Td ta="right">{fmt.money(l.net, order.currency)}</Table.Td>
                    <Table.Td ta="right">{fmt.money(l.vat, order.currency)}</Table.Td>
                    <Table.Td ta="right" fw={500}>
                      {fmt.money(l.gross, order.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {editing && (
        <Stack gap="xs" mt="xs">
          <Group justify="space-between">
            <Button
              variant="subtle"
              onClick={() =>
                setDraft((d) => [...(d ?? []), { key: Date.now(), sku: '', quantity: '1', unit_price: '0.00' }])
              }
            >
              {t('order.lines.addLine')}
            </Button>
            <Group gap="xs">
              <Button variant="default" onClick={() => setDraft(null)} disabled={saving}>
                {t('app.cancel')}
              </Button>
              <Button onClick={save} disabled={!valid} loading={saving} data-testid="save-lines">
                {t('app.save')}
              </Button>
            </Group>
          </Group>
        </Stack>
      )}
      <Totals order={order} />
    </Paper>
  );
}

function Totals({ order }: { order: Order }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const tot = order.totals;
  return (
    <Stack gap={2} align="flex-end" mt="sm" data-testid="order-totals">
      <Group gap="xl">
        <Text size="sm" c="dimmed">
          {t('order.totals.net')}
        </Text>
        <Text size="sm" miw={120} ta="right">
          {fmt.money(tot.net, tot.currency)}
        </Text>
      </Group>
      {tot.vat_breakdown.map((b) => (
        <Group gap="xl" key={b.rate}>
          <Text size="sm" c="dimmed">
            {t('order.totals.vatAt', { rate: fmt.percent(b.rate) })}
          </Text>
          <Text size="sm" miw={120} ta="right">
            {fmt.money(b.vat, tot.currency)}
          </Text>
        </Group>
      ))}
      <Group gap="xl">
        <Text fw={700}>{t('order.totals.gross')}</Text>
        <Text fw={700} miw={120} ta="right" data-testid="order-gross">
          {fmt.money(tot.gross, tot.currency)}
        </Text>
      </Group>
    </Stack>
  );
}
