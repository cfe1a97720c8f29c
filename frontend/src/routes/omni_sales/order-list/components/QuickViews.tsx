import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { QUICK_VIEWS, type QuickView } from '../search';

interface Props {
  active: QuickView | null;
  onPick: (view: QuickView) => void;
}

/** The morning triage, one button per step of the guide. */
export function QuickViews({ active, onPick }: Props) {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="wrap" align="center">
      <Text size="sm" c="dimmed">
        {t('queue.quick.label')}:
      </Text>
      {(Object.keys(QUICK_VIEWS) as QuickView[]).map((v) => (
        <Button
          key={v}
          variant={active === v ? 'filled' : 'light'}
          aria-pressed={active === v}
          onClick={() => onPick(v)}
        >
          {t(`queue.quick.${v}`)}
        </Button>
      ))}
    </Group>
  );
}
