import { Button, Group, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end">
      <Title order={3}>{title}</Title>
      <Group gap="xs" align="flex-end">
        {children}
      </Group>
    </Group>
  );
}

export function NewButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button size="sm" onClick={onClick}>
      {label}
    </Button>
  );
}

/**
 * A search box that settles for a moment before it becomes a (URL) filter; `delay={0}` for lists filtered
 * in the browser, where there is no request to spare.
 */
export function SearchBox({
  value,
  onChange,
  placeholder,
  delay = 350,
}: {
  value?: string;
  onChange: (v: string | undefined) => void;
  placeholder?: string;
  delay?: number;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(value ?? '');
  // The value this box sent last: when the URL echoes it back, what was typed since is kept.
  const sent = useRef(value);
  useEffect(() => {
    if (value === sent.current) return;
    sent.current = value;
    setText(value ?? '');
  }, [value]);
  useEffect(() => {
    const v = text.trim() || undefined;
    if (v === (value ?? undefined)) return;
    const timer = window.setTimeout(() => {
      sent.current = v;
      onChange(v);
    }, delay);
    return () => window.clearTimeout(timer);
  }, [text, value, onChange, delay]);
  return (
    <TextInput
      aria-label={t('app.search')}
      placeholder={placeholder ?? t('app.search')}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      w={260}
    />
  );
}
