import { Badge, Button, Group, List, Modal, Paper, Progress, ScrollArea, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REASON_REQUIRED, useBulkAction, type BulkResult, type BulkTarget, type OrderAction } from '@/hooks/api/orders';
import { ApprovalBadge, StatusBadge } from '@/components/badges';
import { errorMessage } from '@/lib/notify';

const BULK = ['confirm', 'hold', 'approve', 'cancel'] as const satisfies readonly OrderAction[];
type BulkAction = (typeof BULK)[number];

interface Props {
  targets: BulkTarget[];
  onDone: () => void;
}

/**
 * Confirm, hold, approve or cancel the selected orders, then list what happened to each one. The selection
 * is frozen when the dialog opens: the queue refreshes underneath (approved orders leave the view) while the
 * operator reads the results.
 */
export function BulkActions({ targets: selection, onDone }: Props) {
  const { t } = useTranslation();
  const [action, setAction] = useState<BulkAction | null>(null);
  const [frozen, setFrozen] = useState<BulkTarget[]>([]);
  const targets = action ? frozen : selection;
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [progress, setProgress] = useState(0);
  const [results, setResults] = useState<BulkResult[] | null>(null);
  const bulk = useBulkAction();

  const label = (a: BulkAction) => t(`queue.bulk.${a}`);
  const needsReason = action !== null && REASON_REQUIRED.has(action);

  const close = () => {
    if (bulk.isPending) return;
    const hadResults = results !== null;
    setAction(null);
    setReason('');
    setReasonError(null);
    setResults(null);
    setProgress(0);
    setFrozen([]);
    if (hadResults) onDone();
  };

  const run = () => {
    if (!action) return;
    if (needsReason && !reason.trim()) {
      setReasonError(t('order.reason.required'));
      return;
    }
    setProgress(0);
    bulk.mutate(
      { action, targets, reason: needsReason ? reason.trim() : undefined, onProgress: setProgress },
      { onSuccess: setResults },
    );
  };

  const ok = results?.filter((r) => r.ok).length ?? 0;
  const failed = (results?.length ?? 0) - ok;

  if (selection.length === 0 && action === null) return null;

  return (
    <>
      <Paper withBorder p={6} bg="gray.0">
        <Group gap="xs" data-testid="bulk-bar">
          <Text size="sm" fw={500}>
            {t('queue.selected', { count: targets.length })}
          </Text>
          {BULK.map((a) => (
            <Button
              key={a}
              variant="light"
              color={a === 'cancel' ? 'red' : a === 'hold' ? 'orange' : undefined}
              disabled={selection.length === 0}
              onClick={() => {
                setFrozen(selection);
                setAction(a);
              }}
            >
              {label(a)}
            </Button>
          ))}
        </Group>
      </Paper>
      <Modal
        opened={action !== null}
        onClose={close}
        title={
          results
            ? t('queue.bulk.resultTitle')
            : action && t('queue.bulk.confirmTitle', { action: label(action), count: targets.length })
        }
        size="lg"
      >
        {results ? (
          <Stack gap="sm">
            <Text size="sm" fw={500} data-testid="bulk-summary">
              {t('queue.bulk.summary', { ok, failed })}
            </Text>
            <ScrollArea.Autosize mah={360}>
              <List spacing={4} listStyleType="none" data-testid="bulk-results">
                {results.map((r) => (
                  <List.Item key={r.id} data-order-id={r.id} data-ok={r.ok}>
                    <Group gap="xs" wrap="nowrap" align="flex-start">
                      <Badge color={r.ok ? 'green' : 'red'} variant="light" miw={80}>
                        {r.ok ? t('queue.bulk.ok') : t('queue.bulk.failed')}
                      </Badge>
                      <Text size="sm" fw={600} miw={100}>
                        {r.number}
                      </Text>
                      {r.ok && r.status !== undefined ? (
                        <Group gap={6}>
                          <StatusBadge status={r.status} />
                          <ApprovalBadge value={r.approveStatus} />
                        </Group>
                      ) : (
                        <Text size="sm">{r.message}</Text>
                      )}
                    </Group>
                  </List.Item>
                ))}
              </List>
            </ScrollArea.Autosize>
            <Group justify="flex-end">
              <Button onClick={close}>{t('app.close')}</Button>
            </Group>
          </Stack>
        ) : (
          <Stack gap="sm">
            <Text size="sm">{t('queue.bulk.confirmBody')}</Text>
            <Text size="sm" c="dimmed">
              {targets.map((x) => x.number).join(', ')}
            </Text>
            {needsReason && (
              <Textarea
                label={t('order.reason.label')}
                placeholder={t('order.reason.placeholder')}
                value={reason}
                onChange={(e) => {
                  setReason(e.currentTarget.value);
                  setReasonError(null);
                }}
                error={reasonError}
                withAsterisk
                autosize
                minRows={2}
                data-autofocus
              />
            )}
            {bulk.isPending && (
              <Stack gap={4}>
                <Progress value={(progress / Math.max(1, targets.length)) * 100} />
                <Text size="xs" c="dimmed">
                  {t('queue.bulk.running', { done: progress, total: targets.length })}
                </Text>
              </Stack>
            )}
            {bulk.isError && (
              <Text size="sm" c="red">
                {errorMessage(bulk.error)}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={bulk.isPending}>
                {t('app.cancel')}
              </Button>
              <Button
                onClick={run}
                loading={bulk.isPending}
                color={action === 'cancel' ? 'red' : undefined}
                data-testid="bulk-run"
              >
                {action && label(action)}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
