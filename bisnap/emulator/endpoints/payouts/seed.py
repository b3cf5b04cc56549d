"""The payouts family's seed data: the banks, routes and beneficiaries every new emulator knows."""

from __future__ import annotations

from bisnap.models.payouts import AGGREGATOR_ACCOUNT_NO

__all__ = [
    "AGGREGATOR_ACCOUNT",
    "BANK_NAMES",
    "BI_FAST_BANKS",
    "EWALLET_PROVIDERS",
    "INTRABANK_BANKS",
    "SEED_BANK_ACCOUNTS",
    "SEED_EWALLETS",
    "SEED_VIRTUAL_ACCOUNTS",
    "VA_BANKS",
]

AGGREGATOR_ACCOUNT = AGGREGATOR_ACCOUNT_NO
"""The facilitator source account every merchant may debit."""
BANK_NAMES: dict[str, str] = {
    "002": "PT. BANK RAKYAT INDONESIA (PERSERO) TBK.",
    "008": "PT. BANK MANDIRI (PERSERO) TBK.",
    "009": "PT. BANK NEGARA INDONESIA (PERSERO) TBK.",
    "011": "PT. BANK DANAMON INDONESIA TBK.",
    "013": "PT. BANK PERMATA TBK.",
    "014": "PT. BANK CENTRAL ASIA TBK.",
    "022": "PT. BANK CIMB NIAGA TBK.",
    "542": "PT. BANK JAGO TBK.",
    "200": "PT. BANK TABUNGAN NEGARA (PERSERO) TBK.",
    "426": "PT. BANK MEGA TBK.",
    "451": "PT. BANK SYARIAH INDONESIA TBK.",
}
"""Banks the emulator knows, by 3-digit BI bank code."""
INTRABANK_BANKS = frozenset({"014", "002", "009", "008", "022", "011", "013", "542"})
BI_FAST_BANKS = frozenset({"200", "426", "451"})
"""The emulator's interbank banks that take BI Fast (up to 250.000.000 a transfer); any other
interbank bank goes the Online Transfer route (up to 50.000.000). Change a book's
``bi_fast_banks`` to simulate a bank without BI Fast."""
VA_BANKS = frozenset({"013", "022", "002"})
"""Permata, CIMB, BRI: the banks "Payment to VA from Intra Bank" serves."""
EWALLET_PROVIDERS = ("gopay",)
"""The e-money provider list is GoPay alone (addendum B)."""
"""The e-money provider list was not captured (spec §10 item 23); these stand in for it."""

SEED_BANK_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("014", "1234567890", "BUDI SANTOSO", "active"),
    ("008", "1122334455", "SITI AMINAH", "active"),
    ("022", "8001234567", "ANDI WIJAYA", "active"),
    ("451", "7001234567", "DEWI LESTARI", "active"),
    ("426", "0102030405", "RINA MARLINA", "active"),
    ("014", "9999999909", "DORMANT ACCOUNT", "dormant"),
    ("014", "9999999918", "CLOSED ACCOUNT", "closed"),
)
"""``(bank code, account number, name, status)`` present in every new emulator."""
SEED_VIRTUAL_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("013", "8528123456789012", "TOKO MAJU JAYA", "150000.00"),
    ("002", "1234500001112222", "PLN PREPAID", None),
)
"""``(bank code, VA number, name, fixed amount or None)``."""
SEED_EWALLETS: tuple[tuple[str, str, str], ...] = (("gopay", "081234567890", "JOKO WIDODO"),)
"""``(provider, customer number, name)``."""
