import { Alert, Badge, Button, Checkbox, Code, CopyButton, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NewButton, PageHeader } from '@/components/PageHeader';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
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
    <Stack gap="sm">
      <PageHeader title={t('apiKeys.title')}>
        <NewButton label={t('apiKeys.new')} onClick={() => setCreating(true)} />
      </PageHeader>
      {keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.isPending ? (
        <LoadingState />
      ) : keys.data.items.length === 0 ? (
        <EmptyState title={t('apiKeys.empty')} />
      ) : (
        <Table data-dense highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('apiKeys.name')}</Table.Th>
              <Table.Th>{t('apiKeys.prefix')}</Table.Th>
              <Table.Th>{t('apiKeys.channel')}</Table.Th>
              <Table.Th>{t('apiKeys.scopes')}</Table.Th>
              <Table.Th>{t('apiKeys.created')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.items.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td fw={500}>{k.name}</Table.Td>
                <Table.Td ff="monospace">{k.prefix}…</Table.Td>
                <Table.Td>{channelName(k.channel_id)}</Table.Td>
                <Table.Td>{k.scopes.join(', ')}</Table.Td>
                <Table.Td>
                  {fmt.dateTime(k.created_at)} · {k.created_by}
                </Table.Td>
                <Table.Td>
                  {k.active ? (
                    <Button
                      variant="subtle"
                      color="red"
                      loading={revoke.isPending && revoke.variables === k.id}
                      onClick={() =>
                        revoke.mutate(k.id, { onSuccess: () => notifySuccess(t('apiKeys.revoked')), onError: (e) => notifyError(e) })
                      }
                    >
                      {t('apiKeys.revoke')}
                    </Button>
                  ) : (
                    <Badge color="gray">{t('app.inactive')}</Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {creating && <NewKeyDialog onClose={() => setCreating(false)} />}
    </Stack>
  );
}

function NewKeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const channels = useChannels();
  const create = useCreateApiKey();
  // Kept in component state only: closing the dialog forgets the key for good.
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const form = useForm({ initialValues: { name: '', channel_id: '', scopes: [...SCOPES] as string[] } });

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
        <form
          onSubmit={form.onSubmit((v) =>
            create.mutate(
              { name: v.name.trim(), channel_id: Number(v.channel_id), scopes: v.scopes as (typeof SCOPES)[number][] },
              { onSuccess: setCreated },
            ),
          )}
        >
          <Stack gap="xs">
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
            {create.isError && <FormError error={create.error} />}
            <Text size="xs" c="dimmed">
              {t('apiKeys.shownOnce')}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('app.cancel')}
              </Button>
              <Button type="submit" loading={create.isPending}>
                {t('app.create')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
