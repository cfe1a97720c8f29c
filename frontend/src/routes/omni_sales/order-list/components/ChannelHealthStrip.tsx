import { Button, Group, Stack, Text, Tooltip, type ButtonProps } from '@mantine/core';
import { createLink } from '@tanstack/react-router';
import type { AnchorHTMLAttributes, Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { useChannelHealth, type ChannelHealth } from '@/hooks/api/channelHealth';
import { useFormat } from '@/i18n/format';

const SHOP_TYPES = new Set(['woocommerce', 'shopify']);

function MantineButtonAnchor(
  props: ButtonProps & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'color' | 'style'> & { ref?: Ref<HTMLAnchorElement> },
) {
  return <Button component="a" {...props} />;
}

const ButtonLink = createLink(MantineButtonAnchor);

/**
 * One chip per active shop channel: how long since its last webhook and how many sync errors are open,
 * red while any are. A chip opens the sync log on that channel's open entries. The queue works without it:
 * when the health cannot be read the strip is simply not shown.
 */
export function ChannelHealthStrip({ now }: { now: number }) {
  const { t } = useTranslation();
  const health = useChannelHealth();
  const shops = (health.data ?? []).filter((c) => c.active && SHOP_TYPES.has(c.type));
  if (shops.length === 0) return null;
  return (
    <Group gap={6} aria-label={t('health.label')} role="group" data-testid="channel-health">
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {t('health.label')}
      </Text>
      {shops.map((c) => (
        <HealthChip key={c.id} channel={c} now={now} />
      ))}
    </Group>
  );
}

function HealthChip({ channel: c, now }: { channel: ChannelHealth; now: number }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const bad = c.open_errors > 0;
  const webhook = c.last_webhook_at
    ? t('health.webhookAgo', { age: fmt.age(now - new Date(c.last_webhook_at).getTime()) })
    : t('health.noWebhook');
  const errors = bad ? t('health.errors', { count: c.open_errors }) : t('health.noErrors');
  const details = [
    t('health.lastEvent', { at: c.last_event_at ? fmt.dateTime(c.last_event_at) : t('health.never') }),
    t('health.lastPull', { at: c.last_pull_at ? fmt.dateTime(c.last_pull_at) : t('health.never') }),
    c.last_pull_error ? t('health.pullError', { error: c.last_pull_error }) : null,
  ].filter(Boolean);
  return (
    <Tooltip
      label={
        <Stack gap={0}>
          {details.map((d) => (
            <Text key={d} size="xs">
              {d}
            </Text>
          ))}
        </Stack>
      }
    >
      <ButtonLink
        to="/omni_sales/diary_sync"
        search={{ channel: c.id, status: 'open' }}
        size="compact-sm"
        radius="xl"
        variant={bad ? 'filled' : 'light'}
        color={bad ? 'red' : 'green'}
        data-channel-id={c.id}
        data-health={bad ? 'errors' : 'ok'}
      >
        {`${c.name} · ${webhook} · ${errors}`}
      </ButtonLink>
    </Tooltip>
  );
}
