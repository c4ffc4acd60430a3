"""Which network an IP address belongs to: published datacenter and security
gateway ranges (the dbt seed `seeds.datacenter_ip_ranges`, read from the warehouse
where dbt built it from seeds/datacenter_ip_ranges.csv), matched in DuckDB.

DuckDB's `inet` extension is downloaded on first use, which this project cannot
rely on, so addresses are matched in plain SQL: an IPv4 address as a 32-bit
integer against each range's first and last address; an IPv6 address written
out as 32 hex digits against each range's leading hex digits (ranges whose
prefix length is not a multiple of 4 are split into the nibble-aligned ranges
that cover them). The most specific range wins. Addresses outside every range
are labelled by their /24 (IPv4) or /48 (IPv6) prefix, so reports can group
sources without naming a household's address.
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from .. import settings

IP_RANGES_TABLE = "datacenter_ip_ranges"  # the dbt seed, built into schema `seeds`
IP_RANGES_SEED = settings.PROJECT_DIR / "seeds" / f"{IP_RANGES_TABLE}.csv"
KINDS = ("security_gateway", "platform", "cloud")


@dataclass(frozen=True)
class IpRange:
    cidr: str
    provider: str
    kind: str
    source_url: str


def load_ip_ranges(path: Path = IP_RANGES_SEED) -> list[IpRange]:
    """The seed's rows from its CSV file (tests; the scorer reads the built seed
    table, `ip_ranges_from_warehouse`)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return _checked_ranges([IpRange(**row) for row in csv.DictReader(handle)], path.name)


def ip_ranges_from_warehouse(conn: duckdb.DuckDBPyConnection, seeds_schema: str = "seeds") -> list[IpRange]:
    """The dbt seed `datacenter_ip_ranges` as built in the warehouse."""
    rows = conn.execute(f"""
        select cidr, provider, kind, source_url from {seeds_schema}.{IP_RANGES_TABLE}
    """).fetchall()
    return _checked_ranges([IpRange(*(str(v) for v in row)) for row in rows],
                           f"{seeds_schema}.{IP_RANGES_TABLE}")


def _checked_ranges(ranges: list[IpRange], where: str) -> list[IpRange]:
    for r in ranges:
        ipaddress.ip_network(r.cidr, strict=True)  # a typo in the seed fails loudly
        if r.kind not in KINDS:
            raise ValueError(f"{where}: {r.cidr} has unknown kind {r.kind!r}")
    return ranges


def register_ip_ranges(conn: duckdb.DuckDBPyConnection, ranges: list[IpRange]) -> None:
    """Temp tables `_ipv4_ranges(first_ip, last_ip, prefix_length, provider, kind)` and
    `_ipv6_ranges(hex_prefix, nibbles, prefix_length, provider, kind)`."""
    v4 = {"first_ip": [], "last_ip": [], "prefix_length": [], "provider": [], "kind": []}
    v6 = {"hex_prefix": [], "nibbles": [], "prefix_length": [], "provider": [], "kind": []}
    for r in ranges:
        network = ipaddress.ip_network(r.cidr)
        if network.version == 4:
            v4["first_ip"].append(int(network.network_address))
            v4["last_ip"].append(int(network.broadcast_address))
            v4["prefix_length"].append(network.prefixlen)
            v4["provider"].append(r.provider)
            v4["kind"].append(r.kind)
            continue
        aligned = -(-network.prefixlen // 4) * 4
        for subnet in network.subnets(new_prefix=aligned):
            v6["hex_prefix"].append(subnet.network_address.exploded.replace(":", "")[: aligned // 4])
            v6["nibbles"].append(aligned // 4)
            v6["prefix_length"].append(network.prefixlen)
            v6["provider"].append(r.provider)
            v6["kind"].append(r.kind)
    conn.register("_ipv4_ranges_arrow", pa.table(v4, schema=pa.schema([
        ("first_ip", pa.int64()), ("last_ip", pa.int64()), ("prefix_length", pa.int32()),
        ("provider", pa.string()), ("kind", pa.string())])))
    conn.register("_ipv6_ranges_arrow", pa.table(v6, schema=pa.schema([
        ("hex_prefix", pa.string()), ("nibbles", pa.int32()), ("prefix_length", pa.int32()),
        ("provider", pa.string()), ("kind", pa.string())])))
    conn.execute("create or replace temp table _ipv4_ranges as select * from _ipv4_ranges_arrow")
    conn.execute("create or replace temp table _ipv6_ranges as select * from _ipv6_ranges_arrow")
    conn.unregister("_ipv4_ranges_arrow")
    conn.unregister("_ipv6_ranges_arrow")


def classify_ip_addresses(conn: duckdb.DuckDBPyConnection, source_sql: str) -> None:
    """Temp table `_ip_networks(ip_address, provider, network_kind, ip_network)`, one row
    per distinct non-null address of `source_sql` (a query with an ip_address column)."""
    conn.execute(f"""
        create or replace temp table _ip_networks as
        with addresses as (
            select distinct trim(ip_address) as ip_address
            from ({source_sql})
            where ip_address is not null and trim(ip_address) <> ''
        ),

        parsed as (
            select
                ip_address,
                regexp_full_match(ip_address, '(\\d{{1,3}})\\.(\\d{{1,3}})\\.(\\d{{1,3}})\\.(\\d{{1,3}})') as is_ipv4,
                ip_address like '%:%' as is_ipv6
            from addresses
        ),

        ipv4 as (
            select
                ip_address,
                list_reduce(
                    list_transform(string_split(ip_address, '.'), o -> try_cast(o as bigint)),
                    (acc, o) -> acc * 256 + o
                ) as ip_int
            from parsed
            where is_ipv4
        ),

        ipv4_matched as (
            select
                ipv4.ip_address,
                arg_min(ranges.provider, -ranges.prefix_length) as provider,
                arg_min(ranges.kind, -ranges.prefix_length) as network_kind
            from ipv4
            inner join _ipv4_ranges as ranges
                on ipv4.ip_int between ranges.first_ip and ranges.last_ip
            group by 1
        ),

        ipv6_split as (
            select
                ip_address,
                lower(split_part(ip_address, '%', 1)) as bare,
                lower(split_part(ip_address, '%', 1)) like '%::%' as has_gap
            from parsed
            where is_ipv6 and not is_ipv4
        ),

        ipv6_groups as (
            select
                ip_address,
                list_filter(string_split(case when has_gap then split_part(bare, '::', 1) else bare end, ':'), g -> g <> '') as head,
                list_filter(string_split(case when has_gap then split_part(bare, '::', 2) else '' end, ':'), g -> g <> '') as tail
            from ipv6_split
        ),

        ipv6 as (
            select
                ip_address,
                array_to_string(
                    list_transform(
                        list_concat(head, list_transform(range(greatest(8 - len(head) - len(tail), 0)), x -> '0'), tail),
                        g -> lpad(g, 4, '0')
                    ),
                    ''
                ) as hex
            from ipv6_groups
        ),

        ipv6_matched as (
            select
                ipv6.ip_address,
                arg_min(ranges.provider, -ranges.prefix_length) as provider,
                arg_min(ranges.kind, -ranges.prefix_length) as network_kind
            from ipv6
            inner join _ipv6_ranges as ranges
                on left(ipv6.hex, ranges.nibbles) = ranges.hex_prefix
            group by 1
        ),

        matched as (
            select * from ipv4_matched
            union all
            select * from ipv6_matched
        )

        select
            parsed.ip_address,
            matched.provider,
            matched.network_kind,
            case
                when matched.provider is not null then matched.provider
                when parsed.is_ipv4 then concat(
                    array_to_string(string_split(parsed.ip_address, '.')[1:3], '.'), '.0/24'
                )
                when parsed.is_ipv6 then concat(
                    array_to_string(ipv6.hex_groups[1:3], ':'), '::/48'
                )
            end as ip_network
        from parsed
        left join matched
            on parsed.ip_address = matched.ip_address
        left join (
            select
                ip_address,
                [substr(hex, 1, 4), substr(hex, 5, 4), substr(hex, 9, 4)] as hex_groups
            from ipv6
        ) as ipv6
            on parsed.ip_address = ipv6.ip_address
    """)
