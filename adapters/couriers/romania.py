"""What every Romanian courier's address nomenclature shares: county names by the ISO 3166-2:RO code our
addresses carry, spelled without diacritics as Cargus', FAN Courier's and Innoship's nomenclatures write them."""

from __future__ import annotations

import unicodedata

COUNTY_NAMES: dict[str, str] = {
    "AB": "Alba", "AR": "Arad", "AG": "Arges", "BC": "Bacau", "BH": "Bihor", "BN": "Bistrita-Nasaud",
    "BT": "Botosani", "BR": "Braila", "BV": "Brasov", "B": "Bucuresti", "BZ": "Buzau", "CL": "Calarasi",
    "CS": "Caras-Severin", "CJ": "Cluj", "CT": "Constanta", "CV": "Covasna", "DB": "Dambovita", "DJ": "Dolj",
    "GL": "Galati", "GR": "Giurgiu", "GJ": "Gorj", "HR": "Harghita", "HD": "Hunedoara", "IL": "Ialomita",
    "IS": "Iasi", "IF": "Ilfov", "MM": "Maramures", "MH": "Mehedinti", "MS": "Mures", "NT": "Neamt", "OT": "Olt",
    "PH": "Prahova", "SJ": "Salaj", "SM": "Satu Mare", "SB": "Sibiu", "SV": "Suceava", "TR": "Teleorman",
    "TM": "Timis", "TL": "Tulcea", "VL": "Valcea", "VS": "Vaslui", "VN": "Vrancea",
}


def plain(text: str) -> str:
    """Without diacritics (ș/ş, ț/ţ, ă, â, î): how the couriers' nomenclatures spell places."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def county_name(county: str) -> str:
    """A county code ("BV", "B") -> its name; a name already given passes through without diacritics."""
    return COUNTY_NAMES.get(county.strip().upper()) or plain(county.strip())
