import { Paper, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Order } from '@/api/client';
import { REASON_REQUIRED, useOrderAction } from '@/hooks/api/orders';
import { notifyError, notifySuccess } from '@/lib/notify';
import { ActionButtons } from './ActionButtons';
import { ConflictDialog } from './ConflictDialog';
import { ReasonDialog } from './ReasonDialog';

interface Props {
  order: Order;
  etag: string | null;
  reloading: boolean;
  onReload: () => Promise<unknown>;
  conflict: string | null;
  onConflict: (detail: string | null) => void;
}

/** The action panel: buttons from allowed_actions, a reason where one is required, and the 412 path. */
export function OrderActions({ order, etag, reloading, onReload, conflict, onConflict }: Props) {
  const { t } = useTranslation();
  const mutation = useOrderAction(order.id);
  const [asking, setAsking] = useState<string | null>(null);
  const pending = mutation.isPending ? (mutation.variables?.action ?? null) : null;

  const run = (action: string, reason?: string) =>
    mutation.mutate(
      { action, reason, etag },
      {
        onSuccess: ({ order: next }) => {
          setAsking(null);
          notifySuccess(
            t('order.actions.done', {
              action: t(`order.actions.${action}`, { defaultValue: action }),
              status: t(`status.${next.status}`),
            }),
          );
        },
        onError: (err) => {
          setAsking(null);
          if (err instanceof ApiError && err.isConflict) onConflict(err.problem.detail ?? null);
          else notifyError(err);
        },
      },
    );

  return (
    <Paper withBorder p="sm">
      <Title order={5} mb="xs">
        {t('order.actions.title')}
      </Title>
      <ActionButtons
        allowed={order.allowed_actions}
        pending={pending}
        onAction={(a) => (REASON_REQUIRED.has(a) ? setAsking(a) : run(a))}
      />
      <ReasonDialog
        action={asking}
        pending={mutation.isPending}
        onSubmit={(reason) => asking && run(asking, reason)}
        onClose={() => setAsking(null)}
      />
      <ConflictDialog
        opened={conflict !== null}
        detail={conflict}
        reloading={reloading}
        onClose={() => void onReload().then(() => onConflict(null))}
        onReload={() => void onReload().then(() => onConflict(null))}
      />
    </Paper>
  );
}
