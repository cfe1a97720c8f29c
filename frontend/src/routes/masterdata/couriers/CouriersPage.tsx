import {
  Badge,
  Button,
  Divider,
  Group,
  JsonInput,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm, type FormErrors } from '@mantine/form';
import { getRouteApi } from '@tanstack/react-router';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { hasRole, useSessionUser } from '@/auth/session';
import { ActiveBadge, buttonColumn, editTarget, FormDialog, ListPage, savedThen, useSearchPatch } from '@/components/list-page';
import { NewButton } from '@/components/PageHeader';
import {
  COURIERS,
  useCourierAccounts,
  useCreateCourierAccount,
  useUpdateCourierAccount,
  type CourierAccount,
  type CourierAccountInput,
  type CourierAccountPatch,
  type CourierName,
  type CourierSender,
  type LabelFormat,
} from '@/hooks/api/couriers';
import type { ListSearch } from '../search';

const route = getRouteApi('/app/couriers');

export const COURIER_LABELS: Record<string, string> = {
  innoship: 'Innoship',
  cargus: 'Cargus',
  fancourier: 'FAN Courier',
  palex: 'Palex',
};
/** The keys each adapter reads (adapters/couriers/); Palex has no API, so none. */
const CREDENTIAL_KEYS: Record<CourierName, string[]> = {
  innoship: ['api_key'],
  cargus: ['subscription_key', 'username', 'password'],
  fancourier: ['client_id', 'username', 'password'],
  palex: [],
};
/** What the API takes when base_url is left out (api/schemas/couriers.py); Palex has none. */
const DEFAULT_BASE_URLS: Partial<Record<CourierName, string>> = {
  innoship: 'https://api.innoship.com',
  cargus: 'https://urgentcargus.azure-api.net/api',
  fancourier: 'https://api.fancourier.ro',
};
const SENDER_REQUIRED = ['name', 'phone', 'street', 'city', 'county', 'postcode'] as const;
const SENDER_FIELDS = ['name', 'company', 'contact', 'phone', 'email', 'street', 'city', 'county', 'postcode', 'country'] as const;
type SenderField = (typeof SENDER_FIELDS)[number];

/** Courier accounts: where each courier's API is, its credentials (write-only), the pickup address. */
export function CouriersPage() {
  const { t } = useTranslation();
  const search = route.useSearch();
  const set = useSearchPatch<ListSearch>();
  const isAdmin = hasRole(useSessionUser(), 'admin');
  const accounts = useCourierAccounts();
  const items = accounts.data ?? [];
  const editing = editTarget(search.edit, items);
  const free = COURIERS.filter((c) => !items.some((a) => a.courier === c));

  return (
    <ListPage
      title={t('couriers.title')}
      toolbar={isAdmin && free.length > 0 && <NewButton label={t('couriers.new')} onClick={() => set({ edit: 'new' })} />}
      query={accounts}
      items={items}
      rowKey={(a) => a.id}
      empty={t('couriers.empty')}
      columns={[
        { key: 'courier', header: t('couriers.courier'), td: { fw: 500 }, render: (a) => COURIER_LABELS[a.courier] ?? a.courier },
        { key: 'name', header: t('couriers.name'), render: (a) => a.name },
        { key: 'service', header: t('couriers.defaultService'), render: (a) => a.default_service ?? '—' },
        { key: 'label', header: t('couriers.labelFormat'), render: (a) => t(`couriers.label.${a.label_format}`, { defaultValue: a.label_format }) },
        { key: 'concurrency', header: t('couriers.concurrency'), align: 'right', render: (a) => a.concurrency },
        {
          key: 'credentials',
          header: t('couriers.credentials'),
          render: (a) =>
            a.credentials_set.length ? (
              <Group gap={4}>
                {a.credentials_set.map((k) => (
                  <Badge key={k} size="sm" variant="light" color="green">
                    {t(`couriers.credential.${k}`, { defaultValue: k })}
                  </Badge>
                ))}
              </Group>
            ) : (
              '—'
            ),
        },
        { key: 'active', header: t('couriers.active'), render: (a) => <ActiveBadge active={a.active} /> },
        buttonColumn<CourierAccount>(isAdmin ? t('app.edit') : t('app.search'), (a) => set({ edit: a.id })),
      ]}
    >
      {editing.open && (
        <CourierDialog account={editing.item} free={free} readOnly={!isAdmin} onClose={() => set({ edit: undefined })} />
      )}
    </ListPage>
  );
}

interface FormValues {
  courier: CourierName;
  name: string;
  base_url: string;
  default_service: string;
  label_format: LabelFormat;
  concurrency: number | string;
  active: boolean;
  /** New values only: an empty input keeps what is stored. */
  credentials: Record<string, string>;
  /** Stored keys to delete on save. */
  removed: string[];
  sender: Record<SenderField, string>;
  settings: string;
}

function credentialKeys(courier: CourierName, account: CourierAccount | null): string[] {
  const known = CREDENTIAL_KEYS[courier] ?? [];
  return [...known, ...(account?.credentials_set ?? []).filter((k) => !known.includes(k))];
}

function initial(a: CourierAccount | null, courier: CourierName): FormValues {
  const keys = new Set([...Object.values(CREDENTIAL_KEYS).flat(), ...(a?.credentials_set ?? [])]);
  const sender = Object.fromEntries(SENDER_FIELDS.map((f) => [f, a?.sender[f] ?? ''])) as Record<SenderField, string>;
  if (!sender.country) sender.country = 'RO';
  return {
    courier: (a?.courier as CourierName | undefined) ?? courier,
    name: a?.name ?? '',
    base_url: a?.base_url ?? '',
    default_service: a?.default_service ?? '',
    label_format: (a?.label_format as LabelFormat | undefined) ?? 'a4',
    concurrency: a?.concurrency ?? 8,
    active: a?.active ?? true,
    credentials: Object.fromEntries([...keys].map((k) => [k, ''])),
    removed: [],
    sender,
    settings: a && Object.keys(a.settings).length ? JSON.stringify(a.settings, null, 2) : '',
  };
}

function parseSettings(text: string): Record<string, unknown> | null {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function validate(t: TFunction) {
  return (v: FormValues): FormErrors => {
    const errors: FormErrors = {};
    if (!v.name.trim()) errors.name = t('app.required');
    const url = v.base_url.trim();
    if (url && !/^https?:\/\/[^\s/?#]+/i.test(url)) errors.base_url = t('couriers.baseUrlInvalid');
    if (!url && !DEFAULT_BASE_URLS[v.courier]) errors.base_url = t('couriers.baseUrlRequired');
    const n = Number(v.concurrency);
    if (!Number.isInteger(n) || n < 1 || n > 64) errors.concurrency = t('couriers.concurrencyInvalid');
    if (v.active && v.courier !== 'palex') {
      for (const f of SENDER_REQUIRED) if (!v.sender[f].trim()) errors[`sender.${f}`] = t('app.required');
    }
    if (v.sender.country.trim() && !/^[A-Za-z]{2}$/.test(v.sender.country.trim())) errors['sender.country'] = t('couriers.countryInvalid');
    if (parseSettings(v.settings) === null) errors.settings = t('couriers.settingsInvalid');
    return errors;
  };
}

/** Typed values of the credentials shown; on PATCH, "" for each key the user removed. */
function credentialsBody(v: FormValues, account: CourierAccount | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of credentialKeys(v.courier, account)) {
    if (v.removed.includes(key)) out[key] = '';
    else if (v.credentials[key]) out[key] = v.credentials[key];
  }
  return out;
}

function createBody(v: FormValues): CourierAccountInput {
  const sender: CourierSender = {};
  for (const f of SENDER_FIELDS) {
    const value = v.sender[f].trim();
    if (value) sender[f] = f === 'country' ? value.toUpperCase() : value;
  }
  return {
    courier: v.courier,
    name: v.name.trim(),
    ...(v.base_url.trim() ? { base_url: v.base_url.trim() } : {}),
    credentials: credentialsBody(v, null),
    default_service: v.default_service.trim() || null,
    label_format: v.label_format,
    concurrency: Number(v.concurrency),
    sender,
    settings: (parseSettings(v.settings) ?? {}) as CourierAccountInput['settings'],
    active: v.active,
  };
}

/** Only what a PATCH needs: credentials typed or removed, sender fields (blank ones null: removed), settings diff. */
function patchBody(v: FormValues, a: CourierAccount): CourierAccountPatch {
  const sender: CourierSender = {};
  for (const f of SENDER_FIELDS) {
    const value = v.sender[f].trim();
    sender[f] = value ? (f === 'country' ? value.toUpperCase() : value) : null;
  }
  const parsed = parseSettings(v.settings) ?? {};
  const settings: Record<string, unknown> = { ...parsed };
  for (const key of Object.keys(a.settings)) if (!(key in parsed)) settings[key] = null;
  const credentials = credentialsBody(v, a);
  const url = v.base_url.trim();
  return {
    name: v.name.trim(),
    ...(url && url !== a.base_url ? { base_url: url } : {}),
    ...(Object.keys(credentials).length ? { credentials } : {}),
    default_service: v.default_service.trim() || null,
    label_format: v.label_format,
    concurrency: Number(v.concurrency),
    sender,
    ...(Object.keys(settings).length ? { settings: settings as CourierAccountPatch['settings'] } : {}),
    active: v.active,
  };
}

function CourierDialog({
  account,
  free,
  readOnly,
  onClose,
}: {
  account: CourierAccount | null;
  free: readonly CourierName[];
  readOnly: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateCourierAccount();
  const update = useUpdateCourierAccount(account?.id ?? 0);
  const save = account ? update : create;
  const form = useForm<FormValues>({ initialValues: initial(account, free[0] ?? 'innoship'), validate: validate(t) });
  const v = form.values;
  const senderRequired = v.active && v.courier !== 'palex';

  const submit = form.onSubmit((values) => {
    const done = savedThen(t('couriers.saved'), onClose);
    if (account) update.mutate(patchBody(values, account), done);
    else create.mutate(createBody(values), done);
  });

  const toggleRemoved = (key: string) =>
    form.setFieldValue('removed', v.removed.includes(key) ? v.removed.filter((k) => k !== key) : [...v.removed, key]);
  const keys = credentialKeys(v.courier, account);

  return (
    <FormDialog
      title={account ? `${COURIER_LABELS[account.courier] ?? account.courier} — ${account.name}` : t('couriers.new')}
      size="xl"
      onClose={onClose}
      onSubmit={submit}
      form={form}
      error={save.error}
      pending={save.isPending}
      readOnly={readOnly}
    >
      <Group grow align="flex-start">
        <Select
          label={t('couriers.courier')}
          data={(account ? [account.courier] : free).map((c) => ({ value: c, label: COURIER_LABELS[c] ?? c }))}
          allowDeselect={false}
          disabled={Boolean(account)}
          {...form.getInputProps('courier')}
        />
        <TextInput label={t('couriers.name')} withAsterisk {...form.getInputProps('name')} />
      </Group>
      <TextInput
        label={t('couriers.baseUrl')}
        placeholder={DEFAULT_BASE_URLS[v.courier]}
        description={DEFAULT_BASE_URLS[v.courier] ? t('couriers.baseUrlHint') : undefined}
        withAsterisk={!DEFAULT_BASE_URLS[v.courier]}
        {...form.getInputProps('base_url')}
      />
      <Group grow align="flex-start">
        <TextInput label={t('couriers.defaultService')} placeholder="Standard" {...form.getInputProps('default_service')} />
        <Select
          label={t('couriers.labelFormat')}
          data={[
            { value: 'a4', label: t('couriers.label.a4') },
            { value: 'thermal', label: t('couriers.label.thermal') },
          ]}
          allowDeselect={false}
          {...form.getInputProps('label_format')}
        />
        <NumberInput label={t('couriers.concurrency')} min={1} max={64} allowDecimal={false} {...form.getInputProps('concurrency')} />
      </Group>
      <Switch label={t('couriers.active')} {...form.getInputProps('active', { type: 'checkbox' })} />

      <Divider my={4} />
      <Title order={6}>{t('couriers.credentials')}</Title>
      {keys.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('couriers.credentialsNone')}
        </Text>
      )}
      {keys.map((key) => {
        const isSet = account?.credentials_set.includes(key) ?? false;
        const removing = v.removed.includes(key);
        const label = t(`couriers.credential.${key}`, { defaultValue: key });
        return (
          <Group key={key} gap="xs" align="flex-end" wrap="nowrap" data-testid={`credential-${key}`}>
            <PasswordInput
              label={label}
              description={isSet && !removing ? t('couriers.keepHint') : undefined}
              autoComplete="new-password"
              disabled={removing}
              style={{ flex: 1 }}
              {...form.getInputProps(`credentials.${key}`)}
            />
            <Badge mb={8} variant="light" color={removing ? 'red' : isSet ? 'green' : 'gray'}>
              {removing ? t('couriers.willRemove') : isSet ? t('couriers.set') : t('couriers.notSet')}
            </Badge>
            {isSet && !readOnly && (
              <Button variant="subtle" color={removing ? 'gray' : 'red'} mb={2} onClick={() => toggleRemoved(key)}>
                {removing ? t('couriers.undoRemove', { key: label }) : t('couriers.removeKey', { key: label })}
              </Button>
            )}
          </Group>
        );
      })}

      <Divider my={4} />
      <Title order={6}>{t('couriers.sender')}</Title>
      {!senderRequired && (
        <Text size="xs" c="dimmed">
          {t('couriers.senderOptional')}
        </Text>
      )}
      <SimpleGrid cols={3} spacing="xs" verticalSpacing="xs" data-testid="sender">
        {SENDER_FIELDS.map((f) => (
          <TextInput
            key={f}
            label={t(`couriers.senderField.${f}`)}
            withAsterisk={senderRequired && (SENDER_REQUIRED as readonly string[]).includes(f)}
            {...form.getInputProps(`sender.${f}`)}
          />
        ))}
      </SimpleGrid>

      <Divider my={4} />
      <JsonInput
        label={t('couriers.settings')}
        description={t('couriers.settingsHint')}
        autosize
        minRows={2}
        maxRows={8}
        {...form.getInputProps('settings')}
      />
    </FormDialog>
  );
}
