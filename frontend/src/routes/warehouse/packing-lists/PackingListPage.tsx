import { Button, CloseButton, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { flatPages, useSearchPatch } from '@/components/list-page';
import { usePdfPreview } from '@/components/PdfPreview';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { liveAwb, printLabels, usePackingLists, type LabelFormat, type PackingList } from '@/hooks/api/packingLists';
import { fetchLabel } from '@/hooks/api/shipments';
import type { AwbView, PackingListSearch } from '../search';
import { AwbDialog } from './components/AwbDialog';
import { BatchProgressDialog, BatchStartDialog } from './components/BatchAwbDialog';
import { PackingTable } from './components/PackingTable';

const route = getRouteApi('/app/warehouse/manage_packing_list');
const VIEWS: AwbView[] = ['missing', 'present', 'all'];
/** Who may pack and generate AWBs (api/deps.py WarehouseDesk); the others read. */
const PACKERS = ['operator', 'warehouse', 'admin'];

// Hotkeys wait while a dialog is open: j/k or g there would act on the rows behind it.
const dialogOpen = () => document.querySelector('[role="dialog"]') !== null;

/**
 * The guide's "packages without AWB": each packing list with its packages' dimensions and weight, filled in the
 * row by keyboard, then the AWB (one, or a batch for the selection) and the labels.
 */
export function PackingListPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const set = useSearchPatch<PackingListSearch>();
  const view: AwbView = search.awb ?? 'missing';
  const canPack = hasRole(useSessionUser(), ...PACKERS);
  const query = usePackingLists({ awb: view === 'all' ? undefined : view, order_id: search.order });
  const rows = useMemo(() => flatPages(query.data), [query.data]);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [cursor, setCursor] = useState(0);
  const [awbFor, setAwbFor] = useState<PackingList | null>(null);
  const [batchTargets, setBatchTargets] = useState<{ id: number; number: string }[] | null>(null);
  const pdf = usePdfPreview();

  // Numbers of every list seen, so a batch's results still name the lists that left the view with their AWB.
  const numbers = useRef(new Map<number, string>());
  rows.forEach((r) => numbers.current.set(r.id, r.number));

  useEffect(() => {
    setCursor(0);
    setSelected(new Set());
  }, [view, search.order]);

  const toggle = (id: number) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const focusRow = () => {
    // Enter on a focused button or link is that button's click, not "fill this row".
    if (document.activeElement?.closest('button, a')) return;
    const row = rows[cursor];
    const box = row && document.querySelector(`[data-testid="packages-${row.id}"]`);
    (box?.querySelector<HTMLInputElement>('input[data-missing]') ?? box?.querySelector<HTMLInputElement>('input'))?.focus();
  };

  const label = (row: PackingList | undefined, format: LabelFormat) => {
    const awb = row && liveAwb(row);
    if (awb) void pdf.show('row', t('pdf.labelTitle', { awb: awb.awb, format: t(`pdf.format.${format}`) }), () => fetchLabel(awb.id, format));
  };

  const hotkey = (fn: () => void) => () => {
    if (!dialogOpen()) fn();
  };
  useHotkeys([
    ['j', hotkey(() => setCursor((c) => Math.min(c + 1, Math.max(0, rows.length - 1))))],
    ['k', hotkey(() => setCursor((c) => Math.max(c - 1, 0)))],
    ['x', hotkey(() => rows[cursor] && toggle(rows[cursor].id))],
    ['Enter', hotkey(focusRow)],
    ['e', hotkey(focusRow)],
    ['g', hotkey(() => canPack && rows[cursor] && !liveAwb(rows[cursor]) && setAwbFor(rows[cursor]))],
    ['l', hotkey(() => label(rows[cursor], 'a4'))],
    ['t', hotkey(() => label(rows[cursor], 'thermal'))],
  ]);

  const chosen = rows.filter((r) => selected.has(r.id));
  const withoutAwb = chosen.filter((r) => !liveAwb(r));
  const shipmentIds = chosen.flatMap((r) => {
    const awb = liveAwb(r);
    return awb ? [awb.id] : [];
  });
  const print = (ids: number[], format: LabelFormat) =>
    void pdf.show('batch', t('packing.labels.mergedTitle', { count: ids.length, format: t(`pdf.format.${format}`) }), () =>
      printLabels(ids, format),
    );

  return (
    <Stack gap="xs">
      <Group justify="space-between" align="center">
        <Title order={3}>{t('packing.title')}</Title>
        <Text size="xs" c="dimmed">
          {t('packing.keyboard')}
        </Text>
      </Group>
      <Group gap="sm">
        <SegmentedControl
          aria-label={t('packing.view.label')}
          value={view}
          onChange={(v) => set({ awb: v === 'missing' ? undefined : (v as AwbView) })}
          data={VIEWS.map((v) => ({ value: v, label: t(`packing.view.${v}`) }))}
        />
        {search.order && (
          <Paper withBorder px="xs" py={2}>
            <Group gap={4}>
              <Text size="sm">{t('packing.orderFilter', { number: rows[0]?.order_number ?? `#${search.order}` })}</Text>
              <CloseButton size="sm" aria-label={t('packing.clearOrder')} onClick={() => set({ order: undefined })} />
            </Group>
          </Paper>
        )}
      </Group>
      {chosen.length > 0 && (
        <Paper withBorder p={6} bg="gray.0">
          <Group gap="xs" data-testid="packing-bulk-bar">
            <Text size="sm" fw={500}>
              {t('packing.selected', { count: chosen.length })}
            </Text>
            {canPack && (
              <Button variant="light" disabled={withoutAwb.length === 0} onClick={() => setBatchTargets(withoutAwb.map((r) => ({ id: r.id, number: r.number })))}>
                {t('packing.batch.generate', { count: withoutAwb.length })}
              </Button>
            )}
            <Button variant="light" disabled={shipmentIds.length === 0} loading={pdf.loading === 'batch'} onClick={() => print(shipmentIds, 'a4')}>
              {t('packing.labels.printA4', { count: shipmentIds.length })}
            </Button>
            <Button variant="light" disabled={shipmentIds.length === 0} loading={pdf.loading === 'batch'} onClick={() => print(shipmentIds, 'thermal')}>
              {t('packing.labels.printThermal', { count: shipmentIds.length })}
            </Button>
            <Button variant="subtle" color="gray" onClick={() => setSelected(new Set())}>
              {t('packing.clearSelection')}
            </Button>
          </Group>
        </Paper>
      )}
      {query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <LoadingState />
      ) : rows.length === 0 ? (
        <EmptyState title={t(`packing.empty.${view}`)} />
      ) : (
        <PackingTable
          rows={rows}
          selected={selected}
          onToggle={toggle}
          onToggleAll={(on) => setSelected(on ? new Set(rows.map((r) => r.id)) : new Set())}
          cursor={cursor}
          onCursor={setCursor}
          canPack={canPack}
          onGenerate={setAwbFor}
        />
      )}
      {query.hasNextPage && (
        <Button variant="default" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
          {t('app.loadMore')}
        </Button>
      )}
      <AwbDialog list={awbFor} onClose={() => setAwbFor(null)} />
      {batchTargets && (
        <BatchStartDialog
          targets={batchTargets}
          onClose={() => setBatchTargets(null)}
          onStarted={(id) => {
            setBatchTargets(null);
            set({ batch: id });
          }}
        />
      )}
      {search.batch !== undefined && (
        <BatchProgressDialog
          batchId={search.batch}
          numberOf={(id) => numbers.current.get(id) ?? `#${id}`}
          onPrint={print}
          printing={pdf.loading === 'batch'}
          onClose={() => {
            set({ batch: undefined });
            setSelected(new Set());
          }}
        />
      )}
      {pdf.preview}
    </Stack>
  );
}
