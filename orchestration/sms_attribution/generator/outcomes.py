"""The causal core: which memberships convert (treatment vs control, the known lift),
background conversions, and the redirect server's clicks (human and bot)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import catalog as C
from .messaging import Campaigns, Memberships, Sends
from .people import People, random_ipv4
from .util import BASE62, DAY, HOUR, MIN, SEC, cat, choice_exact, encode, gather, hex64, lognormal_us, mix64

PURCHASE, LEAD, OFFLINE = 0, 1, 2
CONV_TYPES = ["purchase", "lead", "offline"]
# how a conversion came about
P_SMS_CLICK, P_COUPON_POS, P_SMS_VIEW, P_UNDELIVERED, P_CONTROL, P_BACKGROUND = range(6)
PATHS = ["sms_click", "coupon_pos", "sms_view", "treatment_undelivered", "control", "background"]
WINDOW = 7 * DAY
MIN_EACH = 4  # at least this many lead and in-store conversions, when the audience allows


@dataclass
class Conversions:
    n: int
    person: np.ndarray
    t: np.ndarray
    ctype: np.ndarray
    path: np.ndarray
    camp: np.ndarray  # -1 for background
    variant: np.ndarray
    send: np.ndarray  # -1
    member: np.ndarray  # -1
    channel: np.ndarray  # channel of the session the conversion happens in (-1: offline)
    click_t: np.ndarray  # forced human click time (-1)
    same_session: np.ndarray  # converts in the SMS landing session
    network: np.ndarray  # affiliate network index (-1)


def decide_conversions(rng, cp: Campaigns, ms: Memberships, s: Sends, p: People,
                       start_us: int, end_us: int, days: int) -> Conversions:
    n_m = len(ms.camp)
    prob = np.where(ms.control, cp.p_control[ms.camp], cp.var_p_treat[ms.variant])
    flag = rng.random(n_m) < prob
    member_send = np.full(n_m, -1, np.int64)
    member_send[s.member] = np.arange(s.n)
    m_delivered = gather(s.delivered, member_send, False)
    # small runs: make sure leads and in-store redemptions exist at all (a handful of
    # extra treatment conversions; at scale these minimums are already met)
    early = ms.time < end_us - (end_us - start_us) // 3
    for pool_mask in (cp.lead[ms.camp], cp.coupon[ms.camp] & ~cp.lead[ms.camp]):
        pool = np.nonzero(pool_mask & ~ms.control & m_delivered & early)[0]
        need = MIN_EACH - int(flag[pool].sum())
        free = pool[~flag[pool]]
        if need > 0 and len(free):
            flag[rng.choice(free, size=min(need, len(free)), replace=False)] = True
    conv = np.nonzero(flag)[0]
    ms.converted = flag.copy()
    send = member_send[conv]
    camp = ms.camp[conv]
    treat = ~ms.control[conv]
    delivered = gather(s.delivered, send, False)
    u = rng.random(len(conv))
    lead = cp.lead[camp]
    coupon = cp.coupon[camp]
    path = np.full(len(conv), P_CONTROL)
    path[treat & ~delivered] = P_UNDELIVERED
    path[treat & delivered] = P_SMS_VIEW
    path[treat & delivered & (u < 0.65)] = P_SMS_CLICK
    path[treat & delivered & coupon & ~lead & (u >= 0.65) & (u < 0.80)] = P_COUPON_POS
    cpool = np.nonzero(treat & delivered & coupon & ~lead)[0]
    need = MIN_EACH - int((path[cpool] == P_COUPON_POS).sum())
    if need > 0:
        switch = cpool[path[cpool] != P_COUPON_POS]
        path[rng.choice(switch, size=min(need, len(switch)), replace=False)] = P_COUPON_POS
    ref = ms.time[conv]
    final = np.where(send >= 0, gather(s.final, send, 0), ref)
    n = len(conv)
    click_t = np.full(n, -1, np.int64)
    same = np.zeros(n, bool)
    t = ref + lognormal_us(rng, n, 86_400, 1.0, 7 * 86_400 - 60)
    sc = path == P_SMS_CLICK
    click_t[sc] = final[sc] + lognormal_us(rng, int(sc.sum()), 12 * 60, 1.3, 2 * 86_400)
    same[sc] = rng.random(int(sc.sum())) < 0.6
    later = lognormal_us(rng, n, 18 * 3600, 1.0, 6 * 86_400)
    in_sess = rng.integers(2 * MIN, 25 * MIN, n)
    t = np.where(sc, click_t + np.where(same, in_sess, later), t)
    cpos = path == P_COUPON_POS
    horizon = int(6 * DAY * min(1.0, days / 30))  # short windows: store visits come sooner
    t = np.where(cpos, final + rng.integers(3 * HOUR, max(horizon, 4 * HOUR), n), t)
    t = np.minimum(t, ref + WINDOW - MIN)
    t = t // 1000 * 1000
    ctype = np.where(lead, LEAD, np.where(cpos, OFFLINE, PURCHASE))
    channel = np.where(sc & same, C.CH_SMS,
                       rng.choice([C.CH_DIRECT, C.CH_ORGANIC, C.CH_EMAIL, C.CH_PAID_SEARCH], n,
                                  p=[.45, .2, .25, .1]))
    channel = np.where(cpos, -1, channel)
    keep = t < end_us
    camp_part = dict(person=ms.person[conv][keep], t=t[keep], ctype=ctype[keep], path=path[keep],
                     camp=camp[keep], variant=ms.variant[conv][keep], send=send[keep],
                     member=conv[keep], channel=channel[keep], click_t=click_t[keep],
                     same_session=same[keep])
    ms.converted[conv[~keep]] = False  # not observed inside the data window

    # background conversions, unrelated to any campaign
    n_bg = max(8, int(rng.poisson(p.n * days * 0.003)))
    bperson = rng.integers(0, p.n, n_bg)
    bt = (start_us + (rng.random(n_bg) * (end_us - start_us)).astype(np.int64)) // 1000 * 1000
    chans = [C.CH_PAID_SEARCH, C.CH_PAID_SOCIAL, C.CH_ORGANIC, C.CH_EMAIL, C.CH_AFFILIATE,
             C.CH_REFERRAL, C.CH_DIRECT]
    bch = rng.choice(chans, n_bg, p=[.24, .14, .18, .08, .14, .07, .15])
    force_aff = choice_exact(rng, n_bg, 0.0, minimum=min(n_bg, 6))
    bch[force_aff] = C.CH_AFFILIATE
    btype = np.where(rng.random(n_bg) < 0.06, LEAD, PURCHASE)
    btype[force_aff] = PURCHASE
    neg = np.full(n_bg, -1, np.int64)
    out = {k: np.concatenate([v, b]) for k, v, b in (
        ("person", camp_part["person"], bperson), ("t", camp_part["t"], bt),
        ("ctype", camp_part["ctype"], btype), ("path", camp_part["path"], np.full(n_bg, P_BACKGROUND)),
        ("camp", camp_part["camp"], neg), ("variant", camp_part["variant"], neg),
        ("send", camp_part["send"], neg), ("member", camp_part["member"], neg),
        ("channel", camp_part["channel"], bch), ("click_t", camp_part["click_t"], neg),
        ("same_session", camp_part["same_session"], np.zeros(n_bg, bool)))}
    order = np.lexsort((out["person"], out["t"]))
    out = {k: v[order] for k, v in out.items()}
    nconv = len(order)
    network = np.full(nconv, -1, np.int64)
    aff = out["channel"] == C.CH_AFFILIATE
    network[aff] = rng.integers(0, len(C.AFFILIATE_NETWORKS), int(aff.sum()))
    return Conversions(n=nconv, network=network, **out)


@dataclass
class Clicks:
    n: int
    send: np.ndarray  # -1 for requests to unknown codes
    person: np.ndarray  # the recipient whose link it is (-1 for unknown codes)
    t: np.ndarray
    method: np.ndarray  # 0 GET, 1 HEAD
    status: np.ndarray
    ua: np.ndarray  # index into ua_list
    ip: np.ndarray  # S
    lang: np.ndarray  # index into ACCEPT_LANGUAGE or -1
    purpose: np.ndarray  # 0 none, 1 prefetch, 2 prefetch;prerender
    family: np.ndarray  # index into FAMILIES, -1 human
    lands: np.ndarray
    conv: np.ndarray  # conversion index for the click that leads to it, else -1
    repeat: np.ndarray
    short_code: np.ndarray
    click_id: np.ndarray
    request_id: np.ndarray
    location: np.ndarray  # S ('' when none)
    delivery_day: np.ndarray
    ua_list: list[str]


FAMILIES = list(C.BOT_FAMILIES)


def make_clicks(rng, cp: Campaigns, s: Sends, p: People, cv: Conversions, start_us: int,
                end_us: int, bot_share: float, seed: int, land) -> Clicks:
    ua_list = [u for u, *_ in C.PHONE_UAS] + [u for u, *_ in C.DESKTOP_UAS]
    fam_ua0 = {}
    for f in FAMILIES:
        fam_ua0[f] = len(ua_list)
        ua_list += C.BOT_FAMILIES[f]["uas"]
    delivered = np.nonzero(s.delivered)[0]

    # --- human clicks: forced (they lead to a conversion) and organic
    fc = np.nonzero(cv.click_t >= 0)[0]
    f_send, f_t = cv.send[fc], cv.click_t[fc]
    is_forced = np.zeros(s.n, bool)
    is_forced[f_send] = True
    cand = delivered[~is_forced[delivered]]
    prob = np.minimum(0.6, cp.var_click[s.variant[cand]] * p.eng[s.person[cand]])
    o_send = cand[rng.random(len(cand)) < prob]
    o_t = s.final[o_send] + lognormal_us(rng, len(o_send), 8 * 60, 1.8, 10 * 86_400)
    h_send = np.concatenate([f_send, o_send])
    h_t = np.concatenate([f_t, o_t])
    h_conv = np.concatenate([fc, np.full(len(o_send), -1)])
    # some people come back to the link days later, past its expiry
    exp = s.link_expires[s.link[h_send]]
    can = np.nonzero((np.arange(len(h_send)) >= len(f_send)) & (exp < end_us - 2 * HOUR))[0]
    late = can[choice_exact(rng, len(can), 0.01 * len(o_send) / max(len(can), 1), minimum=2)]
    room = np.minimum(end_us - exp[late] - HOUR, 3 * DAY)
    h_t[late] = exp[late] + HOUR + (rng.random(len(late)) * room).astype(np.int64)
    rep = np.nonzero(rng.random(len(h_send)) < 0.12)[0]
    h_send = np.concatenate([h_send, h_send[rep]])
    h_t = np.concatenate([h_t, h_t[rep] + lognormal_us(rng, len(rep), 3 * 3600, 1.5, 5 * 86_400)])
    h_conv = np.concatenate([h_conv, np.full(len(rep), -1)])
    h_rep = np.concatenate([np.zeros(len(h_send) - len(rep), bool), np.ones(len(rep), bool)])
    keep = h_t < end_us
    h_send, h_t, h_conv, h_rep = h_send[keep], h_t[keep], h_conv[keep], h_rep[keep]
    H = len(h_send)
    hp = s.person[h_send]

    # --- bots
    B = int(round(H * bot_share / (1 - bot_share)))
    n_probe = max(2, int(round(0.002 * B)))
    B_links = max(0, B - n_probe)
    w = np.array([C.BOT_FAMILIES[f]["weight"] for f in FAMILIES])
    counts = np.floor(B_links * w / w.sum()).astype(int)
    counts[np.argmax(w)] += B_links - counts.sum()
    ios = np.isin(p.phone_ua[s.person[delivered]], C.IOS_UAS)
    order_final = delivered[np.argsort(s.final[delivered], kind="stable")]
    bparts = dict(send=[], t=[], method=[], ua=[], ip=[], lang=[], purpose=[], family=[])
    for fi, f in enumerate(FAMILIES):
        spec = C.BOT_FAMILIES[f]
        k = int(counts[fi])
        if k == 0 or len(delivered) == 0:
            continue
        if spec["kind"] == "prefetch":
            if H == 0:
                continue
            android = np.nonzero(p.phone_ua[hp] >= 4)[0]
            pool = android if len(android) else np.arange(H)
            src = pool[rng.integers(0, len(pool), k)]
            send = h_send[src]
            t = h_t[src] - rng.integers(50_000, 1_500_000, k)
            ua = p.phone_ua[s.person[send]]
            purpose = np.where(rng.random(k) < 0.7, 1, 2)
            ip = p.ip[s.person[send]]
        else:
            n_burst = int(0.4 * k) if f in C.SCANNER_FAMILIES else 0
            pool = delivered[ios] if (f == "imessage_preview" and ios.any()) else delivered
            send = pool[rng.integers(0, len(pool), k - n_burst)]
            base = s.final[send]
            if spec["timing"] == "immediate":
                t = base + rng.integers(0, 3 * SEC, len(send))
            elif spec["timing"] == "forward":
                t = np.where(rng.random(len(send)) < 0.6, base + rng.integers(0, 3 * SEC, len(send)),
                             base + lognormal_us(rng, len(send), 7200, 1.2, 3 * 86_400))
            else:
                t = base + lognormal_us(rng, len(send), 1800, 2.0, 7 * 86_400)
            if f in C.SCANNER_FAMILIES:  # re-scans days later
                rs = rng.random(len(send)) < 0.1
                t = np.where(rs, base + rng.integers(1 * DAY, 20 * DAY, len(send)), t)
            if spec["ips"] == "device":
                ip = p.ip[s.person[send]]
            else:
                ip = random_ipv4(rng, C.IP_RANGES[spec["ips"]], len(send)).astype("S39")
            if n_burst:
                # one scanner address opening several recipients' links within seconds
                sizes = []
                tot = 0
                while tot < n_burst:
                    sz = int(min(rng.integers(3, 9), n_burst - tot))
                    sizes.append(sz)
                    tot += sz
                sizes = np.array(sizes)
                g = len(sizes)
                anchors = rng.integers(0, max(1, len(order_final) - 8), g)
                grp = np.repeat(np.arange(g), sizes)
                j = np.arange(tot) - np.repeat(np.cumsum(sizes) - sizes, sizes)
                pos = np.minimum(anchors[grp] + j, len(order_final) - 1)
                bsend = order_final[pos]
                t0 = s.final[order_final[anchors]] + rng.integers(0, 3 * SEC, g)
                bt = np.maximum(t0[grp] + j * rng.integers(100_000, 1_500_000, tot),
                                s.final[bsend] + 200_000)
                bip = random_ipv4(rng, C.IP_RANGES[spec["ips"]], g).astype("S39")[grp]
                send = np.concatenate([send, bsend])
                t = np.concatenate([t, bt])
                ip = np.concatenate([ip, bip])
                land.dirt["clicks"]["scanner_bursts"] += g
            k = len(send)
            ua = fam_ua0[f] + rng.integers(0, len(spec["uas"]), k)
            purpose = np.zeros(k, np.int64)
        method = (rng.random(k) < spec["head"]).astype(np.int64)
        lang = np.where(spec["ips"] == "device", p.country[s.person[send]], -1) * np.ones(k, np.int64)
        for key, val in (("send", send), ("t", t), ("method", method), ("ua", ua), ("ip", ip),
                         ("lang", lang), ("purpose", purpose), ("family", np.full(k, fi))):
            bparts[key].append(val)
    # requests for codes that do not exist (scanners and scripts probing)
    probe_fam = FAMILIES.index("script")
    bparts["send"].append(np.full(n_probe, -1))
    bparts["t"].append(start_us + (rng.random(n_probe) * (end_us - start_us)).astype(np.int64))
    bparts["method"].append(np.zeros(n_probe, np.int64))
    bparts["ua"].append(fam_ua0["script"] + rng.integers(0, len(C.BOT_FAMILIES["script"]["uas"]), n_probe))
    bparts["ip"].append(random_ipv4(rng, C.IP_RANGES["cloud"], n_probe).astype("S39"))
    bparts["lang"].append(np.full(n_probe, -1))
    bparts["purpose"].append(np.zeros(n_probe, np.int64))
    bparts["family"].append(np.full(n_probe, probe_fam))
    b = {k: np.concatenate(v) if v else np.empty(0, np.int64) for k, v in bparts.items()}
    b["ip"] = b["ip"].astype("S39")
    bkeep = b["t"] < end_us
    b = {k: v[bkeep] for k, v in b.items()}
    nb = len(b["t"])

    send = np.concatenate([h_send, b["send"]])
    t = np.concatenate([h_t, b["t"]])
    person = gather(s.person, send, -1)
    method = np.concatenate([np.zeros(H, np.int64), b["method"]])
    ua = np.concatenate([p.phone_ua[hp], b["ua"]])
    ip = np.concatenate([p.ip[hp].astype("S39"), b["ip"]])
    lang = np.concatenate([p.country[hp], b["lang"]])
    purpose = np.concatenate([np.zeros(H, np.int64), b["purpose"]])
    family = np.concatenate([np.full(H, -1), b["family"]])
    conv = np.concatenate([h_conv, np.full(nb, -1)])
    repeat = np.concatenate([h_rep, np.zeros(nb, bool)])
    order = np.argsort(t, kind="stable")
    send, t, person, method, ua, ip, lang, purpose, family, conv, repeat = (
        a[order] for a in (send, t, person, method, ua, ip, lang, purpose, family, conv, repeat))
    t = t // 1000 * 1000
    n = len(t)
    probe = send < 0
    code = gather(s.short_code, send, b"").astype("S7")
    if probe.any():
        fake = encode(mix64(np.arange(int(probe.sum())), seed * 13 + 9) % np.uint64(62 ** 7), BASE62, 7)
        code[probe] = fake
    link = gather(s.link, send, 0)
    expired = ~probe & (t > s.link_expires[link])
    status = np.where(probe, 404, np.where(expired, 410, 302))
    land.dirt["clicks"]["expired_link_clicks"] += int(expired.sum())
    human = family < 0
    u = rng.random(n)
    land_p = np.array([C.BOT_FAMILIES[f]["land"] for f in FAMILIES])
    lands = np.where(human, (conv >= 0) | np.where(repeat, u < 0.5, u < 0.85),
                     u < land_p[np.maximum(family, 0)])
    lands &= (method == 0) & (purpose == 0) & (status != 404)
    lands |= conv >= 0
    click_id = cat(b"clk_", encode(mix64(np.arange(n), seed * 19 + 1), BASE62, 11))
    request_id = cat(b"req_", hex64(mix64(np.arange(n), seed * 19 + 2)))
    var = gather(s.variant, send, 0)
    location = np.where(status == 302, cat(cp.var_dest[var], b"&sms_click_id=", click_id),
                        np.where(status == 410, cat(C.FALLBACK_URL.encode(), b"?sms_click_id=", click_id), b""))
    # late delivery: the redirect server's log shipped days later
    day = (t - start_us) // DAY
    late = choice_exact(rng, n, 0.03, minimum=2)
    day[late] += rng.integers(1, 4, len(late))
    land.dirt["clicks"]["late_records"] += int((day[late] < (end_us - start_us) // DAY).sum())
    return Clicks(n=n, send=send, person=person, t=t, method=method, status=status, ua=ua, ip=ip,
                  lang=lang, purpose=purpose, family=family, lands=lands, conv=conv, repeat=repeat,
                  short_code=code, click_id=click_id, request_id=request_id, location=location,
                  delivery_day=day, ua_list=ua_list)


def write_clicks(land, ck: Clicks, start_us: int, rng) -> None:
    from .landing import NDJSON, sql_list
    from .messaging import ISO_MS
    # a few requests logged by an older server in its access-log time format
    bad = np.full(ck.n, -1, np.int32)
    bad_values = []
    for j in choice_exact(rng, ck.n, 0.0, minimum=2):
        dt = ck.t[j].astype("datetime64[us]").item()
        v = dt.strftime("%d/%b/%Y:%H:%M:%S +0000")
        land.note_bad_value("clicks", "timestamp_format", ck.click_id[j].decode(), "requested_at", v)
        bad[j] = len(bad_values)
        bad_values.append(v)
    cols = {
        "request_id": ck.request_id, "click_id": ck.click_id, "short_code": ck.short_code,
        "t": ck.t.astype("datetime64[us]"), "bad": bad, "m": ck.method, "status": ck.status, "ip": ck.ip, "ua": ck.ua,
        "lang": ck.lang, "purpose": ck.purpose, "location": ck.location,
    }
    land.write_table(
        "clicks", NDJSON, cols, ck.delivery_day,
        "request_id, click_id, short_code, "
        f"CASE WHEN bad >= 0 THEN {sql_list(bad_values or ['-'])}[bad + 1] ELSE {ISO_MS.format('t')} END "
        "AS requested_at, ['GET', 'HEAD'][m + 1] AS method, status, ip, "
        f"{sql_list(ck.ua_list)}[ua + 1] AS user_agent, NULL::varchar AS referer, "
        f"CASE WHEN lang < 0 THEN NULL ELSE {sql_list(C.ACCEPT_LANGUAGE)}[lang + 1] END AS accept_language, "
        "[NULL, 'prefetch', 'prefetch;prerender'][purpose + 1] AS sec_purpose, "
        "nullif(location, '') AS location",
        prefix="clicks", order_key=ck.t)
