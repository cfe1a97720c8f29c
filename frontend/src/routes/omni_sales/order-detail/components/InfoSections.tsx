import { Badge, Group, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order } from '@/api/client';
import { ApprovalBadge } from '@/components/badges';
import { useFormat } from '@/i18n/format';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children ?? '—'}
      </Text>
    </div>
  );
}

function Address({ a }: { a: NonNullable<Order['billing_address']> }) {
  return (
    <Text size="sm" component="div" style={{ whiteSpace: 'pre-line' }}>
      {[a.name, a.company, a.street, `${a.postcode} ${a.city}`.trim(), [a.county, a.country].filter(Boolean).join(', '), a.phone]
        .filter(Boolean)
        .join('\n')}
    </Text>
  );
}

export function CustomerSection({ order }: { order: Order }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm">
      <Title order={5} mb={4}>
        {t('order.sections.customer')}
      </Title>
      <Stack gap={6}>
        <Group gap={6}>
          <Text size="sm" fw={600}>
            {order.customer.name}
          </Text>
          <Badge size="xs" variant="outline">
            {order.customer.type.toUpperCase()}
          </Badge>
        </Group>
        {order.customer.email && <Text size="sm">{order.customer.email}</Text>}
        <SimpleGrid cols={2} spacing="xs">
          <Field label={t('order.sections.shipping')}>
            <Address a={order.shipping_address} />
          </Field>
          <Field label={t('order.sections.billing')}>
            {order.billing_address ? <Address a={order.billing_address} /> : '—'}
          </Field>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}

export function OriginSection({ order, channelName }: { order: Order; channelName: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <Paper withBorder p="sm">
      <Title order={5} mb={4}>
        {t('order.sections.payment')} · {t('order.sections.origin')}
      </Title>
      <SimpleGrid cols={2} spacing="xs">
        <Field label={t('order.payment.method')}>
          {t(`order.payment.${order.payment_method}`, { defaultValue: order.payment_method })}
        </Field>
        <Field label={t('order.payment.reserved')}>{order.reserved ? t('app.yes') : t('app.no')}</Field>
        <Field label={t('order.origin.channel')}>{channelName}</Field>
        <Field label={t('order.origin.source')}>{t(`source.${order.source}`, { defaultValue: order.source })}</Field>
        <Field label={t('order.origin.externalRef')}>{order.external_ref}</Field>
        <Field label={t('order.origin.promised')}>{order.promised_date ? fmt.date(order.promised_date) : null}</Field>
        <Field label={t('order.origin.created')}>{fmt.dateTime(order.created_at)}</Field>
        <Field label={t('order.origin.updated')}>{fmt.dateTime(order.updated_at)}</Field>
        {order.held_from !== null && (
          <Field label={t('order.origin.heldFrom')}>{fmt.status(order.held_from)}</Field>
        )}
      </SimpleGrid>
      {order.notes && (
        <Field label={t('order.sections.notes')}>
          <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
            {order.notes}
          </Text>
        </Field>
      )}
    </Paper>
  );
}

export function ApprovalSection({ order }: { order: Order }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm" data-testid="approval-section">
      <Title order={5} mb={4}>
        {t('order.sections.approval')}
      </Title>
      {order.approve_status === null ? (
        <Text size="sm" c="dimmed">
          {t('order.approvalInfo.noRule')}
        </Text>
      ) : (
        <Stack gap={6}>
          <ApprovalBadge value={order.approve_status} />
          <Field label={t('order.approvalInfo.rule')}>{order.approval.rule}</Field>
          <Field label={t('order.approvalInfo.requiredRole')}>
            {order.approval.required_role
              ? t(`roles.${order.approval.required_role}`, { defaultValue: order.approval.required_role })
              : null}
          </Field>
        </Stack>
      )}
    </Paper>
  );
}

export function HistorySection({ order }: { order: Order }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const items = [...order.history].reverse(); // newest first: what just happened is what matters
  return (
    <Paper withBorder p="sm">
      <Title order={5} mb="xs">
        {t('order.sections.history')}
      </Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('order.history.empty')}
        </Text>
      ) : (
        <Timeline bulletSize={12} lineWidth={2} active={0} data-testid="order-history">
          {items.map((h, i) => (
            <Timeline.Item
              key={`${h.at}-${i}`}
              title={
                <Text size="sm" fw={500}>
                  {h.from_status !== null ? `${fmt.status(h.from_status)} → ` : ''}
                  {fmt.status(h.to_status)}
                  <Text span size="xs" c="dimmed">
                    {' '}
                    ({t(`order.actions.${h.action}`, { defaultValue: h.action })})
                  </Text>
                </Text>
              }
            >
              <Text size="xs" c="dimmed">
                {fmt.dateTime(h.at)} · {t('order.history.by', { actor: h.actor })}
              </Text>
              {h.reason && <Text size="xs">{t('order.history.reason', { reason: h.reason })}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Paper>
  );
}
