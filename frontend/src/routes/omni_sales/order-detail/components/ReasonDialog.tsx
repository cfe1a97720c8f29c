import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  action: string | null;
  pending: boolean;
  onSubmit: (reason: string) => void;
  onClose: () => void;
}

/** Hold, cancel and reject need a reason: it lands in the history and, for reject, in the customer's notice. */
export function ReasonDialog({ action, pending, onSubmit, onClose }: Props) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setReason('');
    setError(null);
  }, [action]);

  const label = action ? t(`order.actions.${action}`, { defaultValue: action }) : '';
  const submit = () => {
    if (!reason.trim()) {
      setError(t('order.reason.required'));
      return;
    }
    onSubmit(reason.trim());
  };

  return (
    <Modal opened={action !== null} onClose={onClose} title={t('order.reason.title', { action: label })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <Textarea
            label={t('order.reason.label')}
            placeholder={t('order.reason.placeholder')}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setError(null);
            }}
            error={error}
            withAsterisk
            autosize
            minRows={3}
            maxLength={1000}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={pending}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={pending} color={action === 'hold' ? 'orange' : 'red'}>
              {label}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
