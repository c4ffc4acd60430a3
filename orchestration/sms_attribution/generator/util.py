"""Small vectorised helpers: seeded RNGs, bijective id scrambling, time formatting."""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

SEC = 1_000_000
MIN = 60 * SEC
HOUR = 3600 * SEC
DAY = 86_400 * SEC

_MASK64 = (1 << 64) - 1
BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
# Coupon alphabet: no 0/O/1/I, as printed codes avoid them.
COUPON32 = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", np.uint8)


def rng_for(seed: int, name: str) -> np.random.Generator:
    """An independent generator per component, so one component's draws never
    shift another's."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _salt(salt: int, k: int) -> np.uint64:
    return np.uint64((salt * 0x9E3779B97F4A7C15 + k * 0xD1B54A32D192ED03 + 0x632BE59BD9B4E019) & _MASK64)


def mix64(x: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64 finaliser: a bijection on uint64, so distinct inputs stay distinct."""
    z = np.asarray(x).astype(np.uint64) + _salt(salt, 1)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def permute_bits(x: np.ndarray, bits: int, salt: int) -> np.ndarray:
    """A bijection on [0, 2**bits): xor, odd multiplications and xorshifts, all mod 2**bits."""
    m = np.uint64((1 << bits) - 1)
    z = (np.asarray(x).astype(np.uint64) ^ (_salt(salt, 2) & m)) & m
    for k, shift in ((3, bits // 2), (4, bits // 3 + 1), (5, bits // 2 + 1)):
        odd = np.uint64((int(_salt(salt, k)) | 1) & int(m))
        z = (z * odd) & m
        z = z ^ (z >> np.uint64(shift))
    return z


def encode(values: np.ndarray, alphabet: np.ndarray, width: int) -> np.ndarray:
    """Fixed-width base-N encoding of uint64 values, as a numpy bytes array (dtype S<width>)."""
    v = np.asarray(values).astype(np.uint64).copy()
    base = np.uint64(len(alphabet))
    out = np.empty((len(v), width), np.uint8)
    for i in range(width - 1, -1, -1):
        out[:, i] = alphabet[(v % base).astype(np.int64)]
        v //= base
    return out.view(f"S{width}").ravel()


def hex64(values: np.ndarray) -> np.ndarray:
    return encode(values, HEX, 16)


def cat(*parts) -> np.ndarray:
    """Concatenate bytes arrays / bytes scalars element-wise."""
    out = parts[0]
    for p in parts[1:]:
        out = np.strings.add(out, p)
    return out


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal of non-negative integers as bytes."""
    if np.size(values) == 0:
        return np.empty(0, f"S{width}")
    return np.strings.zfill(np.asarray(values).astype(np.int64).astype("S20"), width)


def arrow_str(values) -> pa.Array:
    """numpy bytes array (or list) to an arrow string array; None stays null."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "S":
        return pa.array(values).cast(pa.string())
    return pa.array(values, pa.string())


def masked_str(values: np.ndarray, mask: np.ndarray) -> pa.Array:
    """String array that is null where mask is False."""
    arr = arrow_str(values)
    return pa.compute.if_else(pa.array(mask), arr, pa.scalar(None, pa.string()))


def gather(arr: np.ndarray, idx: np.ndarray, default) -> np.ndarray:
    """arr[idx] where idx >= 0, else default (also when arr is empty)."""
    idx = np.asarray(idx)
    if len(arr) == 0:
        return np.full(idx.shape, default, dtype=arr.dtype)
    return np.where(idx >= 0, arr[np.maximum(idx, 0)], default)


def choice_exact(rng: np.random.Generator, n: int, rate: float, minimum: int = 0,
                 maximum: int | None = None) -> np.ndarray:
    """Indices of exactly max(minimum, round(rate*n)) distinct items out of n (bounded by n),
    sorted. Used for dirt counts that must exist at every scale."""
    k = max(minimum, int(round(rate * n)))
    if maximum is not None:
        k = min(k, maximum)
    k = min(k, n)
    if k <= 0:
        return np.empty(0, np.int64)
    return np.sort(rng.choice(n, size=k, replace=False))


def lognormal_us(rng: np.random.Generator, n: int, median_s: float, sigma: float,
                 cap_s: float | None = None) -> np.ndarray:
    s = rng.lognormal(np.log(median_s), sigma, n)
    if cap_s is not None:
        s = np.minimum(s, cap_s)
    return (s * SEC).astype(np.int64)


def epoch_us(d: date | datetime) -> int:
    if isinstance(d, datetime):
        dt = d if d.tzinfo else d.replace(tzinfo=UTC)
    else:
        dt = datetime(d.year, d.month, d.day, tzinfo=UTC)
    return int(dt.timestamp()) * SEC + dt.microsecond


def iso_z(us: np.ndarray, unit: str = "s") -> np.ndarray:
    """ISO 8601 UTC with Z: unit 's' -> 2026-10-01T12:00:00Z, 'ms' -> ...:00.123Z."""
    s = np.datetime_as_string(np.asarray(us, np.int64).astype("datetime64[us]"), unit=unit)
    return np.strings.add(s.astype("S"), b"Z")


def iso_offset(us: np.ndarray, offset_min: np.ndarray, unit: str = "s") -> np.ndarray:
    """Local wall time with its numeric offset: 2026-11-03T10:20:00-05:00."""
    us = np.asarray(us, np.int64)
    off = np.asarray(offset_min, np.int64)
    local = us + off * MIN
    s = np.datetime_as_string(local.astype("datetime64[us]"), unit=unit).astype("S")
    sign = np.where(off < 0, b"-", b"+")
    a = np.abs(off)
    return cat(s, sign, digits(a // 60, 2), b":", digits(a % 60, 2))


def day_index(us: np.ndarray, start_us: int) -> np.ndarray:
    return (np.asarray(us, np.int64) - start_us) // DAY


class TzTable:
    """UTC offset (minutes) of a list of IANA zones, looked up per hour, vectorised."""

    def __init__(self, zones: list[str], first_us: int, last_us: int):
        self.zones = zones
        self.h0 = first_us // HOUR
        n_hours = int(last_us // HOUR - self.h0 + 2)
        self.table = np.zeros((len(zones), n_hours), np.int16)
        for z, name in enumerate(zones):
            self.table[z] = _offsets(name, int(self.h0), n_hours)

    def offset(self, zone_idx: np.ndarray | int, us: np.ndarray | int) -> np.ndarray:
        h = np.clip(np.asarray(us, np.int64) // HOUR - self.h0, 0, self.table.shape[1] - 1)
        return self.table[np.asarray(zone_idx), h]


@lru_cache(maxsize=64)
def _offsets_cached(name: str, h0: int, n: int) -> bytes:
    tz = ZoneInfo(name)
    out = np.zeros(n, np.int16)
    # offsets only change at transitions: sample every hour (cheap: ~1k hours per zone)
    base = datetime(1970, 1, 1, tzinfo=UTC)
    for i in range(n):
        dt = base + timedelta(hours=h0 + i)
        out[i] = int(dt.astimezone(tz).utcoffset().total_seconds() // 60)
    return out.tobytes()


def _offsets(name: str, h0: int, n: int) -> np.ndarray:
    return np.frombuffer(_offsets_cached(name, h0, n), np.int16)


def money(cents: np.ndarray) -> np.ndarray:
    """Integer cents to '129.00' bytes (non-negative)."""
    c = np.asarray(cents, np.int64)
    return cat(np.abs(c // 100).astype("S20"), b".", digits(np.abs(c) % 100, 2))


def money_str(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    c = abs(int(cents))
    return f"{sign}{c // 100}.{c % 100:02d}"
