import {
  ActionIcon,
  Badge,
  Button,
  Divider,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { NewButton, PageHeader } from '@/components/PageHeader';
import { EmptyState, ErrorState, FormError, LoadingState } from '@/components/states';
import { useChannels, useCreateChannel, useUpdateChannel, type Channel, type ChannelInput } from '@/hooks/api/channels';
import { useWarehouses } from '@/hooks/api/stock';
import { notifySuccess } from '@/lib/notify';
import { SOURCES } from '@/routes/omni_sales/order-list/components/QueueFilters';
import type { ListSearch } from '../search';

const route = getRouteApi('/app/omni_sales/channels');
const ROLES = ['operator', 'sales_manager', 'warehouse', 'finance', 'admin'];
const INVOICE_MODES = ['on_confirm', 'on_dispatch', 'manual'];

/** Channels: how each source invoices, which orders need approval (and by whom), how payments map. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const navigate = useNavigate();
  const isAdmin = hasRole(useSessionUser(), 'admin');
  const channels = useChannels();
  const set = (patch: Partial<ListSearch>) =>
    void navigate({ to: '/omni_sales/channels', search: (s: ListSearch) => ({ ...s, ...patch }) });
  const q = search.q?.toLowerCase();
  const items = (channels.data ?? []).filter((c) => !q || c.name.toLowerCase().includes(q) || c.type.includes(q));
  const editing = search.edit === 'new' ? null : channels.data?.find((c) => c.id === search.edit);

  return (
    <Stack gap="sm">
      <PageHeader title={t('channels.title')}>
        <TextInput
          aria-label={t('app.search')}
          placeholder={t('app.search')}
          value={search.q ?? ''}
          onChange={(e) => set({ q: e.currentTarget.value || undefined })}
          w={220}
        />
        {isAdmin && <NewButton label={t('channels.new')} onClick={() => set({ edit: 'new' })} />}
      </PageHeader>
      {channels.isError ? (
        <ErrorState error={channels.error} onRetry={() => void channels.refetch()} />
      ) : channels.isPending ? (
        <LoadingState />
      ) : items.length === 0 ? (
        <EmptyState title={t('channels.empty')} />
      ) : (
        <Table data-dense highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('channels.name')}</Table.Th>
              <Table.Th>{t('channels.type')}</Table.Th>
              <Table.Th>{t('channels.active')}</Table.Th>
              <Table.Th>{t('channels.invoiceMode')}</Table.Th>
              <Table.Th>{t('channels.approvalRules')}</Table.Th>
              <Table.Th>{t('channels.paymentMappings')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td fw={500}>{c.name}</Table.Td>
                <Table.Td>{t(`source.${c.type}`, { defaultValue: c.type })}</Table.Td>
                <Table.Td>
                  <Badge color={c.active ? 'green' : 'gray'} variant="light">
                    {c.active ? t('app.active') : t('app.inactive')}
                  </Badge>
                </Table.Td>
                <Table.Td>{c.settings.invoice_mode}</Table.Td>
                <Table.Td>
                  {c.settings.approval_rules.length === 0 ? (
                    '—'
                  ) : (
                    <Text size="sm" truncate maw={280} title={c.settings.approval_rules.map((r) => r.name).join('; ')}>
                      {c.settings.approval_rules.map((r) => r.name).join('; ')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{Object.keys(c.settings.payment_methods).length || '—'}</Table.Td>
                <Table.Td>
                  <Button variant="subtle" onClick={() => set({ edit: c.id })}>
                    {isAdmin ? t('app.edit') : t('app.search')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {search.edit !== undefined && (search.edit === 'new' || editing) && (
        <ChannelDialog channel={editing ?? null} readOnly={!isAdmin} onClose={() => set({ edit: undefined })} />
      )}
    </Stack>
  );
}

type Settings = NonNullable<ChannelInput['settings']>;
type Rule = NonNullable<Settings['approval_rules']>[number];

interface RuleRow {
  name: string;
  required_role: string;
  min_total: string;
  currency: string;
  customer_type: string;
}

interface FormValues {
  name: string;
  type: string;
  active: boolean;
  invoice_mode: string;
  default_warehouse_id: string | null;
  approval_rules: RuleRow[];
  payments: { external: string; internal: string }[];
  webhook_secret: string;
}

function initial(c: Channel | null): FormValues {
  return {
    name: c?.name ?? '',
    type: c?.type ?? 'manual',
    active: c?.active ?? true,
    invoice_mode: c?.settings.invoice_mode ?? 'on_confirm',
    default_warehouse_id: c?.settings.default_warehouse_id ? String(c.settings.default_warehouse_id) : null,
    approval_rules: (c?.settings.approval_rules ?? []).map((r) => ({
      name: r.name,
      required_role: r.required_role,
      min_total: r.min_total ?? '',
      currency: r.currency ?? '',
      customer_type: r.customer_type ?? '',
    })),
    payments: Object.entries(c?.settings.payment_methods ?? {}).map(([external, internal]) => ({ external, internal })),
    webhook_secret: '',
  };
}

function ChannelDialog({ channel, readOnly, onClose }: { channel: Channel | null; readOnly: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateChannel();
  const update = useUpdateChannel(channel?.id ?? 0);
  const save = channel ? update : create;
  const warehouses = useWarehouses();
  const form = useForm<FormValues>({
    initialValues: initial(channel),
    validate: { name: (v) => (v.trim() ? null : t('channels.name')) },
  });

  const submit = form.onSubmit((v) => {
    const settings = {
      invoice_mode: v.invoice_mode as Settings['invoice_mode'],
      default_warehouse_id: v.default_warehouse_id ? Number(v.default_warehouse_id) : null,
      approval_rules: v.approval_rules.map((r) => ({
        name: r.name.trim(),
        required_role: r.required_role as Rule['required_role'],
        min_total: r.min_total.trim() ? r.min_total.trim().replace(',', '.') : null,
        currency: r.currency.trim().toUpperCase() || null,
        customer_type: (r.customer_type || undefined) as Rule['customer_type'],
      })),
      payment_methods: Object.fromEntries(
        v.payments.filter((p) => p.external.trim()).map((p) => [p.external.trim(), p.internal.trim()]),
      ),
    };
    const body: ChannelInput = {
      name: v.name.trim(),
      type: v.type as ChannelInput['type'],
      active: v.active,
      settings,
      ...(v.webhook_secret ? { webhook_secret: v.webhook_secret } : {}),
    };
    const done = {
      onSuccess: () => {
        notifySuccess(t('channels.saved'));
        onClose();
      },
    };
    if (channel) update.mutate(body, done);
    else create.mutate(body, done);
  });

  return (
    <Modal opened onClose={onClose} size="xl" title={channel ? channel.name : t('channels.new')}>
      <form onSubmit={submit}>
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="xs">
            <Group grow align="flex-start">
              <TextInput label={t('channels.name')} withAsterisk {...form.getInputProps('name')} />
              <Select
                label={t('channels.type')}
                data={SOURCES.map((s) => ({ value: s, label: t(`source.${s}`) }))}
                allowDeselect={false}
                {...form.getInputProps('type')}
              />
              <Select label={t('channels.invoiceMode')} data={INVOICE_MODES} allowDeselect={false} {...form.getInputProps('invoice_mode')} />
              <Select
                label={t('channels.warehouse')}
                data={(warehouses.data?.items ?? []).map((w) => ({ value: String(w.id), label: `${w.code} — ${w.name}` }))}
                clearable
                {...form.getInputProps('default_warehouse_id')}
              />
            </Group>
            <Switch label={t('channels.active')} {...form.getInputProps('active', { type: 'checkbox' })} />

            <Divider my={4} />
            <Group justify="space-between">
              <Title order={6}>{t('channels.approvalRules')}</Title>
              {!readOnly && (
                <Button
                  variant="subtle"
                  onClick={() =>
                    form.insertListItem('approval_rules', { name: '', required_role: 'sales_manager', min_total: '', currency: 'RON', customer_type: '' })
                  }
                >
                  {t('channels.addRule')}
                </Button>
              )}
            </Group>
            {form.values.approval_rules.map((_, i) => (
              <Group key={i} gap="xs" align="flex-end" wrap="nowrap" data-testid="approval-rule">
                <TextInput label={t('channels.ruleName')} {...form.getInputProps(`approval_rules.${i}.name`)} style={{ flex: 2 }} />
                <TextInput label={t('channels.minTotal')} {...form.getInputProps(`approval_rules.${i}.min_total`)} w={110} />
                <TextInput label={t('channels.currency')} {...form.getInputProps(`approval_rules.${i}.currency`)} w={70} />
                <Select
                  label={t('channels.customerType')}
                  data={[
                    { value: '', label: t('app.all') },
                    { value: 'b2b', label: 'B2B' },
                    { value: 'b2c', label: 'B2C' },
                  ]}
                  allowDeselect={false}
                  {...form.getInputProps(`approval_rules.${i}.customer_type`)}
                  w={100}
                />
                <Select
                  label={t('channels.requiredRole')}
                  data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                  allowDeselect={false}
                  {...form.getInputProps(`approval_rules.${i}.required_role`)}
                  w={150}
                />
                {!readOnly && (
                  <ActionIcon variant="subtle" color="red" aria-label={t('app.remove')} onClick={() => form.removeListItem('approval_rules', i)} mb={4}>
                    ×
                  </ActionIcon>
                )}
              </Group>
            ))}

            <Divider my={4} />
            <Group justify="space-between">
              <Title order={6}>{t('channels.paymentMappings')}</Title>
              {!readOnly && (
                <Button variant="subtle" onClick={() => form.insertListItem('payments', { external: '', internal: '' })}>
                  {t('channels.addMapping')}
                </Button>
              )}
            </Group>
            {form.values.payments.map((_, i) => (
              <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
                <TextInput label={t('channels.external')} {...form.getInputProps(`payments.${i}.external`)} style={{ flex: 1 }} />
                <Text pb={6}>→</Text>
                <TextInput label={t('channels.internal')} {...form.getInputProps(`payments.${i}.internal`)} style={{ flex: 1 }} />
                {!readOnly && (
                  <ActionIcon variant="subtle" color="red" aria-label={t('app.remove')} onClick={() => form.removeListItem('payments', i)} mb={4}>
                    ×
                  </ActionIcon>
                )}
              </Group>
            ))}

            {!readOnly && (
              <>
                <Divider my={4} />
                <PasswordInput
                  label={t('channels.webhookSecret')}
                  description={channel?.webhook_secret_set ? t('channels.webhookSecretHint') : undefined}
                  autoComplete="new-password"
                  {...form.getInputProps('webhook_secret')}
                />
              </>
            )}
            {save.isError && <FormError error={save.error} />}
          </Stack>
        </fieldset>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            {readOnly ? t('app.close') : t('app.cancel')}
          </Button>
          {!readOnly && (
            <Button type="submit" loading={save.isPending}>
              {t('app.save')}
            </Button>
          )}
        </Group>
      </form>
    </Modal>
  );
}
