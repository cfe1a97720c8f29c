import { Badge, Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { StatusCount } from '@/api/client';

interface Props {
  counts: StatusCount[] | undefined;
  total: number | undefined;
  selected: number[];
  onPick: (status: number | null) => void;
}

/** Orders per status under the other filters; a click narrows the queue to that status. */
export function StatusCounts({ counts, total, selected, onPick }: Props) {
  const { t } = useTranslation();
  const shown = (counts ?? []).filter((c) => c.count > 0 || selected.includes(c.status));
  return (
    <Group gap={4} wrap="wrap" aria-label={t('queue.counts.label')} data-testid="status-counts">
      <Button
        size="compact-xs"
        variant={selected.length === 0 ? 'filled' : 'default'}
        onClick={() => onPick(null)}
        rightSection={<Badge size="xs" variant="white" color="dark">{total ?? '…'}</Badge>}
      >
        {t('queue.counts.all')}
      </Button>
      {shown.map((c) => (
        <Button
          key={c.status}
          size="compact-xs"
          variant={selected.length === 1 && selected[0] === c.status ? 'filled' : 'default'}
          onClick={() => onPick(c.status)}
          data-status={c.status}
          rightSection={
            <Badge size="xs" variant="light" color={c.count > 0 ? 'blue' : 'gray'}>
              {c.count}
            </Badge>
          }
        >
          {t(`status.${c.status}`)}
        </Button>
      ))}
    </Group>
  );
}
