"""The landing-zone sources: one entry per folder of ../shared/CONTRACT.md, section 1.

This registry is the one place that says how a source's files are read. The dbt
sources (models/staging/*/_*__sources.yml) name the same raw tables, and a test
checks the two lists agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FileFormat(str, Enum):
    CSV = "csv"  # header row, RFC 4180 quoting: one record per data row
    NDJSON = "ndjson"  # one JSON object per non-blank line
    JSON_PAGES = "json_pages"  # one JSON document per file, records in an array


@dataclass(frozen=True)
class LandingSource:
    name: str
    file_format: FileFormat
    description: str
    # For JSON_PAGES: the key of the array that holds the records.
    records_key: str | None = None

    @property
    def raw_table(self) -> str:
        return self.name


SOURCES: tuple[LandingSource, ...] = (
    LandingSource("subscribers", FileFormat.CSV, "SMS platform subscriber export"),
    LandingSource("campaigns", FileFormat.CSV, "SMS platform campaign variants"),
    LandingSource("sends", FileFormat.CSV, "SMS platform send log"),
    LandingSource(
        "twilio_messages",
        FileFormat.JSON_PAGES,
        "Twilio Messages list resource pages",
        records_key="messages",
    ),
    LandingSource("twilio_status", FileFormat.NDJSON, "Twilio status callbacks"),
    LandingSource("links", FileFormat.CSV, "Short-link registry"),
    LandingSource("clicks", FileFormat.NDJSON, "Redirect-server request log"),
    LandingSource("ga4", FileFormat.NDJSON, "GA4 BigQuery export rows"),
    LandingSource(
        "hubspot_contacts",
        FileFormat.JSON_PAGES,
        "HubSpot CRM v3 contact list pages",
        records_key="results",
    ),
    LandingSource(
        "hubspot_deals",
        FileFormat.JSON_PAGES,
        "HubSpot CRM v3 deal list pages",
        records_key="results",
    ),
    LandingSource("shopify_orders", FileFormat.NDJSON, "Shopify webhook deliveries"),
    LandingSource("postbacks", FileFormat.NDJSON, "Server-to-server postback requests"),
    LandingSource("affiliate_reports", FileFormat.CSV, "Affiliate network conversion reports"),
    LandingSource("coupons", FileFormat.CSV, "Unique coupon codes"),
    LandingSource("pos_redemptions", FileFormat.CSV, "In-store POS redemptions"),
    LandingSource("holdouts", FileFormat.CSV, "Control-group assignments"),
    LandingSource("spend", FileFormat.CSV, "Daily cost lines per channel"),
    LandingSource("fx_rates", FileFormat.CSV, "Daily currency rates to USD"),
)

SOURCES_BY_NAME: dict[str, LandingSource] = {s.name: s for s in SOURCES}

# The table in the raw schema where the loader records every file it has seen.
MANIFEST_TABLE = "loaded_files"
RAW_SCHEMA = "raw"
