import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/api/client';
import { errorMessage } from '@/lib/notify';
import { missingByPackage, packageField } from '../packageErrors';

/**
 * Why an AWB did not come out: the missing dimensions per package (422), or the courier's own words
 * (502/503: the problem's detail and its courier_errors), or whatever else the API said.
 */
export function AwbProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const missing = missingByPackage(error);
  const problem = error instanceof ApiError ? error.problem : null;
  const courierErrors = Array.isArray(problem?.courier_errors) ? (problem.courier_errors as unknown[]).map(String) : [];
  const otherFields = (problem?.errors ?? []).filter((e) => !packageField(e.field));
  const isCourier = error instanceof ApiError && (error.status === 502 || error.status === 503);
  return (
    <Alert color="red" p="xs" role="alert" title={isCourier ? t('packing.awb.courierError') : undefined} data-testid="awb-problem">
      <Text size="sm">{problem?.detail || errorMessage(error)}</Text>
      {missing.length > 0 && (
        <List size="sm" mt={4} data-testid="awb-missing">
          {missing.map((m) => (
            <List.Item key={m.pkg}>
              {t('packing.awb.missingIn', { n: m.pkg, fields: m.fields.map((f) => t(`packing.fields.${f}`)).join(', ') })}
            </List.Item>
          ))}
        </List>
      )}
      {otherFields.length > 0 && (
        <List size="sm" mt={4}>
          {otherFields.map((e) => (
            <List.Item key={e.field}>{`${e.field}: ${e.message}`}</List.Item>
          ))}
        </List>
      )}
      {courierErrors.length > 0 && (
        <List size="sm" mt={4} data-testid="courier-errors">
          {courierErrors.map((m, i) => (
            <List.Item key={i}>{m}</List.Item>
          ))}
        </List>
      )}
      {error instanceof ApiError && error.status === 503 && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('packing.awb.retryLater')}
        </Text>
      )}
    </Alert>
  );
}
