import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CourierAccount } from '@/hooks/api/couriers';
import type { AwbBatch, PackingList } from '@/hooks/api/packingLists';
import { packingList, pdfResponse } from '@/test/fixtures';
import { json, mockApi, renderApp } from '@/test/utils';

const page = (items: PackingList[]) => () => json({ items, next_cursor: null });
const URL_ = '/admin/warehouse/manage_packing_list';

function account(courier: string, active = true): CourierAccount {
  const id = ['innoship', 'cargus', 'fancourier', 'palex'].indexOf(courier) + 1;
  return {
    id, courier, name: `${courier} account`, base_url: `https://${courier}.example`, credentials_set: [], default_service: null,
    label_format: 'a4', concurrency: 8, sender: { country: 'RO' }, settings: {}, active,
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  };
}
/** GET /api/couriers answering these accounts (in the order given: the API sorts by creation, not by courier). */
const couriers = (...accounts: CourierAccount[]) => () => json({ items: accounts, next_cursor: null });
const ALL_COURIERS = couriers(account('palex'), account('fancourier'), account('cargus'), account('innoship'));
const offered = (el: HTMLElement) => within(el).getAllByRole('radio').map((r) => r.getAttribute('value'));

beforeEach(() => {
  // jsdom has no blob URLs: the preview only needs a string for its iframe.
  Object.defineProperty(URL, 'createObjectURL', { configurable: true, writable: true, value: vi.fn(() => 'blob:preview') });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, writable: true, value: vi.fn() });
});

const calls = (api: ReturnType<typeof mockApi>, method: string, path: RegExp) =>
  api.calls.filter((c) => c.method === method && path.test(c.url.pathname));

describe('the packing list screen', () => {
  it('shows the lists without AWB by default, with their age (badge past 24 h)', async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([
        packingList({ id: 5, number: 'PL-5', age_hours: 30.5 }),
        packingList({ id: 6, number: 'PL-6', order_number: 'SO-0000002', age_hours: 2.1 }),
      ]),
    });
    renderApp(URL_);
    const late = (await screen.findByText('PL-5')).closest('tr')!;
    expect(within(late).getByText('30 h').closest('[data-late]')).toHaveAttribute('data-late', 'true');
    const fresh = screen.getByText('PL-6').closest('tr')!;
    expect(within(fresh).getByText('2 h').closest('[data-late]')).toBeNull();
    expect(within(fresh).getByRole('link', { name: 'SO-0000002' })).toHaveAttribute('href', '/admin/omni_sales/orders/1');
    expect(within(late).getByText('Cash on delivery')).toBeInTheDocument();
    expect(calls(api, 'GET', /packing_lists$/)[0].url.searchParams.get('awb')).toBe('missing');
  });

  it('fills the dimensions by keyboard and saves with Enter (PATCH with If-Match)', async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([packingList()]),
      'PATCH /api/warehouse/packing_lists/:id': () =>
        json(
          packingList({
            version: 3,
            complete: true,
            packages: [{ length_cm: '40', width_cm: '30', height_cm: '20', weight_kg: '1.5', missing: [] }],
          }),
        ),
    });
    renderApp(URL_);
    const length = await screen.findByRole('textbox', { name: 'Length (cm), package 1' });
    expect(length).toHaveAttribute('data-missing', 'true');
    await userEvent.click(length);
    await userEvent.keyboard('40');
    await userEvent.tab();
    expect(screen.getByRole('textbox', { name: 'Width (cm), package 1' })).toHaveFocus();
    await userEvent.keyboard('30');
    await userEvent.tab();
    await userEvent.keyboard('20');
    await userEvent.tab();
    expect(screen.getByRole('textbox', { name: 'Weight (kg), package 1' })).toHaveFocus();
    await userEvent.keyboard('1,5{Enter}');

    await waitFor(() => expect(calls(api, 'PATCH', /packing_lists\/5$/)).toHaveLength(1));
    const patch = calls(api, 'PATCH', /packing_lists\/5$/)[0];
    expect(patch.headers.get('if-match')).toBe('"5-2"');
    expect(patch.body).toEqual({ packages: [{ length_cm: '40', width_cm: '30', height_cm: '20', weight_kg: '1.5' }] });
    expect(await screen.findByText('PL-0000005 saved')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Weight (kg), package 1' })).not.toHaveAttribute('data-missing'));
  });

  it("shows a 422's field errors under the inputs, and adds / removes packages", async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([packingList()]),
      'PATCH /api/warehouse/packing_lists/:id': () =>
        json(
          {
            type: 'validation',
            title: 'Validation failed',
            status: 422,
            detail: 'invalid packages',
            errors: [{ field: 'packages[1].weight_kg', message: 'must be greater than 0 and at most 1000' }],
          },
          { status: 422 },
        ),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByRole('textbox', { name: 'Length (cm), package 1' }));
    await userEvent.keyboard('40');
    // "+" adds a package and moves to its length; "-" would remove it again.
    await userEvent.keyboard('+');
    const length2 = screen.getByRole('textbox', { name: 'Length (cm), package 2' });
    expect(length2).toHaveFocus();
    await userEvent.keyboard('-');
    expect(screen.queryByRole('textbox', { name: 'Length (cm), package 2' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '+ Package' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Weight (kg), package 2' }), '2000{Enter}');

    const weight2 = screen.getByRole('textbox', { name: 'Weight (kg), package 2' });
    await waitFor(() => expect(weight2).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText('must be greater than 0 and at most 1000')).toBeInTheDocument();
    const body = calls(api, 'PATCH', /packing_lists\/5$/)[0].body as { packages: unknown[] };
    expect(body.packages).toEqual([
      { length_cm: '40', width_cm: null, height_cm: null, weight_kg: null },
      { length_cm: null, width_cm: null, height_cm: null, weight_kg: '2000' },
    ]);
    // Editing the field clears its message.
    await userEvent.clear(weight2);
    expect(screen.queryByText('must be greater than 0 and at most 1000')).not.toBeInTheDocument();
  });

  it('generates an AWB with an Innoship offer picked side by side, then shows the AWB and its labels', async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([packingList({ complete: true })]),
      'GET /api/couriers': ALL_COURIERS,
      'POST /api/warehouse/packing_lists/:id/offers': () =>
        json({
          items: [
            { carrier_id: 2, carrier_name: 'FAN Courier', service: '1', service_name: 'Standard', price: '21.00', currency: 'RON', delivery_days: 2 },
            { carrier_id: 1, carrier_name: 'Cargus', service: '34', service_name: 'Economic', price: '17.50', currency: 'RON', delivery_days: 1 },
          ],
        }),
      'POST /api/warehouse/packing_lists/:id/awb': () =>
        json({ packing_list_id: 5, shipment_id: 9, awb_number: '1190000123', already: false }, { status: 201 }),
      'GET /api/shipments/:id/label': pdfResponse,
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByTestId('row-generate'));
    const dialog = await screen.findByRole('dialog');
    const offers = await within(dialog).findByTestId('offers');
    // Every configured courier, Innoship first and preselected, whatever order the accounts were created in.
    const choice = within(dialog).getByRole('radiogroup', { name: 'Courier' });
    expect(offered(choice)).toEqual(['innoship', 'cargus', 'fancourier', 'palex']);
    expect(within(choice).getByRole('radio', { name: 'Innoship' })).toBeChecked();
    // Side by side, cheapest first and preselected.
    expect(within(offers).getAllByRole('radio').map((r) => r.closest('[data-offer]')!.getAttribute('data-offer'))).toEqual(['1:34', '2:1']);
    expect(within(offers).getAllByRole('radio')[0]).toBeChecked();
    expect(offers).toHaveTextContent('Cargus');
    expect(offers).toHaveTextContent('1 d');
    await userEvent.click(within(offers).getAllByRole('radio')[1]);
    await userEvent.click(within(dialog).getByTestId('awb-submit'));

    expect(await within(dialog).findByTestId('awb-number')).toHaveTextContent('1190000123');
    const post = calls(api, 'POST', /\/awb$/)[0];
    expect(post.body).toEqual({ courier: 'innoship', service: '1', carrier_id: 2, awb_number: null });
    expect(calls(api, 'POST', /\/offers$/)[0].body).toEqual({ courier: 'innoship' });

    await userEvent.click(within(dialog).getByRole('button', { name: 'Label thermal' }));
    const preview = await screen.findByTitle('Label 1190000123 (thermal 100×150)');
    expect(preview).toHaveAttribute('src', 'blob:preview');
    const label = calls(api, 'GET', /\/label$/)[0];
    expect(label.url.pathname).toBe('/api/shipments/9/label');
    expect(label.url.searchParams.get('format')).toBe('thermal');
    expect(label.headers.get('authorization')).toBe('Bearer test-token');
  });

  it('lists the missing dimensions per package when the API refuses the AWB (422)', async () => {
    mockApi({
      'GET /api/warehouse/packing_lists': page([packingList()]),
      'GET /api/couriers': ALL_COURIERS,
      'POST /api/warehouse/packing_lists/:id/awb': () =>
        json(
          {
            type: 'validation',
            title: 'Validation failed',
            status: 422,
            detail: 'packing list PL-0000005 is missing dimensions or weight',
            errors: [
              { field: 'packages[0].height_cm', message: 'required before an AWB can be generated' },
              { field: 'packages[1].weight_kg', message: 'required before an AWB can be generated' },
              { field: 'packages[0].length_cm', message: 'required before an AWB can be generated' },
            ],
          },
          { status: 422 },
        ),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByTestId('row-generate'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: 'Cargus' }));
    await userEvent.click(within(dialog).getByTestId('awb-submit'));
    const missing = await within(dialog).findByTestId('awb-missing');
    expect(within(missing).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Package 1: Length (cm), Height (cm)',
      'Package 2: Weight (kg)',
    ]);
  });

  it("shows the courier's message and errors on a 502", async () => {
    mockApi({
      'GET /api/warehouse/packing_lists': page([packingList({ complete: true })]),
      'GET /api/couriers': ALL_COURIERS,
      'POST /api/warehouse/packing_lists/:id/awb': () =>
        json(
          { type: 'courier-error', title: 'Courier error', status: 502, detail: 'FAN Courier refused the AWB', retryable: false, courier_errors: ['Localitatea destinatarului nu exista'] },
          { status: 502 },
        ),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByTestId('row-generate'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: 'FAN Courier' }));
    await userEvent.click(within(dialog).getByTestId('awb-submit'));
    const problem = await within(dialog).findByTestId('awb-problem');
    expect(problem).toHaveTextContent('FAN Courier refused the AWB');
    expect(within(problem).getByTestId('courier-errors')).toHaveTextContent('Localitatea destinatarului nu exista');
  });

  it('records a Palex AWB typed by hand and uploads its PDF label', async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([packingList({ complete: true })]),
      'GET /api/couriers': ALL_COURIERS,
      'POST /api/warehouse/packing_lists/:id/awb': () =>
        json({ packing_list_id: 5, shipment_id: 11, awb_number: 'PX-778', already: false }, { status: 201 }),
      'PUT /api/shipments/:id/label': () => new Response(null, { status: 204 }),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByTestId('row-generate'));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: 'Palex' }));
    await userEvent.click(within(dialog).getByTestId('awb-submit'));
    expect(await within(dialog).findByText('Type the AWB number from the portal')).toBeInTheDocument();
    await userEvent.type(within(dialog).getByRole('textbox', { name: /AWB number/ }), 'PX-778');
    await userEvent.click(within(dialog).getByTestId('awb-submit'));
    expect(await within(dialog).findByTestId('awb-number')).toHaveTextContent('PX-778');
    expect(calls(api, 'POST', /\/awb$/)[0].body).toEqual({ courier: 'palex', service: null, carrier_id: null, awb_number: 'PX-778' });

    const file = new File(['%PDF-1.4 palex'], 'label.pdf', { type: 'application/pdf' });
    const input = dialog.querySelector<HTMLInputElement>('input[type="file"]')!;
    await userEvent.upload(input, file);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Upload label' }));
    await waitFor(() => expect(calls(api, 'PUT', /label$/)).toHaveLength(1));
    const put = calls(api, 'PUT', /label$/)[0];
    expect(put.url.pathname).toBe('/api/shipments/11/label');
    expect(put.url.searchParams.get('format')).toBe('a4');
    expect(put.headers.get('content-type')).toBe('application/pdf');
    expect(put.body).toBe('%PDF-1.4 palex');
    expect(await within(dialog).findByRole('button', { name: 'Label A4' })).toBeInTheDocument();
  });

  it('offers only the couriers with an active account and preselects the first (no Innoship: no offers asked)', async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([packingList({ complete: true })]),
      'GET /api/couriers': couriers(account('fancourier'), account('innoship', false), account('cargus')),
      'POST /api/warehouse/packing_lists/:id/offers': () =>
        json({ type: 'validation', title: 'Validation failed', status: 422, detail: 'no active innoship account' }, { status: 422 }),
      'POST /api/warehouse/packing_lists/:id/awb': () =>
        json({ packing_list_id: 5, shipment_id: 9, awb_number: '1190000123', already: false }, { status: 201 }),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByTestId('row-generate'));
    const dialog = await screen.findByRole('dialog');
    const choice = await within(dialog).findByRole('radiogroup', { name: 'Courier' });
    expect(offered(choice)).toEqual(['cargus', 'fancourier']);
    expect(within(choice).getByRole('radio', { name: 'Cargus' })).toBeChecked();
    expect(within(dialog).getByRole('textbox', { name: 'Service' })).toBeInTheDocument();
    await userEvent.click(within(dialog).getByTestId('awb-submit'));

    expect(await within(dialog).findByTestId('awb-number')).toHaveTextContent('1190000123');
    expect(calls(api, 'POST', /\/awb$/)[0].body).toEqual({ courier: 'cargus', service: null, carrier_id: null, awb_number: null });
    expect(calls(api, 'POST', /\/offers$/)).toHaveLength(0);
    expect(within(dialog).queryByTestId('awb-problem')).not.toBeInTheDocument();
  });

  it('says so, with a link to the courier accounts, when no courier is configured', async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([packingList({ complete: true })]),
      'GET /api/couriers': couriers(account('innoship', false)),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByTestId('row-generate'));
    const dialog = await screen.findByRole('dialog');
    const none = await within(dialog).findByTestId('no-couriers');
    expect(none).toHaveTextContent('No courier has an active account');
    expect(within(none).getByRole('link', { name: 'Open the courier accounts' })).toHaveAttribute('href', '/admin/couriers');
    expect(within(dialog).queryByRole('radiogroup')).not.toBeInTheDocument();
    expect(within(dialog).getByTestId('awb-submit')).toBeDisabled();
    expect(calls(api, 'POST', /\/offers$/)).toHaveLength(0);
  });

  it('offers a batch only the configured couriers with an API (never Palex), the first preselected', async () => {
    const lists = page([packingList({ id: 5, number: 'PL-5', complete: true }), packingList({ id: 6, number: 'PL-6', complete: true })]);
    const api = mockApi({
      'GET /api/warehouse/packing_lists': lists,
      'GET /api/couriers': couriers(account('palex'), account('fancourier'), account('innoship', false), account('cargus')),
      'POST /api/warehouse/awb_batches': () => json({ id: 12 }, { status: 202 }),
      'GET /api/warehouse/awb_batches/:id': () => json({ title: 'Not found', status: 404 }, { status: 404 }),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select all shown' }));
    await userEvent.click(within(screen.getByTestId('packing-bulk-bar')).getByRole('button', { name: 'Generate AWBs (2)' }));
    const dialog = await screen.findByRole('dialog');
    const choice = await within(dialog).findByRole('radiogroup', { name: 'Courier' });
    expect(offered(choice)).toEqual(['cargus', 'fancourier']);
    expect(within(choice).getByRole('radio', { name: 'Cargus' })).toBeChecked();
    await userEvent.click(within(choice).getByRole('radio', { name: 'FAN Courier' }));
    await userEvent.click(within(dialog).getByTestId('batch-start'));
    await waitFor(() => expect(calls(api, 'POST', /awb_batches$/)).toHaveLength(1));
    expect(calls(api, 'POST', /awb_batches$/)[0].body).toEqual({ packing_list_ids: [5, 6], courier: 'fancourier', service: null });
  });

  it('starts no batch when only a manual courier (Palex) is configured', async () => {
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([packingList({ id: 5, number: 'PL-5', complete: true })]),
      'GET /api/couriers': couriers(account('palex')),
    });
    renderApp(URL_);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select all shown' }));
    await userEvent.click(within(screen.getByTestId('packing-bulk-bar')).getByRole('button', { name: 'Generate AWBs (1)' }));
    const dialog = await screen.findByRole('dialog');
    const none = await within(dialog).findByTestId('no-couriers');
    expect(none).toHaveTextContent('No courier with an API has an active account');
    expect(within(none).getByRole('link', { name: 'Open the courier accounts' })).toHaveAttribute('href', '/admin/couriers');
    expect(within(dialog).getByTestId('batch-start')).toBeDisabled();
    await userEvent.click(within(dialog).getByTestId('batch-start'));
    expect(calls(api, 'POST', /awb_batches$/)).toHaveLength(0);
  });

  it('runs a batch for the selection and shows its progress and per-item results', async () => {
    let polls = 0;
    const batch = (over: Partial<AwbBatch>): AwbBatch => ({
      id: 12, courier: 'cargus', service: null, status: 'running', total: 2, done: 0, succeeded: 0, failed: 0, results: [],
      created_by: 'op', created_at: new Date().toISOString(), finished_at: null, ...over,
    });
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([
        packingList({ id: 5, number: 'PL-5', complete: true }),
        packingList({ id: 6, number: 'PL-6' }),
      ]),
      'GET /api/couriers': ALL_COURIERS,
      'POST /api/warehouse/awb_batches': () => json(batch({ status: 'queued' }), { status: 202 }),
      'GET /api/warehouse/awb_batches/:id': () => {
        polls += 1;
        const first = { packing_list_id: 5, ok: true, shipment_id: 9, awb_number: '1190000123', already: false };
        if (polls === 1) return json(batch({ done: 1, succeeded: 1, results: [first] }));
        return json(
          batch({
            status: 'done', done: 2, succeeded: 1, failed: 1,
            results: [first, { packing_list_id: 6, ok: false, already: false, error: 'packing list PL-6 is missing dimensions or weight' }],
          }),
        );
      },
      'POST /api/warehouse/labels': pdfResponse,
    });
    const { router } = renderApp(URL_);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select all shown' }));
    const bar = screen.getByTestId('packing-bulk-bar');
    expect(bar).toHaveTextContent('2 selected');
    await userEvent.click(within(bar).getByRole('button', { name: 'Generate AWBs (2)' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('radio', { name: 'Cargus' }));
    await userEvent.click(screen.getByTestId('batch-start'));

    expect(calls(api, 'POST', /awb_batches$/)[0].body).toEqual({ packing_list_ids: [5, 6], courier: 'cargus', service: null });
    await waitFor(() => expect(router.state.location.search).toEqual({ batch: '12' }));
    expect(await screen.findByText('1 of 2 done')).toBeInTheDocument();
    const progress = await screen.findByTestId('batch-progress', {}, { timeout: 5000 });
    await waitFor(() => expect(progress).toHaveAttribute('data-status', 'done'), { timeout: 5000 });
    expect(screen.getByTestId('batch-count')).toHaveTextContent('2 of 2 done');
    expect(screen.getByTestId('batch-succeeded')).toHaveTextContent('1 succeeded');
    expect(screen.getByTestId('batch-failed')).toHaveTextContent('1 failed');
    const results = screen.getByTestId('batch-results');
    expect(within(results).getByText('PL-5').closest('li')).toHaveTextContent('1190000123');
    expect(within(results).getByText('PL-6').closest('li')).toHaveAttribute('data-ok', 'false');
    expect(within(results).getByText('PL-6').closest('li')).toHaveTextContent('missing dimensions or weight');
    expect(polls).toBe(2); // it stopped asking once done

    await userEvent.click(screen.getByRole('button', { name: 'Labels A4 (1)' }));
    await waitFor(() => expect(calls(api, 'POST', /labels$/)).toHaveLength(1));
    expect(calls(api, 'POST', /labels$/)[0].body).toEqual({ shipment_ids: [9], format: 'a4' });
  });

  it('prints one merged PDF for the selected rows that have an AWB', async () => {
    const withAwb = (id: number, sid: number) =>
      packingList({
        id,
        number: `PL-${id}`,
        complete: true,
        shipment: { id: sid, courier: 'cargus', status: 'created', awb_number: `AWB${sid}`, carrier_name: null, tracking_status: 'created', last_error: null },
      });
    const api = mockApi({
      'GET /api/warehouse/packing_lists': page([withAwb(5, 9), withAwb(6, 10), packingList({ id: 7, number: 'PL-7' })]),
      'POST /api/warehouse/labels': pdfResponse,
    });
    renderApp(`${URL_}?awb=all`);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select all shown' }));
    await userEvent.click(within(screen.getByTestId('packing-bulk-bar')).getByRole('button', { name: 'Labels thermal (2)' }));
    expect(await screen.findByTitle('2 labels (thermal 100×150)')).toBeInTheDocument();
    expect(calls(api, 'POST', /labels$/)[0].body).toEqual({ shipment_ids: [9, 10], format: 'thermal' });
    expect(calls(api, 'GET', /packing_lists$/)[0].url.searchParams.get('awb')).toBeNull();
  });

  it('works from the keyboard: j/k move, x selects, Enter goes to the first missing field, g generates', async () => {
    mockApi({
      'GET /api/warehouse/packing_lists': page([
        packingList({ id: 5, number: 'PL-5' }),
        packingList({
          id: 6,
          number: 'PL-6',
          packages: [{ length_cm: '40', width_cm: null, height_cm: '20', weight_kg: '1', missing: ['width_cm'] }],
        }),
      ]),
      'GET /api/couriers': ALL_COURIERS,
      'POST /api/warehouse/packing_lists/:id/offers': () => json({ items: [] }),
    });
    renderApp(URL_);
    await screen.findByText('PL-5');
    const row = (n: string) => screen.getByText(n).closest('tr')!;
    expect(row('PL-5')).toHaveAttribute('data-cursor', 'true');
    await userEvent.keyboard('j');
    expect(row('PL-6')).toHaveAttribute('data-cursor', 'true');
    await userEvent.keyboard('x');
    expect(within(row('PL-6')).getByRole('checkbox', { name: 'PL-6' })).toBeChecked();
    await userEvent.keyboard('{Enter}');
    expect(within(row('PL-6')).getByRole('textbox', { name: 'Width (cm), package 1' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await userEvent.keyboard('g');
    expect(await screen.findByRole('dialog', { name: 'AWB for PL-6 (order SO-0000001)' })).toBeInTheDocument();
  });
});
