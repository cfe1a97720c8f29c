import { ActionIcon, Button, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@/api/client';
import { DIMENSIONS, packingListKeys, useSavePackages, type Dimension, type PackingList } from '@/hooks/api/packingLists';
import { useFormat } from '@/i18n/format';
import { errorMessage, notifyError, notifySuccess } from '@/lib/notify';
import { splitPackageErrors } from '../packageErrors';

type Draft = Record<Dimension, string>[];

const EMPTY: Record<Dimension, string> = { length_cm: '', width_cm: '', height_cm: '', weight_kg: '' };

// "30.00" from the API reads as 30 in the input; null is an empty (missing) field.
const shown = (v: string | null) => (v === null ? '' : String(Number(v)));

function draftOf(list: PackingList): Draft {
  const rows = list.packages.map((p) => Object.fromEntries(DIMENSIONS.map((d) => [d, shown(p[d])])) as Record<Dimension, string>);
  return rows.length ? rows : [{ ...EMPTY }];
}

interface Props {
  list: PackingList;
  editable: boolean;
}

/**
 * One packing list's packages, L × W × H (cm) and weight (kg), edited in the row. Keyboard: Tab walks the four
 * fields package after package, Enter saves (PATCH with If-Match), Esc drops the changes, + adds a package and
 * − removes the one being edited. Empty fields are highlighted; the server's refusals sit under their input.
 * The parent keys this component by the row's version, so a saved (or reloaded) row starts from the server.
 */
export function PackagesEditor({ list, editable }: Props) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const save = useSavePackages();
  const initial = useRef(draftOf(list));
  const [draft, setDraft] = useState<Draft>(initial.current);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [rowError, setRowError] = useState<string | null>(null);
  const focusNext = useRef<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial.current);

  // + and − change the rows; the focus follows once they are rendered.
  useEffect(() => {
    if (!focusNext.current) return;
    box.current?.querySelector<HTMLInputElement>(focusNext.current)?.focus();
    focusNext.current = null;
  }, [draft.length]);

  if (!editable) return <PackagesText list={list} />;

  const change = (i: number, d: Dimension, value: string | number | bigint) => {
    setDraft((prev) => prev.map((p, j) => (j === i ? { ...p, [d]: String(value) } : p)));
    setFieldErrors(({ [`${i}.${d}`]: _gone, ...rest }) => rest);
  };

  const add = () => {
    focusNext.current = `input[data-pkg="${draft.length}"][data-dim="length_cm"]`;
    setDraft((prev) => [...prev, { ...EMPTY }]);
  };

  const remove = (i: number) => {
    if (draft.length < 2) return;
    focusNext.current = `input[data-pkg="${Math.max(0, i - 1)}"][data-dim="length_cm"]`;
    setDraft((prev) => prev.filter((_, j) => j !== i));
    setFieldErrors({}); // indexes moved: the old messages no longer point at the right package
  };

  const submit = () => {
    if (!dirty) {
      (document.activeElement as HTMLElement | null)?.blur();
      return;
    }
    setRowError(null);
    save.mutate(
      {
        list,
        packages: draft.map((p) =>
          Object.fromEntries(DIMENSIONS.map((d) => [d, p[d].trim() === '' ? null : p[d].trim().replace(',', '.')])),
        ),
      },
      {
        onSuccess: () => notifySuccess(t('packing.saved', { number: list.number })),
        onError: (err) => {
          if (err instanceof ApiError && err.isConflict) {
            // Someone else saved this list meanwhile: show theirs (the row reloads and starts over).
            notifyError(err, t('packing.conflict'));
            void qc.invalidateQueries({ queryKey: packingListKeys.lists() });
            return;
          }
          const { fields, rest } = splitPackageErrors(err);
          const placed = Object.keys(fields).length > 0;
          setFieldErrors(fields);
          // What no input shows: the other field errors, or the whole message when nothing was placed.
          setRowError(rest.length ? rest.join('; ') : placed ? null : errorMessage(err));
        },
      },
    );
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const pkg = target.dataset.pkg === undefined ? null : Number(target.dataset.pkg);
    if (e.key === 'Enter') {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      setDraft(initial.current);
      setFieldErrors({});
      setRowError(null);
      target.blur();
    } else if (e.key === '+' && pkg !== null) {
      e.preventDefault();
      add();
    } else if (e.key === '-' && pkg !== null) {
      e.preventDefault();
      remove(pkg);
    }
  };

  return (
    <Stack gap={4} ref={box} onKeyDown={onKeyDown} data-testid={`packages-${list.id}`} data-dirty={dirty || undefined}>
      {draft.map((p, i) => (
        <Group key={i} gap={4} wrap="nowrap" align="flex-start">
          <Text size="xs" c="dimmed" w={12} pt={4}>
            {i + 1}
          </Text>
          {DIMENSIONS.map((d) => {
            const missing = p[d].trim() === '';
            return (
              <NumberInput
                key={d}
                size="xs"
                w={d === 'weight_kg' ? 74 : 64}
                hideControls
                allowNegative={false}
                decimalScale={d === 'weight_kg' ? 3 : 1}
                placeholder={t(`packing.short.${d}`)}
                aria-label={t('packing.fieldOf', { field: t(`packing.fields.${d}`), n: i + 1 })}
                value={p[d]}
                onChange={(v) => change(i, d, v)}
                error={fieldErrors[`${i}.${d}`]}
                data-pkg={i}
                data-dim={d}
                data-missing={missing || undefined}
                styles={missing ? { input: { backgroundColor: 'var(--mantine-color-yellow-light)' } } : undefined}
              />
            );
          })}
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            mt={2}
            tabIndex={-1}
            disabled={draft.length < 2}
            aria-label={t('packing.removePackage', { n: i + 1 })}
            onClick={() => remove(i)}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group gap={4}>
        <Button size="compact-xs" variant="subtle" tabIndex={-1} onClick={add}>
          {t('packing.addPackage')}
        </Button>
        {dirty && (
          <Button size="compact-xs" onClick={submit} loading={save.isPending}>
            {t('app.save')}
          </Button>
        )}
      </Group>
      {rowError && (
        <Text size="xs" c="red" role="alert">
          {rowError}
        </Text>
      )}
    </Stack>
  );
}

/** Read-only packages (an AWB is live, or the user may not pack): "30 × 20 × 10 cm · 1,2 kg". */
function PackagesText({ list }: { list: PackingList }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const v = (x: string | null) => (x === null ? '?' : fmt.quantity(x));
  return (
    <Stack gap={0}>
      {list.packages.map((p, i) => (
        <Text key={i} size="xs" c={p.missing.length ? 'orange' : undefined}>
          {t('packing.packageText', { l: v(p.length_cm), w: v(p.width_cm), h: v(p.height_cm), kg: v(p.weight_kg) })}
        </Text>
      ))}
    </Stack>
  );
}
