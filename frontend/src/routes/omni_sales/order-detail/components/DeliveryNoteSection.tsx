import { Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Order } from '@/api/client';
import { hasRole, useSessionUser } from '@/auth/session';
import { flatPages } from '@/components/list-page';
import { DeliveryNoteStatusBadge, NotePdfButton, PartialBadge } from '@/components/deliveryNotes';
import { AnchorLink } from '@/components/links';
import { BEFORE_FULFILMENT, DELIVERY_NOTE_FROM, useCreateDeliveryNote, useDeliveryNotes, type OnShort } from '@/hooks/api/deliveryNotes';
import { notifyError, notifySuccess } from '@/lib/notify';

const PACKERS = ['operator', 'warehouse', 'admin'];

interface Props {
  order: Order;
  etag: string | null;
  onConflict: (detail: string | null) => void;
}

/**
 * The order's delivery notes (PDF, and the way to its packing list) and the button that makes one from a
 * confirmed, paid or ready order. When stock is short the API refuses (409, naming on_short) until the operator
 * picks: deliver what is in stock (the rest stays a back-order) or make the whole order a back-order.
 */
export function DeliveryNoteSection({ order, etag, onConflict }: Props) {
  const { t } = useTranslation();
  const canPack = hasRole(useSessionUser(), ...PACKERS);
  const notes = useDeliveryNotes({ order_id: order.id }, !BEFORE_FULFILMENT.has(order.status));
  const items = flatPages(notes.data);
  const create = useCreateDeliveryNote(order.id);
  const [short, setShort] = useState<string | null>(null);
  const open = items.some((n) => n.status === 'open');
  const canCreate = canPack && DELIVERY_NOTE_FROM.has(order.status) && !open && notes.isSuccess;

  const run = (onShort?: OnShort) =>
    create.mutate(
      { etag, onShort },
      {
        onSuccess: (done) => {
          setShort(null);
          notifySuccess(
            done.delivery_note
              ? t('deliveryNotes.onOrder.created', { number: done.delivery_note.number })
              : t('deliveryNotes.onOrder.backordered'),
          );
        },
        onError: (err) => {
          const detail = err instanceof ApiError ? (err.problem.detail ?? '') : '';
          if (err instanceof ApiError && err.status === 409 && detail.includes('on_short')) {
            setShort(detail);
            return;
          }
          setShort(null);
          if (err instanceof ApiError && err.isConflict) onConflict(detail || null);
          else notifyError(err);
        },
      },
    );

  if (items.length === 0 && !canCreate) return null;

  return (
    <Paper withBorder p="sm" data-testid="delivery-note-section">
      <Group justify="space-between" mb={4}>
        <Title order={5}>{t('deliveryNotes.onOrder.title')}</Title>
        {canCreate && (
          <Button size="xs" onClick={() => run()} loading={create.isPending && !short} data-testid="create-delivery-note">
            {t('deliveryNotes.onOrder.create')}
          </Button>
        )}
      </Group>
      <Stack gap={6}>
        {items.map((n) => (
          <Group key={n.id} gap={6} wrap="nowrap" data-note-id={n.id}>
            <Text size="sm" fw={600}>
              {n.number}
            </Text>
            <DeliveryNoteStatusBadge status={n.status} />
            {n.partial && <PartialBadge />}
            <NotePdfButton note={n} />
            {n.packing_list_id !== null && (
              <AnchorLink to="/warehouse/manage_packing_list" search={{ awb: 'all', order: order.id }} size="xs">
                {t('deliveryNotes.onOrder.pack')}
              </AnchorLink>
            )}
          </Group>
        ))}
      </Stack>
      <Modal opened={short !== null} onClose={() => setShort(null)} title={t('deliveryNotes.onOrder.shortTitle')} size="lg">
        <Stack gap="sm" data-testid="on-short-dialog">
          <Text size="sm">{t('deliveryNotes.onOrder.shortBody')}</Text>
          <Text size="xs" c="dimmed">
            {short}
          </Text>
          <Stack gap="xs">
            <Button onClick={() => run('partial')} loading={create.isPending && create.variables?.onShort === 'partial'} data-on-short="partial">
              {t('deliveryNotes.onOrder.partial')}
            </Button>
            <Button
              color="orange"
              variant="light"
              onClick={() => run('backorder')}
              loading={create.isPending && create.variables?.onShort === 'backorder'}
              data-on-short="backorder"
            >
              {t('deliveryNotes.onOrder.backorder')}
            </Button>
            <Button variant="default" onClick={() => setShort(null)}>
              {t('app.cancel')}
            </Button>
          </Stack>
        </Stack>
      </Modal>
    </Paper>
  );
}
