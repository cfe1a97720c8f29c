import { Badge, Button, Group, List, Modal, Progress, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/states';
import { useActiveCouriers } from '@/hooks/api/couriers';
import { MANUAL_COURIERS, useAwbBatch, useStartAwbBatch, type AwbBatch, type Courier, type LabelFormat } from '@/hooks/api/packingLists';
import { AwbProblem } from './AwbProblem';
import { CourierChoice } from './CourierChoice';

interface StartProps {
  targets: { id: number; number: string }[];
  onStarted: (batchId: number) => void;
  onClose: () => void;
}

/**
 * Generate AWBs for the selected packing lists: one courier (and service) for all of them, among those with an
 * active account and an API (a manual courier such as Palex needs the operator per AWB).
 */
export function BatchStartDialog({ targets, onStarted, onClose }: StartProps) {
  const { t } = useTranslation();
  const active = useActiveCouriers();
  const offered = active.couriers.filter((c) => !MANUAL_COURIERS.has(c));
  const [picked, setPicked] = useState<Courier | null>(null);
  const courier: Courier | undefined = picked !== null && offered.includes(picked) ? picked : offered[0];
  const [service, setService] = useState('');
  const start = useStartAwbBatch();
  const run = () => {
    if (courier === undefined) return;
    start.mutate(
      { packing_list_ids: targets.map((x) => x.id), courier, service: service.trim() || null },
      { onSuccess: (batch) => onStarted(batch.id) },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t('packing.batch.title', { count: targets.length })} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {targets.map((x) => x.number).join(', ')}
          </Text>
          <CourierChoice
            query={active.query}
            couriers={offered}
            value={courier}
            onChange={setPicked}
            empty={t('packing.batch.noCouriers')}
          />
          <TextInput
            label={t('packing.awb.service')}
            placeholder={t('packing.awb.serviceDefault')}
            value={service}
            onChange={(e) => setService(e.currentTarget.value)}
            maxLength={64}
          />
          <Text size="xs" c="dimmed">
            {t('packing.batch.hint')}
          </Text>
          {start.isError && <AwbProblem error={start.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={start.isPending} disabled={courier === undefined} data-testid="batch-start">
              {t('packing.batch.start')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

interface ProgressProps {
  batchId: number;
  numberOf: (packingListId: number) => string;
  onPrint: (shipmentIds: number[], format: LabelFormat) => void;
  printing: boolean;
  onClose: () => void;
}

/** A batch as it runs (polled every second): done of total, how many succeeded or failed, and each item's AWB or error. */
export function BatchProgressDialog({ batchId, numberOf, onPrint, printing, onClose }: ProgressProps) {
  const { t } = useTranslation();
  const batch = useAwbBatch(batchId);
  return (
    <Modal opened onClose={onClose} title={t('packing.batch.progressTitle', { id: batchId })} size="lg">
      {batch.isError ? (
        <ErrorState error={batch.error} onRetry={() => void batch.refetch()} />
      ) : !batch.data ? (
        <Text size="sm" c="dimmed">
          {t('app.loading')}
        </Text>
      ) : (
        <BatchBody batch={batch.data} numberOf={numberOf} onPrint={onPrint} printing={printing} onClose={onClose} />
      )}
    </Modal>
  );
}

function BatchBody({ batch, numberOf, onPrint, printing, onClose }: { batch: AwbBatch } & Omit<ProgressProps, 'batchId'>) {
  const { t } = useTranslation();
  const done = batch.status === 'done';
  const shipments = batch.results.flatMap((r) => (r.ok && r.shipment_id ? [r.shipment_id] : []));
  return (
    <Stack gap="sm" data-testid="batch-progress" data-status={batch.status}>
      <Group justify="space-between">
        <Text size="sm" fw={500} data-testid="batch-count">
          {t('packing.batch.progress', { done: batch.done, total: batch.total })}
        </Text>
        <Group gap={6}>
          <Badge color="green" variant="light" data-testid="batch-succeeded">
            {t('packing.batch.succeeded', { count: batch.succeeded })}
          </Badge>
          <Badge color={batch.failed ? 'red' : 'gray'} variant="light" data-testid="batch-failed">
            {t('packing.batch.failed', { count: batch.failed })}
          </Badge>
          <Badge variant="outline">{t(`packing.batch.status.${batch.status}`)}</Badge>
        </Group>
      </Group>
      <Progress
        value={(batch.done / Math.max(1, batch.total)) * 100}
        animated={!done}
        color={batch.failed ? 'orange' : undefined}
        aria-label={t('packing.batch.progress', { done: batch.done, total: batch.total })}
      />
      <ScrollArea.Autosize mah={360}>
        <List spacing={4} listStyleType="none" data-testid="batch-results">
          {batch.results.map((r) => (
            <List.Item key={r.packing_list_id} data-packing-list-id={r.packing_list_id} data-ok={r.ok}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Badge color={r.ok ? 'green' : 'red'} variant="light" miw={70}>
                  {r.ok ? t('packing.batch.ok') : t('packing.batch.error')}
                </Badge>
                <Text size="sm" fw={600} miw={110}>
                  {numberOf(r.packing_list_id)}
                </Text>
                {r.ok ? (
                  <Text size="sm" ff="monospace">
                    {r.awb_number}
                    {r.already ? ` (${t('packing.batch.already')})` : ''}
                  </Text>
                ) : (
                  <Text size="sm">{r.error}</Text>
                )}
              </Group>
            </List.Item>
          ))}
        </List>
      </ScrollArea.Autosize>
      <Group justify="flex-end">
        {done && shipments.length > 0 && (
          <>
            <Button variant="light" loading={printing} onClick={() => onPrint(shipments, 'a4')}>
              {t('packing.labels.printA4', { count: shipments.length })}
            </Button>
            <Button variant="light" loading={printing} onClick={() => onPrint(shipments, 'thermal')}>
              {t('packing.labels.printThermal', { count: shipments.length })}
            </Button>
          </>
        )}
        <Button onClick={onClose} variant={done ? 'filled' : 'default'} data-autofocus>
          {done ? t('app.close') : t('packing.batch.hide')}
        </Button>
      </Group>
    </Stack>
  );
}
