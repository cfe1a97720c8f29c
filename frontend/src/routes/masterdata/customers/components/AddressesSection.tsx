import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { RemoveRowButton } from '@/components/list-page';
import { emptyAddress, type AddressRow, type CustomerFormValues } from '../form';

/** The customer's addresses (delivery, billing…), edited as a list; saving replaces the whole list. */
export function AddressesSection({ form }: { form: UseFormReturnType<CustomerFormValues> }) {
  const { t } = useTranslation();
  const rows = form.getValues().addresses;
  const path = (i: number, field: keyof AddressRow) => `addresses.${i}.${field}`;
  return (
    <Stack gap="xs" data-testid="customer-addresses">
      <Group justify="space-between">
        <Title order={6}>{t('customers.addresses')}</Title>
        <Button variant="subtle" onClick={() => form.insertListItem('addresses', emptyAddress(form.getValues().name.trim()))}>
          {t('customers.addAddress')}
        </Button>
      </Group>
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('customers.noAddresses')}
        </Text>
      )}
      {rows.map((_, i) => (
        <Paper key={i} withBorder p="xs" data-testid="customer-address">
          <Stack gap={6}>
            <Group justify="space-between">
              <Text size="sm" fw={500}>
                {t('customers.address', { n: i + 1 })}
              </Text>
              <RemoveRowButton label={t('customers.removeAddress', { n: i + 1 })} onClick={() => form.removeListItem('addresses', i)} />
            </Group>
            <Group grow align="flex-start">
              <TextInput label={t('customers.name')} withAsterisk {...form.getInputProps(path(i, 'name'))} />
              <TextInput label={t('customers.company')} {...form.getInputProps(path(i, 'company'))} />
            </Group>
            <TextInput label={t('customers.street')} withAsterisk {...form.getInputProps(path(i, 'street'))} />
            <Group grow align="flex-start">
              <TextInput label={t('customers.city')} withAsterisk {...form.getInputProps(path(i, 'city'))} />
              <TextInput label={t('customers.county')} {...form.getInputProps(path(i, 'county'))} />
              <TextInput label={t('customers.postcode')} {...form.getInputProps(path(i, 'postcode'))} />
              <TextInput label={t('customers.country')} maxLength={2} {...form.getInputProps(path(i, 'country'))} />
            </Group>
            <TextInput label={t('customers.phone')} {...form.getInputProps(path(i, 'phone'))} />
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
