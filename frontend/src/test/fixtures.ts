import type { Order, OrderSummary } from '@/api/client';
import type { DeliveryNote } from '@/hooks/api/deliveryNotes';
import type { PackingList } from '@/hooks/api/packingLists';
import type { Shipment } from '@/hooks/api/shipments';

const now = new Date();
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000).toISOString();

export function summary(over: Partial<OrderSummary> = {}): OrderSummary {
  return {
    id: 1,
    number: 'SO-0000001',
    status: 0,
    status_label: 'draft',
    approve_status: null,
    approve_status_label: 'not_required',
    held_from: null,
    channel_id: 3,
    source: 'woocommerce',
    external_ref: 'WC-1001',
    customer_id: 7,
    customer_name: 'Ana Pop',
    customer_email: 'ana@example.ro',
    currency: 'RON',
    total_gross: '99.80',
    promised_date: null,
    created_at: hoursAgo(5),
    updated_at: hoursAgo(5),
    ...over,
  };
}

export function order(over: Partial<Order> = {}): Order {
  return {
    id: 1,
    number: 'SO-0000001',
    status: 0,
    status_label: 'draft',
    approve_status: null,
    approve_status_label: 'not_required',
    approval: { rule: null, required_role: null },
    held_from: null,
    held_from_label: null,
    channel_id: 3,
    source: 'woocommerce',
    external_ref: 'WC-1001',
    currency: 'RON',
    payment_method: 'cod',
    customer: { id: 7, name: 'Ana Pop', email: 'ana@example.ro', type: 'b2c' },
    shipping_address: { name: 'Ana Pop', street: 'Str. Lunga 5', city: 'Brasov', county: 'BV', postcode: '500035', country: 'RO', phone: null, company: null },
    billing_address: null,
    warehouse_id: 1,
    promised_date: null,
    notes: null,
    lines: [
      { line_no: 1, product_id: 1, sku: 'TSHIRT-RED-M', name: 'T-shirt', quantity: '2.000', unit_price: '49.90', vat_rate: '19', net: '83.87', vat: '15.93', gross: '99.80', price_mismatch: false },
    ],
    totals: { net: '83.87', vat: '15.93', gross: '99.80', currency: 'RON', vat_breakdown: [{ rate: '19', vat: '15.93' }] },
    reserved: false,
    price_mismatch: false,
    version: 3,
    created_at: hoursAgo(5),
    updated_at: hoursAgo(5),
    history: [{ action: 'create', from_status: null, from_status_label: null, to_status: 0, to_status_label: 'draft', actor: 'api', reason: null, at: hoursAgo(5) }],
    allowed_actions: ['process', 'confirm', 'hold', 'cancel', 'edit-lines'],
    ...over,
  };
}

export const COUNTS = {
  counts: [
    { status: 0, status_label: 'draft', count: 4 },
    { status: 1, status_label: 'processing', count: 2 },
    { status: 9, status_label: 'on_hold', count: 1 },
    { status: 16, status_label: 'stock_unavailable', count: 0 },
  ],
  total: 7,
};

export function packingList(over: Partial<PackingList> = {}): PackingList {
  return {
    id: 5,
    number: 'PL-0000005',
    delivery_note_id: 4,
    delivery_note_number: 'DN-0000004',
    order_id: 1,
    order_number: 'SO-0000001',
    order_status: 3,
    order_status_label: 'confirmed',
    customer_name: 'Ana Pop',
    city: 'Brasov',
    payment_method: 'cod',
    total_gross: '99.80',
    currency: 'RON',
    packages: [{ length_cm: null, width_cm: null, height_cm: null, weight_kg: null, missing: ['length_cm', 'width_cm', 'height_cm', 'weight_kg'] }],
    complete: false,
    version: 2,
    created_at: hoursAgo(3),
    updated_at: hoursAgo(3),
    age_hours: 3.2,
    shipment: null,
    ...over,
  };
}

export function shipment(over: Partial<Shipment> = {}): Shipment {
  return {
    id: 9,
    packing_list_id: 5,
    order_id: 1,
    courier: 'innoship',
    service: '1',
    carrier_name: 'Cargus',
    status: 'created',
    awb_number: '1190000123',
    tracking_url: null,
    price: '18.50',
    attempts: 1,
    last_error: null,
    created_at: hoursAgo(2),
    awb_at: hoursAgo(2),
    tracking_status: 'in_transit',
    tracking_text: 'In transit',
    tracking_at: hoursAgo(1),
    labels: ['a4'],
    events: [],
    ...over,
  };
}

export function deliveryNote(over: Partial<DeliveryNote> = {}): DeliveryNote {
  return {
    id: 4,
    number: 'DN-0000004',
    order_id: 1,
    order_number: 'SO-0000001',
    warehouse_id: 1,
    status: 'open',
    partial: false,
    created_by: 'operator@oms.local',
    created_at: hoursAgo(3),
    dispatched_at: null,
    lines: [{ product_id: 1, sku: 'TSHIRT-RED-M', name: 'T-shirt', quantity: '2.000', backordered: '0.000' }],
    packing_list_id: 5,
    ...over,
  };
}

/** A PDF answer (labels, delivery notes): the console only hands its bytes to the preview. */
export function pdfResponse(): Response {
  return new Response('%PDF-1.4 test', { headers: { 'content-type': 'application/pdf' } });
}
