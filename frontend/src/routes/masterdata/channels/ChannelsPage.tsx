import { Box, Button, Divider, Group, PasswordInput, Select, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { getRouteApi } from '@tanstack/react-router';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { hasRole, STAFF_ROLES, useSessionUser } from '@/auth/session';
import {
  ActiveBadge,
  buttonColumn,
  editTarget,
  formPath,
  FormDialog,
  ListPage,
  RemoveRowButton,
  savedThen,
  useSearchPatch,
} from '@/components/list-page';
import { NewButton, SearchBox } from '@/components/PageHeader';
import { useChannels, useCreateChannel, useUpdateChannel, type Channel, type ChannelInput } from '@/hooks/api/channels';
import { useWarehouses } from '@/hooks/api/stock';
import { SOURCES } from '@/routes/omni_sales/order-list/components/QueueFilters';
import type { ChannelSearch } from '../search';

const route = getRouteApi('/app/omni_sales/channels');
const INVOICE_MODES = ['on_confirm', 'on_dispatch', 'manual'];

/** Channels: how each source invoices, which orders need approval (and by whom), how payments map. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const set = useSearchPatch<ChannelSearch>();
  const isAdmin = hasRole(useSessionUser(), 'admin');
  const channels = useChannels();
  const q = search.q?.toLowerCase();
  const items = (channels.data ?? []).filter((c) => !q || c.name.toLowerCase().includes(q) || c.type.includes(q));
  const editing = editTarget(search.edit, channels.data ?? []);

  return (
    <ListPage
      title={t('channels.title')}
      toolbar={
        <>
          <SearchBox value={search.q} onChange={(v) => set({ q: v })} delay={0} />
          {isAdmin && <NewButton label={t('channels.new')} onClick={() => set({ edit: 'new' })} />}
        </>
      }
      query={channels}
      items={items}
      rowKey={(c) => c.id}
      empty={t('channels.empty')}
      columns={[
        { key: 'name', header: t('channels.name'), td: { fw: 500 }, render: (c) => c.name },
        { key: 'type', header: t('channels.type'), render: (c) => t(`source.${c.type}`, { defaultValue: c.type }) },
        { key: 'active', header: t('channels.active'), render: (c) => <ActiveBadge active={c.active} /> },
        { key: 'invoice', header: t('channels.invoiceMode'), render: (c) => c.settings.invoice_mode },
        {
          key: 'rules',
          header: t('channels.approvalRules'),
          render: (c) => {
            const names = c.settings.approval_rules.map((r) => r.name).join('; ');
            return names ? (
              <Text size="sm" truncate maw={280} title={names}>
                {names}
              </Text>
            ) : (
              '—'
            );
          },
        },
        { key: 'payments', header: t('channels.paymentMappings'), render: (c) => Object.keys(c.settings.payment_methods).length || '—' },
        buttonColumn<Channel>(isAdmin ? t('app.edit') : t('app.search'), (c) => set({ edit: c.id, focus: undefined })),
      ]}
    >
      {editing.open && (
        <ChannelDialog
          channel={editing.item}
          readOnly={!isAdmin}
          focus={editing.item ? search.focus : undefined}
          onClose={() => set({ edit: undefined, focus: undefined })}
        />
      )}
    </ListPage>
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

const NEW_RULE: RuleRow = { name: '', required_role: 'sales_manager', min_total: '', currency: 'RON', customer_type: '' };
const DECIMAL = /^\d+([.,]\d+)?$/;

/** `blankPayment`: one empty mapping row to type the unmapped method into (the sync log's shortcut). */
function initial(c: Channel | null, blankPayment = false): FormValues {
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
    payments: [
      ...Object.entries(c?.settings.payment_methods ?? {}).map(([external, internal]) => ({ external, internal })),
      ...(blankPayment ? [{ external: '', internal: '' }] : []),
    ],
    webhook_secret: '',
  };
}

/** The request body: rules as the approval policy reads them (blank fields are null: "any"). */
function channelBody(v: FormValues): ChannelInput {
  const settings = {
    invoice_mode: v.invoice_mode as Settings['invoice_mode'],
    default_warehouse_id: v.default_warehouse_id ? Number(v.default_warehouse_id) : null,
    approval_rules: v.approval_rules.map((r) => ({
      name: r.name.trim(),
      required_role: r.required_role as Rule['required_role'],
      min_total: r.min_total.trim() ? r.min_total.trim().replace(',', '.') : null,
      currency: r.currency.trim().toUpperCase() || null,
      customer_type: (r.customer_type || null) as Rule['customer_type'],
    })),
    payment_methods: Object.fromEntries(v.payments.filter((p) => p.external.trim()).map((p) => [p.external.trim(), p.internal.trim()])),
  };
  return {
    name: v.name.trim(),
    type: v.type as ChannelInput['type'],
    active: v.active,
    settings,
    ...(v.webhook_secret ? { webhook_secret: v.webhook_secret } : {}),
  };
}

function validation(t: TFunction) {
  return {
    name: (v: string) => (v.trim() ? null : t('app.required')),
    approval_rules: {
      name: (v: string) => (v.trim() ? null : t('app.required')),
      min_total: (v: string) => (!v.trim() || DECIMAL.test(v.trim()) ? null : t('channels.minTotalInvalid')),
      currency: (v: string) => (!v.trim() || /^[A-Za-z]{3}$/.test(v.trim()) ? null : t('channels.currencyInvalid')),
    },
  };
}

/** The API names rule fields `settings.approval_rules[0].min_total`; the form keeps the rules at its top level. */
const channelFieldPath = (field: string) => formPath(field.replace(/^settings\./, ''));

/** Brings the section the dialog was opened for into view (jsdom has no scrollIntoView). */
const scrollIntoView = (el: HTMLElement | null) => el?.scrollIntoView?.({ block: 'center' });

interface DialogProps {
  channel: Channel | null;
  readOnly: boolean;
  /** Opened from a shortcut to one section: it is scrolled to, outlined and (when editable) focused. */
  focus?: ChannelSearch['focus'];
  onClose: () => void;
}

function ChannelDialog({ channel, readOnly, focus, onClose }: DialogProps) {
  const { t } = useTranslation();
  const create = useCreateChannel();
  const update = useUpdateChannel(channel?.id ?? 0);
  const save = channel ? update : create;
  const warehouses = useWarehouses();
  const atPayments = focus === 'payments';
  const form = useForm<FormValues>({ initialValues: initial(channel, atPayments && !readOnly), validate: validation(t) });
  const lastPayment = form.values.payments.length - 1;

  const submit = form.onSubmit((v) => {
    const done = savedThen(t('channels.saved'), onClose);
    if (channel) update.mutate(channelBody(v), done);
    else create.mutate(channelBody(v), done);
  });

  return (
    <FormDialog
      title={channel ? channel.name : t('channels.new')}
      size="xl"
      onClose={onClose}
      onSubmit={submit}
      form={form}
      fieldPath={channelFieldPath}
      error={save.error}
      pending={save.isPending}
      readOnly={readOnly}
    >
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
          <Button variant="subtle" onClick={() => form.insertListItem('approval_rules', { ...NEW_RULE })}>
            {t('channels.addRule')}
          </Button>
        )}
      </Group>
      {form.values.approval_rules.map((_, i) => (
        <Group key={i} gap="xs" align="flex-start" wrap="nowrap" data-testid="approval-rule">
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
            data={STAFF_ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            allowDeselect={false}
            {...form.getInputProps(`approval_rules.${i}.required_role`)}
            w={150}
          />
          {!readOnly && <RemoveRowButton top onClick={() => form.removeListItem('approval_rules', i)} />}
        </Group>
      ))}

      <Divider my={4} />
      <Box
        ref={atPayments ? scrollIntoView : undefined}
        data-testid="payment-mappings"
        data-focused={atPayments || undefined}
        {...(atPayments ? { bd: '1px solid var(--mantine-primary-color-filled)', p: 'xs', style: { borderRadius: 'var(--mantine-radius-sm)' } } : {})}
      >
        <Group justify="space-between">
          <Title order={6}>{t('channels.paymentMappings')}</Title>
          {!readOnly && (
            <Button variant="subtle" onClick={() => form.insertListItem('payments', { external: '', internal: '' })}>
              {t('channels.addMapping')}
            </Button>
          )}
        </Group>
        {atPayments && !readOnly && (
          <Text size="xs" c="dimmed">
            {t('channels.mapHint')}
          </Text>
        )}
        {form.values.payments.map((_, i) => (
          <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              label={t('channels.external')}
              {...form.getInputProps(`payments.${i}.external`)}
              // The Modal focuses this on open: the row added for the method the shop sent.
              data-autofocus={atPayments && !readOnly && i === lastPayment ? true : undefined}
              style={{ flex: 1 }}
            />
            <Text pb={6}>→</Text>
            <TextInput label={t('channels.internal')} {...form.getInputProps(`payments.${i}.internal`)} style={{ flex: 1 }} />
            {!readOnly && <RemoveRowButton onClick={() => form.removeListItem('payments', i)} />}
          </Group>
        ))}
      </Box>

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
    </FormDialog>
  );
}
