import { Alert, Group, Loader, SegmentedControl, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { AnchorLink } from '@/components/links';
import { ErrorState } from '@/components/states';
import type { Courier } from '@/hooks/api/packingLists';

interface Props {
  /** The courier accounts as read (useActiveCouriers().query): loading and failure are shown here. */
  query: Pick<UseQueryResult<unknown>, 'data' | 'isError' | 'error' | 'refetch'>;
  couriers: readonly Courier[];
  value: Courier | undefined;
  onChange: (courier: Courier) => void;
  /** What to say when no courier can be offered. */
  empty: string;
}

/**
 * The courier of an AWB: only those with an active account are offered, so the dialog never opens on a courier
 * the API would refuse; with none, the operator is sent to the courier accounts.
 */
export function CourierChoice({ query, couriers, value, onChange, empty }: Props) {
  const { t } = useTranslation();
  if (query.data === undefined) {
    if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          {t('packing.awb.loadingCouriers')}
        </Text>
      </Group>
    );
  }
  if (value === undefined || couriers.length === 0) {
    return (
      <Alert color="yellow" p="sm" data-testid="no-couriers">
        <Stack gap={4} align="flex-start">
          <Text size="sm">{empty}</Text>
          <AnchorLink to="/couriers" size="sm" data-autofocus>
            {t('packing.awb.setUpCouriers')}
          </AnchorLink>
        </Stack>
      </Alert>
    );
  }
  return (
    <SegmentedControl
      aria-label={t('packing.awb.courier')}
      value={value}
      onChange={(v) => onChange(v as Courier)}
      data={couriers.map((c) => ({ value: c, label: t(`packing.courier.${c}`) }))}
      data-autofocus
    />
  );
}
