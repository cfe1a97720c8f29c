import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface Props {
  opened: boolean;
  detail?: string | null;
  reloading: boolean;
  onReload: () => void;
  onClose: () => void;
}

/** A 412: someone else changed the order since it was loaded, so nothing was applied. */
export function ConflictDialog({ opened, detail, reloading, onReload, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('order.conflict.title')} data-testid="conflict-dialog">
      <Stack gap="sm">
        <Text size="sm">{t('order.conflict.body')}</Text>
        {detail && (
          <Text size="xs" c="dimmed">
            {detail}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app.close')}
          </Button>
          <Button onClick={onReload} loading={reloading}>
            {t('order.conflict.reload')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
