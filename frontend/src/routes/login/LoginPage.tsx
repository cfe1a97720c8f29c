import { Alert, Button, Center, Group, Paper, PasswordInput, SegmentedControl, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '@/api/client';
import { session } from '@/auth/session';
import { errorMessage } from '@/lib/notify';

const route = getRouteApi('/login');

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const router = useRouter();
  const search = route.useSearch();
  const expired = session.wasExpired();
  const form = useForm({ initialValues: { email: '', password: '' } });

  const login = useMutation({
    mutationFn: (values: { email: string; password: string }) =>
      unwrap(api.POST('/api/auth/login', { body: values })),
    onSuccess: async (res) => {
      session.start(res.access_token, res.user, res.expires_in);
      if (search.redirect) await router.navigate({ href: search.redirect, replace: true });
      else await router.navigate({ to: '/omni_sales/order_list', replace: true });
    },
  });

  return (
    <Center h="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="lg" w={380}>
        <form onSubmit={form.onSubmit((v) => login.mutate(v))}>
          <Stack gap="sm">
            <Group justify="space-between" align="center">
              <Title order={3}>{t('app.title')}</Title>
              <SegmentedControl
                size="xs"
                aria-label={t('auth.language')}
                value={i18n.language}
                onChange={(v) => void i18n.changeLanguage(v)}
                data={[
                  { value: 'en', label: 'EN' },
                  { value: 'ro', label: 'RO' },
                ]}
              />
            </Group>
            <Title order={5} fw={400} c="dimmed">
              {t('auth.title')}
            </Title>
            {expired && !login.isError && (
              <Alert color="yellow" p="xs">
                {t('auth.expired')}
              </Alert>
            )}
            {login.isError && (
              <Alert color="red" p="xs" title={t('auth.failed')}>
                {errorMessage(login.error)}
              </Alert>
            )}
            <TextInput
              size="sm"
              label={t('auth.email')}
              type="email"
              autoComplete="username"
              required
              autoFocus
              {...form.getInputProps('email')}
            />
            <PasswordInput
              size="sm"
              label={t('auth.password')}
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button size="sm" type="submit" loading={login.isPending}>
              {t('auth.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
