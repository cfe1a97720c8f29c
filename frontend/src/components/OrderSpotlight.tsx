import { Badge, Group, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, spotlight } from '@mantine/spotlight';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrderSearch } from '@/hooks/api/orders';
import { useFormat } from '@/i18n/format';

/** Ctrl+K (Cmd+K on a Mac): jump to an order by its number or external ref. */
export function OrderSpotlight() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query, 200);
  const search = useOrderSearch(debounced);
  const items = debounced.trim().length >= 2 ? (search.data?.items ?? []) : [];
  const open = (orderId: number) => void navigate({ to: '/omni_sales/orders/$orderId', params: { orderId } });

  return (
    <Spotlight.Root query={query} onQueryChange={setQuery} shortcut="mod + K" tagsToIgnore={[]} size="lg">
      <Spotlight.Search
        placeholder={t('spotlight.placeholder')}
        aria-label={t('spotlight.placeholder')}
        onKeyDown={(e) => {
          // Enter with nothing picked with the arrows opens the best match: type the number, press Enter.
          if (e.key !== 'Enter' || items.length === 0) return;
          const dialog = e.currentTarget.closest('[role="dialog"]') ?? document;
          if (dialog.querySelector('[data-selected]')) return;
          spotlight.close();
          open(items[0].id);
        }}
      />
      <Spotlight.ActionsList>
        {items.map((o) => (
          <Spotlight.Action
            key={o.id}
            onClick={() => open(o.id)}
            aria-label={t('spotlight.open', { number: o.number })}
          >
            <Group justify="space-between" w="100%" wrap="nowrap">
              <div>
                <Text fw={600} size="sm">
                  {o.number}
                  {o.external_ref ? ` · ${o.external_ref}` : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {o.customer_name} · {fmt.money(o.total_gross, o.currency)}
                </Text>
              </div>
              <Badge variant="light">{fmt.status(o.status)}</Badge>
            </Group>
          </Spotlight.Action>
        ))}
        {items.length === 0 && (
          <Spotlight.Empty>
            {debounced.trim().length >= 2 && !search.isFetching ? t('spotlight.nothing') : t('spotlight.hint')}
          </Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
