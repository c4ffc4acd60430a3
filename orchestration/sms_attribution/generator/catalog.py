"""Static reference lists for the sample world: places, devices, user agents, IP
ranges, products. All values are written for this generator (user-agent strings
follow each client's published format)."""

from __future__ import annotations

SHOP = "https://shop.example.com"
SHOP_DOMAIN = "example-shop.myshopify.com"
BRAND_TZ = "America/New_York"  # the shop's, the brand's and the GA4 property's zone
FALLBACK_URL = f"{SHOP}/pages/offer-ended"

# --- places -------------------------------------------------------------------------
COUNTRIES = ["US", "CA", "GB", "AU", "DE", "FR"]
COUNTRY_P = [0.70, 0.08, 0.08, 0.05, 0.05, 0.04]
COUNTRY_CURRENCY = ["USD", "CAD", "GBP", "AUD", "EUR", "EUR"]
COUNTRY_NAME = ["United States", "Canada", "United Kingdom", "Australia", "Germany", "France"]
ACCEPT_LANGUAGE = [
    "en-US,en;q=0.9",
    "en-CA,en;q=0.9,fr-CA;q=0.8",
    "en-GB,en;q=0.9",
    "en-AU,en;q=0.9",
    "de-DE,de;q=0.9,en;q=0.8",
    "fr-FR,fr;q=0.9,en;q=0.8",
]

# zone, country index, share within the country, region, city, area codes (NANP only)
ZONES = [
    ("America/New_York", 0, 0.45, "New York", "New York", [212, 646, 718, 917, 347, 201, 973, 617, 305]),
    ("America/Chicago", 0, 0.25, "Illinois", "Chicago", [312, 773, 872, 630, 214, 512]),
    ("America/Denver", 0, 0.07, "Colorado", "Denver", [303, 720, 801]),
    ("America/Phoenix", 0, 0.03, "Arizona", "Phoenix", [602, 480]),
    ("America/Los_Angeles", 0, 0.20, "California", "Los Angeles", [213, 310, 323, 415, 628, 408, 206]),
    ("America/Toronto", 1, 0.60, "Ontario", "Toronto", [416, 647, 437, 514]),
    ("America/Vancouver", 1, 0.40, "British Columbia", "Vancouver", [604, 778]),
    ("Europe/London", 2, 1.00, "England", "London", []),
    ("Australia/Sydney", 3, 0.70, "New South Wales", "Sydney", []),
    ("Australia/Perth", 3, 0.30, "Western Australia", "Perth", []),
    ("Europe/Berlin", 4, 1.00, "Berlin", "Berlin", []),
    ("Europe/Paris", 5, 1.00, "Ile-de-France", "Paris", []),
]
ZONE_NAMES = [z[0] for z in ZONES]

# E.164 prefix for the generated mobile numbers of each country; NANP numbers use area codes
PHONE_PREFIX = {2: b"+447", 3: b"+614", 4: b"+49151", 5: b"+336"}

FIRST_NAMES = """james mary robert patricia john jennifer michael linda david elizabeth william
barbara richard susan joseph jessica thomas sarah charles karen chris lisa daniel nancy
matthew betty anthony sandra mark ashley steven emily paul donna andrew michelle joshua carol
kevin amanda brian melissa george deborah timothy stephanie ryan rebecca jacob laura gary
sharon nicholas cynthia eric kathleen jonathan amy oliver amelia noah olivia liam emma lucas
mia leon hannah louis chloe jack isla""".split()
LAST_NAMES = """smith johnson williams brown jones garcia miller davis rodriguez martinez
hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson
white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres
nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts
muller schmidt schneider fischer dubois moreau laurent evans walsh murphy kelly""".split()
EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com",
                 "inbox.example.net", "post.example.org"]

SEGMENTS = ["engaged", "lapsed", "vip", "new"]
LABELS = ["vip", "winback", "early_access", "loyalty", "quiz_taker", "high_aov", "in_store"]

# --- devices and user agents ---------------------------------------------------------
# phone browsers: (user agent, GA4 operating_system, GA4 browser)
PHONE_UAS = [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", "iOS", "Safari"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "iOS", "Safari"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1", "iOS", "Safari"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1", "iOS", "Safari"),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Android", "Chrome"),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36", "Android", "Chrome"),
    ("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Android", "Samsung Internet"),
    ("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Android", "Samsung Internet"),
]
PHONE_UA_P = [0.12, 0.08, 0.22, 0.14, 0.22, 0.08, 0.09, 0.05]
IOS_UAS = [0, 1, 2, 3]
ANDROID_CHROME_UAS = [4, 5]
DESKTOP_UAS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Windows", "Chrome"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Windows", "Edge"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Macintosh", "Safari"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Macintosh", "Chrome"),
]
DESKTOP_UA_P = [0.45, 0.15, 0.25, 0.15]

# Bot families: name -> user agents, ip ranges ('device' = the person's own address),
# timing ('immediate' = 0-3 s after delivery), HEAD share, GA4 landing probability.
BOT_FAMILIES = {
    "imessage_preview": dict(
        weight=0.20, kind="link_preview", timing="immediate", head=0.0, land=0.0, ips="device",
        uas=["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0"]),
    "whatsapp_preview": dict(
        weight=0.07, kind="link_preview", timing="forward", head=0.0, land=0.0, ips="device",
        uas=["WhatsApp/2.23.20.0", "WhatsApp/2.24.22.79 i", "WhatsApp/2.24.21.84 A"]),
    "telegram_preview": dict(
        weight=0.04, kind="link_preview", timing="forward", head=0.0, land=0.0, ips="telegram",
        uas=["TelegramBot (like TwitterBot)"]),
    "slack_preview": dict(
        weight=0.03, kind="link_preview", timing="forward", head=0.0, land=0.0, ips="aws",
        uas=["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"]),
    "facebook_preview": dict(
        weight=0.05, kind="link_preview", timing="forward", head=0.0, land=0.0, ips="meta",
        uas=["facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "facebookexternalhit/1.1"]),
    # Safe Links presents an ordinary desktop browser
    "microsoft_safelinks": dict(
        weight=0.12, kind="security_scanner", timing="immediate", head=0.3, land=0.02, ips="microsoft",
        uas=["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"]),
    "proofpoint": dict(
        weight=0.08, kind="security_scanner", timing="immediate", head=0.4, land=0.0, ips="proofpoint",
        uas=["Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36"]),
    "mimecast": dict(
        weight=0.05, kind="security_scanner", timing="immediate", head=0.4, land=0.0, ips="mimecast",
        uas=["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Safari/537.36"]),
    "barracuda": dict(
        weight=0.04, kind="security_scanner", timing="immediate", head=0.4, land=0.0, ips="barracuda",
        uas=["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36"]),
    "headless_browser": dict(
        weight=0.08, kind="automation", timing="later", head=0.0, land=0.25, ips="cloud",
        uas=["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36"]),
    "script": dict(
        weight=0.07, kind="automation", timing="later", head=0.3, land=0.0, ips="cloud",
        uas=["python-requests/2.32.3", "curl/8.5.0", "Go-http-client/1.1", "Wget/1.21.4", "axios/1.7.7"]),
    # the person's own browser prefetching / prerendering the link: not a click
    "browser_prefetch": dict(
        weight=0.17, kind="prefetch", timing="prefetch", head=0.0, land=0.0, ips="device", uas=[]),
}
SCANNER_FAMILIES = ["microsoft_safelinks", "proofpoint", "mimecast", "barracuda"]

# (first address, prefix length) of well-known provider ranges
IP_RANGES = {
    "microsoft": [("40.92.0.0", 15), ("40.107.0.0", 16), ("52.100.0.0", 14), ("104.47.0.0", 17)],
    "proofpoint": [("148.163.128.0", 19), ("67.231.144.0", 20)],
    "mimecast": [("205.139.110.0", 24), ("207.211.30.0", 24), ("185.58.84.0", 22)],
    "barracuda": [("209.222.80.0", 21), ("64.235.144.0", 20)],
    "meta": [("31.13.64.0", 18), ("66.220.144.0", 20), ("69.171.224.0", 19), ("173.252.64.0", 18)],
    "telegram": [("149.154.160.0", 20), ("91.108.4.0", 22)],
    "aws": [("3.80.0.0", 12), ("54.80.0.0", 13), ("52.0.0.0", 11)],
    "cloud": [("3.80.0.0", 12), ("34.64.0.0", 10), ("35.184.0.0", 13), ("20.0.0.0", 11),
              ("159.65.0.0", 16), ("167.99.0.0", 16), ("116.202.0.0", 15), ("51.68.0.0", 16)],
}
# residential / mobile ranges per country (for people's own addresses)
HOME_RANGES = {
    0: [("73.0.0.0", 8), ("24.0.0.0", 12), ("172.56.0.0", 14), ("174.192.0.0", 10), ("107.77.192.0", 18), ("99.0.0.0", 10)],
    1: [("142.112.0.0", 12), ("70.48.0.0", 13)],
    2: [("86.128.0.0", 10), ("82.0.0.0", 11)],
    3: [("1.128.0.0", 11), ("101.160.0.0", 11)],
    4: [("79.192.0.0", 10), ("91.0.0.0", 10)],
    5: [("90.0.0.0", 9), ("86.192.0.0", 11)],
}
MOBILE_V6_PREFIX = {0: "2607:fb90", 1: "2605:8d80", 2: "2a00:23c7", 3: "2001:8003", 4: "2a01:598", 5: "2a01:cb1c"}

# --- commerce ---------------------------------------------------------------------------
# sku, handle, price in USD cents
PRODUCTS = [
    ("TEE-CLASSIC-BLK", "classic-tee", 2800), ("TEE-CLASSIC-WHT", "classic-tee", 2800),
    ("HOODIE-FLEECE-GRY", "fleece-hoodie", 6800), ("JOGGER-TECH-BLK", "tech-jogger", 5800),
    ("SNEAKER-RUN-01", "runner-sneaker", 12000), ("SNEAKER-COURT-02", "court-sneaker", 11000),
    ("CAP-DAD-NVY", "dad-cap", 3200), ("SOCKS-3PK", "crew-socks-3-pack", 1800),
    ("JACKET-PUFFER-OLV", "puffer-jacket", 14800), ("TOTE-CANVAS", "canvas-tote", 3800),
    ("BACKPACK-DAY", "day-backpack", 8900), ("BEANIE-RIB", "rib-beanie", 2600),
    ("SCARF-WOOL", "wool-scarf", 4500), ("BOTTLE-STEEL", "steel-bottle", 3400),
    ("GIFTCARD-50", "gift-card", 5000), ("SHORTS-RUN", "run-shorts", 4200),
    ("LEGGING-HI", "high-rise-legging", 7800), ("SWEATER-MERINO", "merino-sweater", 9800),
]
# approximate USD per unit, the centre of the generated fx random walk
FX_BASE = {"USD": 1.0, "CAD": 0.73, "GBP": 1.27, "AUD": 0.66, "EUR": 1.08}
CURRENCIES = ["USD", "CAD", "GBP", "AUD", "EUR"]
UNKNOWN_CURRENCY = "XYZ"

LANDING_PATHS = ["/", "/collections/new-arrivals", "/collections/sale", "/products/fleece-hoodie",
                 "/products/runner-sneaker", "/collections/outerwear", "/products/classic-tee",
                 "/collections/accessories", "/pages/gift-guide"]

CAMPAIGN_THEMES = ["Fall Drop", "Weekend Flash Sale", "New Arrivals", "Back in Stock",
                   "VIP Early Access", "Free Shipping Weekend", "Cyber Week Preview",
                   "Winback 20% Off", "Last Chance", "Holiday Gift Guide", "Loyalty Points Reminder",
                   "Outerwear Edit", "Sneaker Restock", "Black Friday Early Access", "Bundle & Save"]
LEAD_THEMES = ["Book a Styling Session", "Corporate Gifting Enquiry", "Wholesale Interest"]
VARIANT_CONTENT = [("A - control copy", "variant_a"), ("B - urgency", "Variant B"),
                   ("C - emoji", " emoji_copy ")]

AFFILIATE_NETWORKS = [
    # network, offer ids, postback user agent, postback source range
    ("impact", ["off_101", "off_102"], "Impact-Postback/3.1", ("3.80.0.0", 12)),
    ("awin", ["off_201"], "AWIN-S2S/1.0", ("52.0.0.0", 11)),
    ("cj", ["off_301", "off_302"], "CJ-Postback-Agent/2.0", ("34.64.0.0", 10)),
    ("everflow", ["off_401"], "Everflow-Postback/1.0", ("35.184.0.0", 13)),
]
POS_STORES = {  # country index -> (store ids, zone)
    0: (["store_001", "store_002", "store_003", "store_004"], "America/New_York"),
    1: (["store_101"], "America/Toronto"),
    2: (["store_201"], "Europe/London"),
    3: (["store_301"], "Australia/Sydney"),
    4: (["store_401"], "Europe/Berlin"),
    5: (["store_501"], "Europe/Paris"),
}

CHANNELS = ["sms", "email", "paid_search", "paid_social", "organic", "referral", "affiliate", "direct"]
CH_SMS, CH_EMAIL, CH_PAID_SEARCH, CH_PAID_SOCIAL, CH_ORGANIC, CH_REFERRAL, CH_AFFILIATE, CH_DIRECT = range(8)
HUBSPOT_SOURCE = {CH_SMS: "OTHER_CAMPAIGNS", CH_EMAIL: "EMAIL_MARKETING", CH_PAID_SEARCH: "PAID_SEARCH",
                  CH_PAID_SOCIAL: "PAID_SOCIAL", CH_ORGANIC: "ORGANIC_SEARCH", CH_REFERRAL: "REFERRALS",
                  CH_AFFILIATE: "OTHER_CAMPAIGNS", CH_DIRECT: "DIRECT_TRAFFIC"}
EMAIL_CAMPAIGNS = ["Weekly Newsletter", "weekly_newsletter", "New In: Outerwear", "vip-digest"]
SEARCH_CAMPAIGNS = ["Brand - Exact", "Generic - Sneakers", "Shopping - All Products"]
SOCIAL_CAMPAIGNS = ["Prospecting - Broad", "Retargeting - 30d"]
REFERRERS = ["https://www.reddit.com/", "https://www.instagram.com/", "https://www.pinterest.com/",
             "https://news.ycombinator.com/", "https://www.tiktok.com/"]
