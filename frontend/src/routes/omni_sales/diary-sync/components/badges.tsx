import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SyncErrorType, SyncStatus } from '@/hooks/api/syncLog';

const ERROR_COLOR: Record<SyncErrorType, string> = {
  missing_sku: 'orange',
  customer_not_created: 'grape',
  payment_not_recognised: 'yellow',
  stock_insufficient: 'red',
  remote_error: 'pink',
  other: 'gray',
};

const STATUS_COLOR: Record<SyncStatus, string> = { open: 'red', resolved: 'green', ignored: 'gray' };

export function ErrorTypeBadge({ type }: { type: SyncErrorType }) {
  const { t } = useTranslation();
  return (
    <Badge color={ERROR_COLOR[type]} variant="light" tt="none" data-error-type={type}>
      {t(`syncLog.errorType.${type}`)}
    </Badge>
  );
}

export function SyncStatusBadge({ status }: { status: SyncStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant={status === 'open' ? 'filled' : 'light'} tt="none" data-sync-status={status}>
      {t(`syncLog.status.${status}`)}
    </Badge>
  );
}
