"""Tests of the sample-data generator (sms_attribution.generator).

Every expectation here is derived from the landing-zone contract or from an
independent reading of the written files, never copied from a generator run."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "orchestration"))

from sms_attribution.generator import SOURCES, generate  # noqa: E402

# the documented columns / keys of each source (docs/landing_zone.md, CONTRACT.md section 1)
CSV_HEADERS = {
    "subscribers": ["subscriber_id", "phone", "email", "timezone", "opted_in_at", "opted_out_at", "labels"],
    "campaigns": ["campaign_id", "campaign_name", "variant_id", "variant_name", "segment", "utm_campaign",
                  "utm_content", "scheduled_at", "is_journey"],
    "sends": ["send_id", "campaign_id", "variant_id", "subscriber_id", "message_sid", "short_code", "queued_at"],
    "links": ["short_code", "destination_url", "campaign_id", "variant_id", "subscriber_id", "created_at",
              "expires_at", "fallback_url"],
    "affiliate_reports": ["transaction_id", "click_id", "offer_id", "event", "payout", "revenue", "currency",
                          "status", "conversion_unix_timestamp"],
    "coupons": ["code", "subscriber_id", "campaign_id", "issued_at"],
    "pos_redemptions": ["store_id", "code", "order_ref", "amount", "currency", "redeemed_at"],
    "holdouts": ["campaign_id", "subscriber_id", "group"],
    "spend": ["date", "channel", "platform", "campaign", "cost", "currency"],
    "fx_rates": ["date", "currency", "rate_to_usd"],
}
NDJSON_KEYS = {
    "twilio_status": {"MessageSid", "MessageStatus", "ErrorCode", "To", "From", "AccountSid", "ApiVersion",
                      "received_at"},
    "clicks": {"request_id", "click_id", "short_code", "requested_at", "method", "status", "ip", "user_agent",
               "referer", "accept_language", "sec_purpose", "location"},
    "ga4": {"event_date", "event_timestamp", "event_name", "event_params", "user_pseudo_id", "user_id", "device",
            "geo", "collected_traffic_source", "ecommerce"},
    "shopify_orders": {"headers", "body"},
    "postbacks": {"received_at", "method", "path", "query", "remote_addr", "user_agent"},
}
PAGE_KEYS = {
    "twilio_messages": ("messages", {"sid", "to", "from", "status", "num_segments", "price", "price_unit",
                                     "error_code", "date_created", "date_sent", "date_updated"}),
    "hubspot_contacts": ("results", {"id", "properties", "updatedAt", "archived"}),
    "hubspot_deals": ("results", {"id", "properties", "updatedAt", "archived", "associations"}),
}
CSV_SOURCES, NDJSON_SOURCES, PAGE_SOURCES = set(CSV_HEADERS), set(NDJSON_KEYS), set(PAGE_KEYS)


# ----------------------------------------------------------------------------- helpers

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


def load_manifest(truth: Path) -> dict:
    return json.loads((truth / "manifest.json").read_text())


def roles(manifest: dict) -> dict[str, str]:
    return {f["path"]: f["role"] for f in manifest["files"]}


def data_files(landing: Path, manifest: dict, source: str) -> list[Path]:
    """The source's files minus the re-delivered copies and partial pages, as the manifest lists them."""
    r = roles(manifest)
    out = []
    for p in sorted((landing / source).rglob("*")):
        if p.is_file() and r.get(p.relative_to(landing).as_posix(), "data") == "data":
            out.append(p)
    return out


def csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, [row for row in reader if row]


def good_csv_records(landing: Path, manifest: dict, source: str) -> list[dict]:
    out = []
    for p in data_files(landing, manifest, source):
        header, rows = csv_rows(p)
        out += [dict(zip(header, r)) for r in rows if len(r) == len(header)]
    return out


def ndjson_records(landing: Path, manifest: dict, source: str) -> list[dict]:
    out = []
    for p in data_files(landing, manifest, source):
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return out


def page_records(landing: Path, manifest: dict, source: str) -> list[dict]:
    key = PAGE_KEYS[source][0]
    out = []
    for p in data_files(landing, manifest, source):
        out += json.loads(p.read_text(encoding="utf-8"))[key]
    return out


def count_malformed(path: Path, source: str) -> int:
    """Independent reading: CSV rows whose field count differs from the header's;
    NDJSON non-blank lines that are not JSON."""
    if source in CSV_SOURCES:
        header, rows = csv_rows(path)
        return sum(1 for r in rows if len(r) != len(header))
    bad = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            json.loads(line)
        except json.JSONDecodeError:
            bad += 1
    return bad


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path, dict]:
    base = tmp_path_factory.mktemp("tiny")
    summary = generate(base / "landing", base / "truth", subscribers=200, days=7, seed=7,
                       twilio_page_size=50)
    return base / "landing", base / "truth", summary


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> tuple[Path, Path, dict]:
    """Enough clicks for share-type assertions to be meaningful (a few seconds)."""
    base = tmp_path_factory.mktemp("medium")
    summary = generate(base / "landing", base / "truth", subscribers=4000, days=10, seed=11,
                       bot_share=0.4)
    return base / "landing", base / "truth", summary


# ----------------------------------------------------------------------------- determinism

def test_same_seed_gives_identical_files_and_other_seed_differs(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    c = tmp_path / "c"
    generate(a / "landing", a / "truth", subscribers=150, days=5, seed=3)
    generate(b / "landing", b / "truth", subscribers=150, days=5, seed=3)
    generate(c / "landing", c / "truth", subscribers=150, days=5, seed=4)
    ha, hb, hc = (tree_hashes(x) for x in (a, b, c))
    assert ha, "nothing written"
    assert ha == hb
    common = set(ha) & set(hc)
    assert sum(ha[k] != hc[k] for k in common) > len(common) // 2


def test_existing_landing_dir_is_not_silently_mixed(tmp_path):
    generate(tmp_path / "landing", tmp_path / "truth", subscribers=60, days=3, seed=1)
    with pytest.raises(FileExistsError):
        generate(tmp_path / "landing", tmp_path / "truth", subscribers=60, days=3, seed=2)
    generate(tmp_path / "landing", tmp_path / "truth", subscribers=60, days=3, seed=2, overwrite=True)


def test_end_date_sets_the_window(tmp_path):
    end = date(2027, 3, 15)
    generate(tmp_path / "landing", tmp_path / "truth", subscribers=80, days=4, seed=5, end_date=end)
    days = {p.name for src in SOURCES for p in (tmp_path / "landing" / src).iterdir()}
    assert max(days) == end.isoformat()
    assert min(days) >= date(2027, 3, 12).isoformat()
    for p in (tmp_path / "landing" / "clicks").rglob("*.ndjson"):
        assert p.parent.name <= end.isoformat()


@pytest.mark.parametrize("subscribers,days", [(1, 1), (10, 2), (40, 3)])
def test_degenerate_sizes_still_write_every_source_folder(tmp_path, subscribers, days):
    summary = generate(tmp_path / "landing", tmp_path / "truth", subscribers=subscribers, days=days, seed=9)
    assert summary["counts"]["subscribers"] == subscribers
    for source in SOURCES:
        assert (tmp_path / "landing" / source).is_dir(), source


def test_invalid_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path / "l", tmp_path / "t", subscribers=0)
    with pytest.raises(ValueError):
        generate(tmp_path / "l", tmp_path / "t", days=0)


def test_cli_runs_as_module(tmp_path):
    env = {"PYTHONPATH": str(ROOT / "orchestration")}
    out = subprocess.run(
        [sys.executable, "-m", "sms_attribution.generator", "--scale", "tiny", "--days", "3",
         "--subscribers", "50", "--out", str(tmp_path / "landing"), "--truth-dir", str(tmp_path / "truth")],
        capture_output=True, text=True, env=env, check=True)
    summary = json.loads(out.stdout)
    assert summary["parameters"]["subscribers"] == 50
    assert (tmp_path / "truth" / "manifest.json").exists()
    assert (tmp_path / "landing" / "sends").is_dir()


# ----------------------------------------------------------------------------- layout and formats

def test_every_source_has_day_folders_and_documented_fields(tiny):
    landing, truth, _ = tiny
    manifest = load_manifest(truth)
    for source in SOURCES:
        folder = landing / source
        assert folder.is_dir(), source
        files = data_files(landing, manifest, source)
        assert files, f"{source}: no files"
        for p in files:
            date.fromisoformat(p.parent.name)  # a delivery-day folder
            assert p.parent.parent == folder
        if source in CSV_SOURCES:
            for p in files:
                assert csv_rows(p)[0] == CSV_HEADERS[source], p
        elif source in NDJSON_SOURCES:
            recs = ndjson_records(landing, manifest, source)
            assert recs, source
            for r in recs:
                assert NDJSON_KEYS[source] <= set(r), (source, set(r) ^ NDJSON_KEYS[source])
        else:
            fields = PAGE_KEYS[source][1]
            recs = page_records(landing, manifest, source)
            assert recs, source
            for r in recs:
                assert fields <= set(r), (source, fields - set(r))


def test_value_formats(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    sends = good_csv_records(landing, m, "sends")
    assert all(re.fullmatch(r"SM[0-9a-f]{32}", s["message_sid"]) for s in sends)
    assert all(re.fullmatch(r"[A-Za-z0-9]{7}", s["short_code"]) for s in sends)
    msgs = page_records(landing, m, "twilio_messages")
    rfc2822 = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000")
    for msg in msgs:
        assert rfc2822.fullmatch(msg["date_created"])
        assert msg["price"] is None or re.fullmatch(r"-?0\.\d{5}", msg["price"])
        assert msg["num_segments"] in ("1", "2")
    for o in ndjson_records(landing, m, "shopify_orders"):
        body = o["body"]
        if o["headers"]["X-Shopify-Topic"] != "refunds/create":
            assert isinstance(body["total_price"], str)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", body["processed_at"])
    for c in page_records(landing, m, "hubspot_contacts"):
        assert all(v is None or isinstance(v, str) for v in c["properties"].values())
    for e in ndjson_records(landing, m, "ga4"):
        assert re.fullmatch(r"\d{8}", e["event_date"]) and isinstance(e["event_timestamp"], int)
    fx = good_csv_records(landing, m, "fx_rates")
    assert {r["currency"] for r in fx} >= {"USD", "EUR", "GBP", "CAD", "AUD"}
    assert all(r["rate_to_usd"] == "1" for r in fx if r["currency"] == "USD")


def test_files_are_capped(tmp_path):
    generate(tmp_path / "l", tmp_path / "t", subscribers=300, days=3, seed=2, max_records_per_file=40)
    m = load_manifest(tmp_path / "t")
    for f in m["files"]:
        if f["format"] != "json_pages":
            assert f["records"] <= 40, f


def test_twilio_pages_are_linked(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    by_day = defaultdict(list)
    for p in data_files(landing, m, "twilio_messages"):
        by_day[p.parent.name].append(json.loads(p.read_text()))
    for pages in by_day.values():
        pages.sort(key=lambda d: d["page"])
        assert [d["page"] for d in pages] == list(range(len(pages)))
        assert pages[-1]["next_page_uri"] is None
        for d in pages[:-1]:
            assert d["next_page_uri"] and len(d["messages"]) == d["page_size"]


# ----------------------------------------------------------------------------- dirt

def test_malformed_line_counts_match_an_independent_parse(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    r = roles(m)
    found = defaultdict(lambda: [0, 0])
    for source in CSV_SOURCES | NDJSON_SOURCES:
        for p in sorted((landing / source).rglob("*")):
            if p.is_file():
                role = r[p.relative_to(landing).as_posix()]
                found[source][0 if role == "data" else 1] += count_malformed(p, source)
    for source in CSV_SOURCES | NDJSON_SOURCES:
        stats = m["sources"][source]
        assert found[source][0] == stats["malformed_lines"], source
        assert found[source][0] == stats["dirt"].get("malformed_lines", 0), source
        assert found[source][1] == stats["malformed_lines_in_duplicate_files"], source
        assert stats["malformed_lines"] >= 3, f"{source}: a handful of malformed lines at every scale"


def test_malformed_lines_are_where_the_manifest_says(tiny):
    landing, truth, _ = tiny
    for f in load_manifest(truth)["files"]:
        if not f.get("malformed_lines"):
            continue
        lines = (landing / f["path"]).read_text(encoding="utf-8").split("\n")
        for item in f["malformed_lines"]:
            line = lines[item["line"] - 1]
            if f["format"] == "ndjson":
                with pytest.raises(json.JSONDecodeError):
                    json.loads(line)
            else:
                header = next(csv.reader([lines[0]]))
                assert len(next(csv.reader([line]))) != len(header)


def test_truncated_pages_do_not_parse_and_intact_pages_do(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    for source in PAGE_SOURCES:
        for p in sorted((landing / source).rglob("*.json")):
            role = roles(m)[p.relative_to(landing).as_posix()]
            if role == "truncated_page":
                with pytest.raises(json.JSONDecodeError):
                    json.loads(p.read_text())
            else:
                json.loads(p.read_text())
        assert m["sources"][source]["truncated_page_files"] == sum(
            1 for f in m["files"] if f["source"] == source and f["role"] == "truncated_page")


def test_duplicate_files_are_byte_identical(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    dups = [f for f in m["files"] if f["role"] == "duplicate"]
    assert dups
    for f in dups:
        assert f["path"] != f["original"]
        assert (landing / f["path"]).read_bytes() == (landing / f["original"]).read_bytes()
    # and, independently: every set of identical files is one original plus its listed copies
    by_hash = defaultdict(list)
    for p in landing.rglob("*"):
        if p.is_file():
            by_hash[sha256(p)].append(p.relative_to(landing).as_posix())
    listed = {f["path"] for f in dups}
    for paths in by_hash.values():
        if len(paths) > 1:
            assert len(set(paths) - listed) == 1, paths


def test_retries_and_out_of_order_callbacks_exist(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    hooks = ndjson_records(landing, m, "shopify_orders")
    ids = [h["headers"]["X-Shopify-Webhook-Id"] for h in hooks]
    assert len(ids) > len(set(ids)), "no webhook retry"
    topics = {h["headers"]["X-Shopify-Topic"] for h in hooks}
    assert topics == {"orders/paid", "orders/cancelled", "refunds/create"}
    queries = [pb["query"] for pb in ndjson_records(landing, m, "postbacks")]
    assert len(queries) > len(set(queries)), "no postback retry"
    assert any("network=brand" in q for q in queries) and any("network=brand" not in q for q in queries)
    cbs = ndjson_records(landing, m, "twilio_status")
    seen = defaultdict(dict)
    for cb in cbs:
        seen[cb["MessageSid"]].setdefault(cb["MessageStatus"], cb["received_at"])
    assert any("sent" in s and "delivered" in s and s["delivered"] < s["sent"] for s in seen.values())


def test_unknown_currency_and_fx(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    fx_currencies = {r["currency"] for r in good_csv_records(landing, m, "fx_rates")}
    used = {h["body"].get("currency") for h in ndjson_records(landing, m, "shopify_orders")}
    used |= {r["currency"] for r in good_csv_records(landing, m, "pos_redemptions")}
    used.discard(None)
    assert "XYZ" in used and "XYZ" not in fx_currencies
    assert used - {"XYZ"} <= fx_currencies


# ----------------------------------------------------------------------------- the world's logic

def test_every_click_location_carries_its_own_click_id(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    clicks = ndjson_records(landing, m, "clicks")
    assert clicks
    for c in clicks:
        if c["status"] == 404:
            assert c["location"] is None
            continue
        qs = parse_qs(urlsplit(c["location"]).query)
        assert qs["sms_click_id"] == [c["click_id"]], c


def test_links_resolve_and_sends_join(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    links = {r["short_code"]: r for r in good_csv_records(landing, m, "links")}
    sends = good_csv_records(landing, m, "sends")
    sids = {x["sid"] for x in page_records(landing, m, "twilio_messages")}
    for s in sends:
        assert s["message_sid"] in sids
        link = links[s["short_code"]]
        assert link["campaign_id"] == s["campaign_id"]
        assert link["subscriber_id"] in ("", s["subscriber_id"])
    shared = {code for code, link in links.items() if link["subscriber_id"] == ""}
    assert shared, "no shared link"
    assert sum(s["short_code"] in shared for s in sends) > len(shared), "shared links are used by several sends"
    for c in ndjson_records(landing, m, "clicks"):
        if c["status"] in (302, 410):
            link = links[c["short_code"]]
            expected = link["destination_url"] if c["status"] == 302 else link["fallback_url"]
            assert c["location"].startswith(expected)


def test_control_subscribers_receive_no_sends(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    groups = {(h["campaign_id"], h["subscriber_id"]): h["group"] for h in good_csv_records(landing, m, "holdouts")}
    assert "control" in groups.values() and "treatment" in groups.values()
    sends = good_csv_records(landing, m, "sends")
    assert sends
    for s in sends:
        assert groups[(s["campaign_id"], s["subscriber_id"])] == "treatment"


def test_true_lift_is_positive_and_consistent(tiny):
    _, truth, _ = tiny
    with (truth / "lift.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for r in rows:
        pt, pc, lift = float(r["p_treatment"]), float(r["p_control"]), float(r["true_lift"])
        assert pt > pc > 0
        assert lift > 0
        assert abs(lift - (pt / pc - 1)) < 1e-4


def test_lift_is_realised_at_scale(medium):
    """Pooled over campaigns, treatment members convert more often than control ones."""
    _, truth, _ = medium
    with (truth / "lift.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    nt = sum(int(r["n_treatment"]) for r in rows)
    nc = sum(int(r["n_control"]) for r in rows)
    kt = sum(int(r["treatment_conversions"]) for r in rows)
    kc = sum(int(r["control_conversions"]) for r in rows)
    assert nc / (nt + nc) == pytest.approx(0.10, abs=0.02)
    assert kt / nt > kc / nc


BOT_UA_MARKERS = ("facebookexternalhit", "WhatsApp/", "TelegramBot", "Slackbot", "HeadlessChrome",
                  "python-requests", "curl/", "Go-http-client", "Wget/", "axios/")


def test_bot_share_roughly_as_configured(medium):
    landing, truth, _ = medium
    with (truth / "clicks.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    share = sum(r["is_bot"] == "true" for r in rows) / len(rows)
    assert share == pytest.approx(0.4, abs=0.05)
    # independent of the truth's labels: requests with a bot user agent, a prefetch header
    # or a HEAD method are all labelled bots, and they are a good part of all bot clicks
    truth_bot = {r["click_id"]: r["is_bot"] == "true" for r in rows}
    clicks = ndjson_records(landing, load_manifest(truth), "clicks")
    flagged = [c for c in clicks if c["method"] == "HEAD" or c["sec_purpose"]
               or any(k in (c["user_agent"] or "") for k in BOT_UA_MARKERS)]
    assert all(truth_bot[c["click_id"]] for c in flagged)
    assert len(flagged) > 0.3 * sum(truth_bot.values())


def test_bots_click_fast_and_rarely_land(medium):
    _, truth, _ = medium
    with (truth / "clicks.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    bots = [r for r in rows if r["is_bot"] == "true"]
    humans = [r for r in rows if r["is_bot"] == "false"]
    assert sum(r["lands"] == "true" for r in bots) < 0.1 * len(bots)
    assert sum(r["lands"] == "true" for r in humans) > 0.7 * len(humans)
    assert {"link_preview", "security_scanner", "automation", "prefetch"} <= {r["bot_kind"] for r in bots}
    assert any(r["status"] == "410" for r in rows) and any(r["status"] == "404" for r in rows)
    # link-preview fetchers and scanners hit within seconds of the message's delivery
    m = load_manifest(truth)
    landing = truth.parent / "landing"
    delivered_at = {x["sid"]: parsedate_to_datetime(x["date_updated"]).timestamp()
                    for x in page_records(landing, m, "twilio_messages") if x["status"] == "delivered"}
    sid_of = {s["send_id"]: s["message_sid"] for s in good_csv_records(landing, m, "sends")}
    fast = [r for r in bots if r["bot_family"] in ("imessage_preview", "microsoft_safelinks", "proofpoint")
            and sid_of.get(r["send_id"]) in delivered_at]
    assert fast
    delays = [datetime.fromisoformat(r["requested_at"].replace("Z", "+00:00")).timestamp()
              - delivered_at[sid_of[r["send_id"]]] for r in fast]
    within = sum(-1.0 <= d <= 5.0 for d in delays)
    assert within > 0.6 * len(fast)
    human_delays = [datetime.fromisoformat(r["requested_at"].replace("Z", "+00:00")).timestamp()
                    - delivered_at[sid_of[r["send_id"]]] for r in humans if sid_of.get(r["send_id"]) in delivered_at]
    assert sum(-1.0 <= d <= 5.0 for d in human_delays) < 0.05 * len(human_delays)


def test_ga4_sms_landings_reference_real_clicks(medium):
    landing, truth, _ = medium
    m = load_manifest(truth)
    with (truth / "clicks.csv").open() as fh:
        clicks = {r["click_id"]: r for r in csv.DictReader(fh)}
    landed = set()
    channels = set()
    for e in ndjson_records(landing, m, "ga4"):
        params = {p["key"]: p["value"] for p in e["event_params"]}
        url = params["page_location"]["string_value"]
        q = parse_qs(urlsplit(url).query)
        if "sms_click_id" in q:
            landed.add(q["sms_click_id"][0])
        if "gclid" in q:
            channels.add("paid_search")
        if q.get("utm_medium") == ["affiliate"]:
            channels.add("affiliate")
        if q.get("utm_medium") == ["email"]:
            channels.add("email")
        if "fbclid" in q:
            channels.add("paid_social")
    assert landed and landed <= set(clicks)
    assert sum(clicks[c]["is_bot"] == "false" for c in landed) > 0.9 * len(landed)
    assert {"paid_search", "affiliate", "email", "paid_social"} <= channels


def test_truth_conversions_exist_in_their_sources(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    with (truth / "conversions.csv").open() as fh:
        conv = list(csv.DictReader(fh))
    systems = {c["system"] for c in conv}
    assert {"shopify", "pos", "hubspot_contact", "hubspot_deal"} <= systems
    orders = {str(h["body"]["id"]) for h in ndjson_records(landing, m, "shopify_orders")
              if h["headers"]["X-Shopify-Topic"] == "orders/paid"}
    refs = {r["order_ref"] for r in good_csv_records(landing, m, "pos_redemptions")}
    refs |= {line.split(",")[2] for p in data_files(landing, m, "pos_redemptions")
             for line in p.read_text().splitlines()[1:] if line.count(",") >= 2}
    contacts = {c["id"] for c in page_records(landing, m, "hubspot_contacts")}
    won = {d["id"] for d in page_records(landing, m, "hubspot_deals") if d["properties"]["dealstage"] == "closedwon"}
    for c in conv:
        if c["system"] == "shopify":
            assert c["conversion_key"] in orders
        elif c["system"] == "pos":
            assert c["conversion_key"] in refs
        elif c["system"] == "hubspot_contact":
            assert c["conversion_key"] in contacts
        elif c["system"] == "hubspot_deal":
            assert c["conversion_key"] in won


def test_persons_truth_links_identities(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    with (truth / "persons.csv").open() as fh:
        persons = list(csv.DictReader(fh))
    subs = {r["subscriber_id"] for r in good_csv_records(landing, m, "subscribers")}
    truth_subs = {p["subscriber_id"] for p in persons if p["subscriber_id"]}
    assert subs <= truth_subs
    pseudo = {x for p in persons for x in p["user_pseudo_ids"].split(";")}
    ga4_ids = {e["user_pseudo_id"] for e in ndjson_records(landing, m, "ga4")}
    # every GA4 browser is a known person's, except bots' headless browsers
    assert len(ga4_ids - pseudo) < 0.2 * len(ga4_ids)
    assert any(";" in p["user_pseudo_ids"] for p in persons)
    customers = {p["shopify_customer_id"] for p in persons if p["shopify_customer_id"]}
    user_ids = {e["user_id"] for e in ndjson_records(landing, m, "ga4") if e["user_id"]}
    assert user_ids and user_ids <= customers


def test_manifest_record_counts_match_files(tiny):
    landing, truth, _ = tiny
    m = load_manifest(truth)
    for source in SOURCES:
        if source in CSV_SOURCES:
            n = sum(len(csv_rows(p)[1]) for p in data_files(landing, m, source))
        elif source in NDJSON_SOURCES:
            n = sum(sum(1 for ln in p.read_text().splitlines() if ln.strip())
                    for p in data_files(landing, m, source))
        else:
            n = len(page_records(landing, m, source))
        assert n == m["sources"][source]["records"] + m["sources"][source]["malformed_lines"], source
