import {
  AppShell,
  Badge,
  Button,
  Group,
  Kbd,
  ScrollArea,
  SegmentedControl,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { spotlight } from '@mantine/spotlight';
import { useQueryClient } from '@tanstack/react-query';
import { Outlet, useRouter, useRouterState } from '@tanstack/react-router';
import { NavRouterLink } from '@/components/links';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { hasRole, session, useSessionUser } from '@/auth/session';
import { OrderSpotlight } from '@/components/OrderSpotlight';

interface NavItem {
  to: string;
  label: string;
  roles?: string[];
}

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const user = useSessionUser();
  const router = useRouter();
  const qc = useQueryClient();
  const pathname = useRouterState({ select: (s) => s.location.pathname });

  // The token expired (or the server refused it) while the page was open: back to login, page remembered.
  useEffect(() => {
    if (user) return;
    const loc = router.state.location;
    void router.navigate({
      to: '/login',
      search: { redirect: loc.publicHref ?? `/admin${loc.href}` },
      replace: true,
    });
  }, [user, router]);

  // Proactively leave when the token's lifetime runs out, instead of waiting for the next refused call.
  useEffect(() => {
    const ms = session.msUntilExpiry();
    if (ms === null) return;
    const timer = window.setTimeout(() => session.expire(), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    return () => window.clearTimeout(timer);
  }, [user]);

  if (!user) return null;

  const sections: { label: string; items: NavItem[] }[] = [
    {
      label: t('nav.omniSales'),
      items: [
        { to: '/omni_sales/order_list', label: t('nav.queue') },
        { to: '/omni_sales/back_orders', label: t('nav.backOrders') },
        { to: '/omni_sales/diary_sync', label: t('nav.syncLog') },
        { to: '/omni_sales/channels', label: t('nav.channels') },
      ],
    },
    {
      label: t('warehouse.nav'),
      items: [
        { to: '/warehouse/manage_packing_list', label: t('warehouse.packingLists') },
        { to: '/warehouse/delivery_notes', label: t('warehouse.deliveryNotes') },
        // Courier accounts: the warehouse reads them (which couriers, which defaults); only admins change them.
        { to: '/couriers', label: t('couriers.nav') },
      ],
    },
    {
      label: t('nav.masterData'),
      items: [
        { to: '/products', label: t('nav.products') },
        { to: '/customers', label: t('nav.customers') },
        { to: '/warehouse/stock', label: t('nav.stock') },
        { to: '/sales/price_lists', label: t('nav.priceLists') },
      ],
    },
    {
      label: t('nav.admin'),
      items: [
        { to: '/users', label: t('nav.users'), roles: ['admin'] },
        { to: '/api_keys', label: t('nav.apiKeys'), roles: ['admin'] },
      ],
    },
  ];

  const logout = () => {
    session.logout();
    qc.clear();
    void router.navigate({ to: '/login' });
  };

  return (
    <AppShell header={{ height: 48 }} navbar={{ width: 190, breakpoint: 0 }} padding="sm">
      <AppShell.Header px="sm">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Title order={4} style={{ whiteSpace: 'nowrap' }}>
              {t('app.title')}
            </Title>
            <UnstyledButton onClick={() => spotlight.open()} aria-label={t('spotlight.placeholder')}>
              <Group
                gap={6}
                px="sm"
                py={4}
                wrap="nowrap"
                style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 4 }}
              >
                <Text size="sm" c="dimmed">
                  {t('spotlight.placeholder')}
                </Text>
                <Kbd size="xs">Ctrl</Kbd>
                <Kbd size="xs">K</Kbd>
              </Group>
            </UnstyledButton>
          </Group>
          <Group gap="sm" wrap="nowrap">
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
            <Text size="sm" fw={500} data-testid="current-user">
              {user.name}
            </Text>
            {user.roles.map((r) => (
              <Badge key={r} variant="light" size="sm" data-testid="current-role">
                {t(`roles.${r}`, { defaultValue: r })}
              </Badge>
            ))}
            <Button variant="default" onClick={logout}>
              {t('auth.logout')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p={4}>
        <ScrollArea>
          {sections.map((section) => {
            const items = section.items.filter((i) => !i.roles || hasRole(user, ...i.roles));
            if (items.length === 0) return null;
            return (
              <div key={section.label}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="xs" pt="sm" pb={2}>
                  {section.label}
                </Text>
                {items.map((item) => (
                  <NavRouterLink
                    key={item.to}
                    to={item.to}
                    label={item.label}
                    active={pathname === item.to || pathname.startsWith(`${item.to}/`)}
                    py={4}
                  />
                ))}
              </div>
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
      <OrderSpotlight />
    </AppShell>
  );
}
