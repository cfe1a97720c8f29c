import { Alert, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AnchorLink } from '@/components/links';
import type { ActionResult } from '@/hooks/api/syncLog';
import { errorMessage } from '@/lib/notify';

/** What the last row action did: kept on screen (not a toast) so the operator can read the new message. */
export type Outcome = { ref: string } & ({ done: ActionResult } | { error: unknown });

const IMPORTED = new Set(['created', 'updated', 'unchanged']);

export function ActionOutcome({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = outcome.ref;
  let color = 'green';
  let body: React.ReactNode;
  if ('error' in outcome) {
    color = 'red';
    body = <Text size="sm">{t('syncLog.result.refused', { ref, detail: errorMessage(outcome.error) })}</Text>;
  } else if (outcome.done.action === 'retry') {
    const r = outcome.done.result;
    if (IMPORTED.has(r.result)) {
      body = (
        <Text size="sm">
          {t('syncLog.result.imported', { ref })}{' '}
          {r.order_id !== null && (
            <AnchorLink to="/omni_sales/orders/$orderId" params={{ orderId: r.order_id }}>
              {t('syncLog.result.openOrder')}
            </AnchorLink>
          )}
        </Text>
      );
    } else if (r.result === 'queued') {
      // An export or pull entry: the worker calls the shop; the list shows the entry as queued meanwhile.
      color = 'blue';
      body = <Text size="sm">{t('syncLog.result.queued', { ref })}</Text>;
    } else if (r.result === 'failed') {
      color = 'red';
      const moved = r.error_type && r.error_type !== r.entry.error_type;
      body = (
        <Stack gap={2}>
          <Text size="sm">{t('syncLog.result.failed', { ref, detail: r.detail ?? '' })}</Text>
          {moved && <Text size="sm">{t('syncLog.result.movedTo', { type: t(`syncLog.errorType.${r.error_type}`) })}</Text>}
        </Stack>
      );
    } else {
      color = 'yellow';
      body = <Text size="sm">{t('syncLog.result.other', { ref, result: r.result })}</Text>;
    }
  } else {
    color = outcome.done.action === 'resolve' ? 'green' : 'gray';
    body = <Text size="sm">{t(outcome.done.action === 'resolve' ? 'syncLog.result.resolved' : 'syncLog.result.ignored', { ref })}</Text>;
  }
  return (
    <Alert color={color} withCloseButton onClose={onClose} p="xs" role="status" data-testid="sync-outcome" data-color={color}>
      {body}
    </Alert>
  );
}
