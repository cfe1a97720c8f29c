import { Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DialogForm, ListPage } from '@/components/list-page';
import { NewButton } from '@/components/PageHeader';
import { useApiKeys, useCreateApiKey, useRevokeApiKey, type NewApiKey } from '@/hooks/api/apiKeys';
import { useChannelNames, useChannels } from '@/hooks/api/channels';
import { useFormat } from '@/i18n/format';
import { notifyError, notifySuccess } from '@/lib/notify';

const SCOPES = ['orders:write', 'orders:read'] as const;

/** Partner API keys, bound to one channel. The key itself is shown once, right after it is created. */
export function ApiKeysPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const keys = useApiKeys();
  const channelName = useChannelNames();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);

  return (
    <ListPage
      title={t('apiKeys.title')}
      toolbar={<NewButton label={t('apiKeys.new')} onClick={() => setCreating(true)} />}
      query={keys}
      items={keys.data?.items ?? []}
      rowKey={(k) => k.id}
      empty={t('apiKeys.empty')}
      columns={[
        { key: 'name', header: t('apiKeys.name'), td: { fw: 500 }, render: (k) => k.name },
        { key: 'prefix', header: t('apiKeys.prefix'), td: { ff: 'monospace' }, render: (k) => `${k.prefix}…` },
        { key: 'channel', header: t('apiKeys.channel'), render: (k) => channelName(k.channel_id) },
        { key: 'scopes', header: t('apiKeys.scopes'), render: (k) => k.scopes.join(', ') },
        { key: 'created', header: t('apiKeys.created'), render: (k) => `${fmt.dateTime(k.created_at)} · ${k.created_by}` },
        {
          key: 'revoke',
          render: (k) =>
            k.active ? (
              <Button
                variant="subtle"
                color="red"
                loading={revoke.isPending && revoke.variables === k.id}
                onClick={() => revoke.mutate(k.id, { onSuccess: () => notifySuccess(t('apiKeys.revoked')), onError: (e) => notifyError(e) })}
              >
                {t('apiKeys.revoke')}
              </Button>
            ) : (
              <Badge color="gray">{t('app.inactive')}</Badge>
            ),
        },
      ]}
    >
      {creating && <NewKeyDialog onClose={() => setCreating(false)} />}
    </ListPage>
  );
}

function NewKeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const channels = useChannels();
  const create = useCreateApiKey();
  // Kept in component state only: closing the dialog forgets the key for good.
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const form = useForm({
    initialValues: { name: '', channel_id: '', scopes: [...SCOPES] as string[] },
    validate: {
      name: (v) => (v.trim() ? null : t('app.required')),
      channel_id: (v) => (v ? null : t('app.required')),
      scopes: (v) => (v.length ? null : t('app.required')),
    },
  });
  const submit = form.onSubmit((v) =>
    create.mutate(
      { name: v.name.trim(), channel_id: Number(v.channel_id), scopes: v.scopes as (typeof SCOPES)[number][] },
      { onSuccess: setCreated },
    ),
  );

  return (
    <Modal opened onClose={onClose} title={t('apiKeys.new')} closeOnClickOutside={!created}>
      {created ? (
        <Stack gap="sm">
          <Alert color="yellow" p="xs">
            {t('apiKeys.shownOnce')}
          </Alert>
          <Code block data-testid="new-api-key">
            {created.key}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={created.key}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>
                  {copied ? t('apiKeys.copied') : t('apiKeys.copy')}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>{t('app.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <DialogForm
          onSubmit={submit}
          onCancel={onClose}
          form={form}
          error={create.error}
          pending={create.isPending}
          submitLabel={t('app.create')}
        >
          <TextInput label={t('apiKeys.name')} withAsterisk {...form.getInputProps('name')} />
          <Select
            label={t('apiKeys.channel')}
            withAsterisk
            data={(channels.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))}
            {...form.getInputProps('channel_id')}
          />
          <Checkbox.Group label={t('apiKeys.scopes')} {...form.getInputProps('scopes')}>
            <Group mt={4}>
              {SCOPES.map((s) => (
                <Checkbox key={s} value={s} label={s} />
              ))}
            </Group>
          </Checkbox.Group>
          <Text size="xs" c="dimmed">
            {t('apiKeys.shownOnce')}
          </Text>
        </DialogForm>
      )}
    </Modal>
  );
}
