"""The fulfilment aggregates' own rules: packages and their missing fields, the shipment's claim, its AWB and
its tracking; and the order's side (ship, deliver, hold on a failed delivery)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.actors import SYSTEM
from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.fulfilment.couriers import CreatedAwb, TrackingEvent, TrackingStatus
from domain.fulfilment.model import CLAIM_SECONDS, Package, PackingList, Shipment, ShipmentStatus
from domain.orders.model import Reservation
from domain.orders.status import OrderStatus
from tests.unit.builders import new_order as make_order

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
D = Decimal


def test_an_awb_is_refused_naming_every_missing_dimension_of_every_package() -> None:
    packing_list = PackingList(delivery_note_id=1, order_id=1, number="PL-1",
                               packages=[Package(D(30), D(20), D(10), D(2)), Package(D(30), None, None, D(1))])
    with pytest.raises(ValidationError) as refused:
        packing_list.check_ready_for_awb()
    assert [e.field for e in refused.value.errors] == ["packages[1].width_cm", "packages[1].height_cm"]
    assert not packing_list.complete


def test_packages_must_be_positive_and_plausible_and_are_locked_once_an_awb_is_live() -> None:
    packing_list = PackingList(delivery_note_id=1, order_id=1, number="PL-1")
    with pytest.raises(ValidationError) as refused:
        packing_list.set_packages([Package(D(0), D(20), D(500), D(2))], at=T0, locked=False)
    assert [e.field for e in refused.value.errors] == ["packages[0].length_cm", "packages[0].height_cm"]
    with pytest.raises(ValidationError):
        packing_list.set_packages([], at=T0, locked=False)
    with pytest.raises(ConflictError):
        packing_list.set_packages([Package(D(1), D(1), D(1), D(1))], at=T0, locked=True)
    packing_list.set_packages([Package(D(1), D(1), D(1), D("0.2"))], at=T0, locked=False)
    assert packing_list.complete and packing_list.total_weight_kg == D("0.2")


def shipment() -> Shipment:
    return Shipment(packing_list_id=1, order_id=1, courier="cargus", service=None, external_id="OMS-PL-1-1",
                    created_at=T0, id=7)


def test_a_claim_keeps_others_out_until_it_expires_and_the_second_attempt_must_reconcile() -> None:
    s = shipment()
    s.claim(T0)
    assert not s.must_reconcile
    with pytest.raises(ConflictError, match="being generated"):
        s.claim(T0 + timedelta(seconds=CLAIM_SECONDS - 1))
    s.claim(T0 + timedelta(seconds=CLAIM_SECONDS + 1))  # the first caller died: taken over
    assert s.must_reconcile and s.attempts == 2


def test_recording_the_same_awb_twice_is_harmless_a_different_one_is_refused() -> None:
    s = shipment()
    s.claim(T0)
    s.record_created(CreatedAwb("1000000001", "Cargus"), T0)
    s.record_created(CreatedAwb("1000000001", "Cargus"), T0)
    assert (s.status, s.awb_number, s.claimed_until) == (ShipmentStatus.CREATED, "1000000001", None)
    with pytest.raises(ConflictError):
        s.record_created(CreatedAwb("1000000002", "Cargus"), T0)


def test_a_refusal_frees_the_packing_list_anything_else_keeps_the_attempt_pending() -> None:
    s = shipment()
    s.claim(T0)
    s.record_failure("timed out", final=False)
    assert s.status is ShipmentStatus.PENDING and s.claimed_until is None
    s.claim(T0)
    s.record_failure("400 bad phone", final=True)
    assert s.status is ShipmentStatus.FAILED and not s.status.live


def event(status: TrackingStatus, minutes: int) -> TrackingEvent:
    return TrackingEvent("1000000001", status, status.value, T0 + timedelta(minutes=minutes))


def test_tracking_records_only_new_events_and_stops_at_a_final_status() -> None:
    s = shipment()
    s.record_created(CreatedAwb("1000000001", "Cargus"), T0)
    every = timedelta(minutes=10)
    assert s.apply_tracking([event(TrackingStatus.PICKED_UP, 5)], T0, every)
    assert not s.apply_tracking([event(TrackingStatus.PICKED_UP, 5)], T0, every)  # the same answer again
    assert s.next_track_at == T0 + every
    assert s.apply_tracking([event(TrackingStatus.PICKED_UP, 5), event(TrackingStatus.DELIVERED, 50)], T0, every)
    assert [e.status for e in s.new_events] == [TrackingStatus.PICKED_UP, TrackingStatus.DELIVERED]
    assert s.tracking_status is TrackingStatus.DELIVERED and s.next_track_at is None


def test_tracking_errors_back_off_and_respect_the_couriers_retry_after() -> None:
    s = shipment()
    s.tracking_failed(T0, timedelta(minutes=10), None)
    assert s.next_track_at == T0 + timedelta(minutes=20)
    s.tracking_failed(T0, timedelta(minutes=10), None)
    assert s.next_track_at == T0 + timedelta(minutes=40)
    for _ in range(10):
        s.tracking_failed(T0, timedelta(minutes=10), None)
    assert s.next_track_at == T0 + timedelta(hours=1)
    s.tracking_failed(T0, timedelta(seconds=1), 7200)
    assert s.next_track_at == T0 + timedelta(hours=2)


def test_the_order_ships_with_the_awb_then_is_delivered_or_held_by_tracking() -> None:
    order = make_order()
    order.confirm(by=SYSTEM, at=T0, reservations=[Reservation(1, 1, D(2))])
    order.ship(by=SYSTEM, at=T0, awb="1000000001", courier="Cargus", tracking_url=None,
               consumed=[Reservation(1, 1, D(2))])
    assert order.status is OrderStatus.SHIPPING and order.reservations == []
    assert order.events[-1].name == "order.shipped" and order.events[-1].payload()["awb"] == "1000000001"
    assert order.hold_for_delivery_problem(by=SYSTEM, at=T0, reason="courier: nobody home")
    assert not order.hold_for_delivery_problem(by=SYSTEM, at=T0, reason="again")  # already held: no change
    order.deliver(by=SYSTEM, at=T0)  # a later attempt succeeded: resumed, then delivered
    assert order.status is OrderStatus.DELIVERED
    assert [h.action for h in order.new_history][-3:] == ["hold", "resume", "deliver"]


def test_no_delivery_note_while_payment_is_awaited() -> None:
    order = make_order()
    order.request_payment(by=SYSTEM, at=T0)
    with pytest.raises(InvalidTransitionError):
        order.check_can_deliver_note()
