import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLOR: Record<string, string> = {
  confirm: 'green',
  approve: 'green',
  restore: 'green',
  hold: 'orange',
  cancel: 'red',
  reject: 'red',
};

interface Props {
  allowed: string[];
  pending: string | null;
  onAction: (action: string) => void;
}

/** One button per entry of allowed_actions: the server decides what this user may do now. */
export function ActionButtons({ allowed, pending, onAction }: Props) {
  const { t } = useTranslation();
  // Line editing has its own place, in the lines section.
  const actions = allowed.filter((a) => a !== 'edit-lines');
  if (actions.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="no-actions">
        {t('order.actions.none')}
      </Text>
    );
  }
  return (
    <Group gap="xs" data-testid="order-actions">
      {actions.map((a) => (
        <Button
          key={a}
          size="sm"
          color={COLOR[a]}
          variant={a === 'confirm' || a === 'approve' ? 'filled' : 'light'}
          loading={pending === a}
          disabled={pending !== null && pending !== a}
          onClick={() => onAction(a)}
          data-action={a}
        >
          {t(`order.actions.${a}`, { defaultValue: a })}
        </Button>
      ))}
    </Group>
  );
}
