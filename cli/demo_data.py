"""The demo shop: a Brașov retailer selling through every channel type. Data only; cli/demo.py seeds it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PASSWORD = "demo"

USERS = (
    ("admin@oms.local", "Administrator", ["admin"]),
    ("operator@oms.local", "Andreea Pop", ["operator"]),
    ("manager@oms.local", "Mihai Dobre", ["sales_manager"]),
    ("warehouse@oms.local", "Florin Matei", ["warehouse"]),
    ("finance@oms.local", "Camelia Radu", ["finance"]),
)
ADMIN_EMAIL = USERS[0][0]

WAREHOUSE = ("MAIN", "Depozit central Brașov")

B2B_APPROVAL = {"name": "B2B orders over 10,000 RON need sales_manager", "required_role": "sales_manager",
                "min_total": "10000", "currency": "RON", "customer_type": None}

# Shop payment codes -> how the OMS books them.
WOO_PAYMENTS = {"cod": "cash_on_delivery", "bacs": "bank_transfer", "cheque": "cheque", "stripe": "card",
                "paypal": "paypal"}
SHOPIFY_PAYMENTS = {"shopify_payments": "card", "manual": "bank_transfer", "cash_on_delivery": "cash_on_delivery",
                    "paypal": "paypal"}


# What the shop simulators of demo mode (cli/demo_shops.py) sign webhooks and accept API calls with. The seed
# stores them on the two shop channels; `oms run` rewrites base_url to the simulators' actual ports at start.
DEMO_WEBHOOK_SECRET = "demo-webhook-secret-not-for-production"
SIMULATOR_CREDENTIALS: dict[str, dict[str, str]] = {
    "woocommerce": {"base_url": "http://127.0.0.1:8301", "consumer_key": "ck_demo", "consumer_secret": "cs_demo"},
    "shopify": {"base_url": "http://127.0.0.1:8302", "access_token": "shpat_demo", "api_version": "2025-07"},
}


def _channel(invoice_mode: str, *, gross: bool = True, returns: int = 14, auto_note: bool = True,
             **extra: Any) -> dict[str, Any]:
    return {"invoice_mode": invoice_mode, "prices_include_vat": gross, "return_window_days": returns,
            "auto_delivery_note": auto_note, "approval_rules": [], "payment_methods": {}, **extra}


# One channel of every type in domain.catalog.model.CHANNEL_TYPES.
CHANNELS: dict[str, tuple[str, dict[str, Any]]] = {
    "woocommerce": ("Magazin online (WooCommerce)", _channel("on_confirm", payment_methods=WOO_PAYMENTS)),
    "shopify": ("Outlet online (Shopify)", _channel("on_confirm", payment_methods=SHOPIFY_PAYMENTS)),
    "b2b_portal": ("Portal B2B", _channel("on_dispatch", gross=False, returns=30, approval_rules=[B2B_APPROVAL])),
    "sales": ("Agenți de vânzări", _channel("manual", returns=30)),
    "edi": ("EDI retail (Retail Transilvania)", _channel("on_dispatch", gross=False, returns=0)),
    "api": ("API parteneri", _channel("on_confirm")),
    "manual": ("Comenzi telefonice", _channel("on_confirm")),
    "pos": ("Showroom Brașov (POS)", _channel("on_confirm", returns=30, auto_note=False)),
    "preorder": ("Precomenzi", _channel("on_dispatch")),
}


def ean13(body: str) -> str:
    """The 12 digits plus the GS1 check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    vat: str
    price: str  # consumer price, VAT included
    weight_kg: str
    on_hand: int


PRODUCTS = (
    DemoProduct("TRC-BUMB-ALB-M", "Tricou bumbac alb, mărimea M", "19", "49.90", "0.200", 400),
    DemoProduct("TRC-BUMB-NEG-L", "Tricou bumbac negru, mărimea L", "19", "49.90", "0.210", 400),
    DemoProduct("HAN-POLAR-GRI-XL", "Hanorac polar gri, XL", "19", "159.00", "0.650", 150),
    DemoProduct("GEC-IARNA-BLM-L", "Geacă de iarnă bleumarin, L", "19", "449.00", "1.300", 80),
    DemoProduct("ESP-AUTO-PRO", "Espressor automat Pro 15 bar", "19", "1899.00", "9.500", 40),
    DemoProduct("FIER-CALC-2400", "Fier de călcat cu abur 2400 W", "19", "229.90", "1.600", 120),
    DemoProduct("ASP-ROBOT-S7", "Aspirator robot S7", "19", "1349.00", "4.200", 50),
    DemoProduct("CAST-BT-X2", "Căști Bluetooth X2", "19", "199.90", "0.300", 200),
    DemoProduct("LAPT-14-I5", "Laptop 14\" Intel i5, 16 GB RAM", "19", "3499.00", "1.450", 60),
    DemoProduct("MON-27-QHD", "Monitor 27\" QHD", "19", "1249.90", "6.800", 80),
    DemoProduct("SCAUN-ERGO", "Scaun de birou ergonomic", "19", "899.00", "16.000", 60),
    DemoProduct("SET-OALE-INOX-8", "Set oale inox, 8 piese", "19", "599.00", "7.400", 0),  # shows back-orders
    DemoProduct("CAFEA-BOABE-1KG", "Cafea boabe Arabica, 1 kg", "9", "89.90", "1.050", 400),
    DemoProduct("MIERE-SALC-500", "Miere de salcâm, 500 g", "9", "34.50", "0.700", 300),
    DemoProduct("ULEI-MASL-750", "Ulei de măsline extravirgin, 750 ml", "9", "54.90", "1.100", 250),
    DemoProduct("CEAI-MUNTE-20", "Ceai de munte, 20 plicuri", "9", "12.90", "0.060", 500),
    DemoProduct("APA-MIN-6X2L", "Apă minerală, bax 6 x 2 L", "9", "17.94", "12.300", 600),
    DemoProduct("CARTE-RETETE-RO", "Carte: Rețete tradiționale românești", "5", "79.00", "0.900", 150),
    DemoProduct("CARTE-ISTORIE-BV", "Carte: Istoria Brașovului", "5", "59.00", "0.600", 100),
    DemoProduct("MANUAL-MATE-V", "Manual de matematică, clasa a V-a", "5", "35.00", "0.400", 200),
)

# B2B prices: net of VAT, 15 % under the consumer price.
PRICE_LIST = ("Angro B2B", Decimal("0.85"))


def address(name: str, street: str, city: str, county: str, postcode: str, phone: str | None = None,
            company: str | None = None) -> dict[str, str]:
    a = {"name": name, "street": street, "city": city, "county": county, "postcode": postcode, "country": "RO"}
    if phone:
        a["phone"] = phone
    if company:
        a["company"] = company
    return a


@dataclass(frozen=True)
class DemoCustomer:
    key: str
    name: str
    email: str | None
    phone: str | None
    street: str
    city: str
    county: str
    postcode: str
    type: str = "b2c"
    vat_code: str | None = None  # a valid Romanian CUI (checked by python-stdnum)
    edi_id: str | None = None  # the partner's GLN

    def address(self) -> dict[str, str]:
        company = self.name if self.type == "b2b" else None
        return address(self.name, self.street, self.city, self.county, self.postcode, self.phone, company)


CUSTOMERS = (
    DemoCustomer("ana", "Ana Popescu", "ana.popescu@example.ro", "0722111222", "Str. Republicii 12", "Brașov", "BV",
                 "500030"),
    DemoCustomer("mihai", "Mihai Ionescu", "mihai.ionescu@example.ro", "0733456789", "Bd. Eroilor 8", "Cluj-Napoca",
                 "CJ", "400129"),
    DemoCustomer("elena", "Elena Dumitrescu", "elena.dumitrescu@example.ro", "0744123456", "Calea Victoriei 120",
                 "București", "B", "010093"),
    DemoCustomer("andrei", "Andrei Georgescu", "andrei.georgescu@example.ro", "0755987654", "Str. Lăpușneanu 15",
                 "Iași", "IS", "700057"),
    DemoCustomer("ioana", "Ioana Stan", "ioana.stan@example.ro", "0766555444", "Bd. Revoluției din 1989 nr. 4",
                 "Timișoara", "TM", "300054"),
    DemoCustomer("radu", "Radu Constantinescu", "radu.c@example.ro", "0721333999", "Bd. Tomis 201", "Constanța", "CT",
                 "900407"),
    DemoCustomer("maria", "Maria Munteanu", "maria.munteanu@example.ro", "0745222111", "Str. Nicolae Bălcescu 22",
                 "Sibiu", "SB", "550159"),
    # No street number: the order on hold for an incomplete address.
    DemoCustomer("cristina", "Cristina Marin", "cristina.marin@example.ro", "0723000111", "Str. Mureșenilor",
                 "Brașov", "BV", "500030"),
    DemoCustomer("vlad", "Vlad Petrescu", "vlad.petrescu@example.ro", "0734777888", "Str. Independenței 10",
                 "Ploiești", "PH", "100028"),
    DemoCustomer("alex", "Alexandru Stoica", "alex.stoica@example.ro", "0752444555", "Str. Avram Iancu 5", "Oradea",
                 "BH", "410095"),
    DemoCustomer("pos", "Client ocazional showroom", None, None, "Str. Zizinului 110", "Brașov", "BV", "500407"),
    DemoCustomer("carpati", "Carpați Distribuție SRL", "achizitii@carpati-distributie.ro", "0268400100",
                 "Str. Hărmanului 51", "Brașov", "BV", "500232", "b2b", "RO18547290"),
    DemoCustomer("birotica", "Birotica Expert SRL", "office@birotica-expert.ro", "0213101010",
                 "Șos. Pantelimon 300", "București", "B", "021654", "b2b", "RO14452308"),
    DemoCustomer("transilvania", "Retail Transilvania SA", "edi@retail-transilvania.ro", "0264500500",
                 "Calea Turzii 178", "Cluj-Napoca", "CJ", "400495", "b2b", "RO30547213", ean13("594000000001")),
)

B2B_CUSTOMERS = ("carpati", "birotica", "transilvania")


@dataclass(frozen=True)
class DemoOrder:
    """An order and the actions taken on it so far; the use cases decide where it ends up."""

    channel: str
    customer: str
    lines: tuple[tuple[str, int], ...]
    steps: tuple[str, ...] = ()  # actions; "hold:<reason>" carries the reason after the colon
    age_h: float = 1.0
    payment: str = "cash_on_delivery"
    ref: str | None = None
    promised_in_days: int | None = None


D = DemoOrder
ORDERS = (
    D("woocommerce", "ana", (("TRC-BUMB-ALB-M", 2), ("CAFEA-BOABE-1KG", 1)), (), 1, "cod", "10231"),
    D("woocommerce", "mihai", (("ESP-AUTO-PRO", 1),), (), 6, "stripe", "10232"),
    D("woocommerce", "elena", (("MIERE-SALC-500", 3), ("CEAI-MUNTE-20", 4)), ("process",), 3, "cod", "10233"),
    D("woocommerce", "andrei", (("CAST-BT-X2", 1),), ("process", "confirm"), 30, "stripe", "10228"),
    D("woocommerce", "ioana", (("SET-OALE-INOX-8", 1),), ("process", "confirm"), 50, "cod", "10225"),
    D("woocommerce", "radu", (("HAN-POLAR-GRI-XL", 1), ("TRC-BUMB-NEG-L", 1)), ("request-payment",), 20, "bacs",
      "10229"),
    D("woocommerce", "maria", (("FIER-CALC-2400", 1),), ("request-payment", "mark-paid:OP 4471"), 26, "bacs",
      "10227"),
    D("woocommerce", "ana", (("CARTE-RETETE-RO", 2),), ("cancel:Clientul a renunțat la comandă",), 70, "cod",
      "10220"),
    D("woocommerce", "cristina", (("GEC-IARNA-BLM-L", 1),),
      ("process", "hold:Adresă incompletă: lipsește numărul străzii"), 100, "cod", "10215"),
    D("woocommerce", "alex", (("CAFEA-BOABE-1KG", 2),), ("process", "confirm", "cancel:Produs deteriorat în depozit"),
      65, "paypal", "10218"),
    D("shopify", "vlad", (("LAPT-14-I5", 1),), (), 2, "shopify_payments", "5801234567001"),
    D("shopify", "alex", (("MON-27-QHD", 1), ("CAST-BT-X2", 1)), ("process", "confirm"), 24, "shopify_payments",
      "5801234567002"),
    D("shopify", "elena", (("ASP-ROBOT-S7", 1),), ("request-payment",), 10, "manual", "5801234567003"),
    D("shopify", "mihai", (("SCAUN-ERGO", 1),), ("process", "hold:Plata cu cardul este în verificare antifraudă"),
      80, "shopify_payments", "5801234567004"),
    D("shopify", "ana", (("ULEI-MASL-750", 2), ("MIERE-SALC-500", 1)), ("process",), 5, "cash_on_delivery",
      "5801234567005"),
    D("b2b_portal", "carpati", (("LAPT-14-I5", 4),), (), 8, "bank_transfer", "B2B-2026-0041"),
    D("b2b_portal", "birotica", (("MON-27-QHD", 10),), ("process",), 28, "bank_transfer", "B2B-2026-0038"),
    D("b2b_portal", "carpati", (("SCAUN-ERGO", 15),), ("approve", "confirm"), 48, "bank_transfer", "B2B-2026-0033"),
    D("b2b_portal", "birotica", (("ESP-AUTO-PRO", 8),), ("reject:Limita de credit a clientului este depășită",), 60,
      "bank_transfer", "B2B-2026-0030"),
    D("b2b_portal", "birotica", (("CAST-BT-X2", 10), ("FIER-CALC-2400", 5)), ("process", "confirm"), 35,
      "bank_transfer", "B2B-2026-0035"),
    D("b2b_portal", "carpati", (("LAPT-14-I5", 3), ("MON-27-QHD", 3)), (), 30, "bank_transfer", "B2B-2026-0036"),
    D("edi", "transilvania", (("CAFEA-BOABE-1KG", 50), ("CEAI-MUNTE-20", 100)), ("process", "confirm"), 20,
      "bank_transfer", "PO-778812"),
    D("edi", "transilvania", (("APA-MIN-6X2L", 200), ("MIERE-SALC-500", 40)), (), 4.5, "bank_transfer", "PO-778815"),
    D("edi", "transilvania", (("SET-OALE-INOX-8", 5),), ("confirm",), 40, "bank_transfer", "PO-778790"),
    D("api", "elena", (("TRC-BUMB-NEG-L", 3),), ("process", "confirm"), 12, "cod", "ERP-10023"),
    D("api", "mihai", (("CARTE-ISTORIE-BV", 1), ("MANUAL-MATE-V", 2)), (), 0.5, "cod", "ERP-10031"),
    D("manual", "radu", (("HAN-POLAR-GRI-XL", 2),), ("process", "confirm", "hold:Clientul a cerut amânarea livrării"),
      90, "cash_on_delivery"),
    D("manual", "maria", (("ESP-AUTO-PRO", 1),), ("request-payment",), 15, "bank_transfer"),
    # POS sales are paid (with a cash receipt) when they are made.
    D("pos", "pos", (("CAFEA-BOABE-1KG", 1), ("CARTE-ISTORIE-BV", 1)), ("confirm",), 9, "card"),
    D("pos", "ioana", (("ASP-ROBOT-S7", 1),), (), 6, "cash"),
    D("preorder", "vlad", (("LAPT-14-I5", 1),), (), 18, "card", promised_in_days=21),
    D("preorder", "andrei", (("SET-OALE-INOX-8", 2),), ("confirm",), 3, "card", promised_in_days=30),
    D("sales", "birotica", (("SCAUN-ERGO", 4),), ("process",), 7, "bank_transfer"),
    D("sales", "carpati", (("CAFEA-BOABE-1KG", 10),), ("cancel:Comandă duplicată",), 55, "bank_transfer"),
    D("sales", "birotica", (("MON-27-QHD", 2),), ("request-payment", "mark-paid:OP 1187", "confirm"), 45,
      "bank_transfer"),
)

# Who takes each action in the story (approval needs the rule's role, payments are booked by finance).
ACTION_BY = {"approve": "manager@oms.local", "reject": "manager@oms.local", "mark-paid": "finance@oms.local"}
DEFAULT_ACTOR = "operator@oms.local"
