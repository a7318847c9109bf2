"""A deterministic replay of 200 mixed Meta webhook deliveries, for end-to-end tests.

``build_replay(app_secret, seed=1)`` returns 200 :class:`Delivery` values (signed bodies) of mixed
kinds: Messenger DMs, Facebook comments and replies, Instagram DMs, Instagram comments and
replies, some batched (several entries, several events), a few page echoes and comment edits.
Exactly 20 are byte-identical re-sends of earlier accepted deliveries and exactly 5 carry a bad
signature (wrong secret x2, tampered body, legacy ``sha1=`` header, missing header). Every
original event has a unique ``mid`` / comment id.

``summarize(deliveries)`` gives the counts a replay must produce; ``expected_triages`` is the
number of unique inbound (non-echo) events, i.e. exactly one triage each.

``python -m tests.triage.meta.replay SECRET > replay.jsonl`` writes the deliveries as JSON lines
(``body`` as text, ``signature`` ("" = send no header), ``expect``, ``events``, ...).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import sys
from dataclasses import asdict, dataclass, replace

__all__ = ["Delivery", "ReplaySummary", "TEXTS", "build_replay", "expected_triages",
           "summarize", "to_jsonl"]

PAGE_ID = "104598372210345"
IG_ID = "17841405822304914"
APP_ID = 1517776481860111
TOTAL, DUPLICATES, BAD_SIGNATURES = 200, 20, 5
BASE_MS = 1_718_035_200_000
_MID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

# Realistic comments / DMs to a hospital page. Identifiers are fictional (555-01xx numbers,
# example.com addresses, made-up MRNs) but shaped like real PHI so the detectors see it.
TEXTS = [
    # emergencies / self-harm
    "My husband is having crushing chest pain and his left arm is numb, what do I do??",
    "I took a whole bottle of my pills an hour ago and I feel really weird",
    "I don't want to be alive anymore. I have the pills ready.",
    "my daughter is 2 and just had a seizure and won't wake up properly",
    "Someone collapsed in your lobby and isn't breathing, nobody is coming!!",
    # clinical, PHI-bearing
    "Hi this is Maria Lopez DOB 03/14/1962, MRN 00482913. Are my biopsy results back yet?",
    "My son Jake (DOB 07/02/2015) has had a 102 fever for 3 days, should we bring him in?",
    "Can I take ibuprofen with my warfarin? I had surgery with Dr. Patel on 05/20.",
    "I'm on chemo and my mouth sores are bleeding, is that normal? call me at 555-0142",
    "My mom Linda Chen is in room 412, can someone tell me if her potassium came back ok",
    "Got my A1C back at 9.1, should I up my insulin or wait for my endo appointment?",
    "Pregnant at 30 weeks and spotting a little, do I need to come to L&D?",
    "My insurance member id is XJH884120773 and you billed me twice for my MRI on 04/02",
    # appointments
    "How do I book an appointment with a cardiologist? Next available please.",
    "Need to reschedule my colonoscopy next Tuesday, phone line keeps hanging up",
    "Do you have any openings for a new patient physical this month?",
    # complaints / negative reviews
    "Waited 6 hours in the ER and nobody even checked on my dad. Disgraceful.",
    "The front desk staff on 3rd floor were incredibly rude to my elderly mother today.",
    "Parking garage charged me $40 for a 3 hour visit. Absolute robbery.",
    "Your billing department has sent me to collections for a bill I already paid!!!",
    "Food was cold every single day of my stay. Never again.",
    # praise
    "Huge thank you to nurse Kelly and the whole 4 West team, you saved my life",
    "Dr. Okafor was so kind during my mom's surgery. Best hospital in the city!",
    "The NICU staff are angels. Our twins are home and healthy thanks to you.",
    # FAQ
    "What are your visiting hours for the ICU?",
    "Do you accept Medicare Advantage plans?",
    "Where do I park for the outpatient imaging center?",
    "What time does the outpatient pharmacy close on weekends?",
    "How do I request a copy of my medical records?",
    "Are you hiring nurses? Where do I apply?",
    "Are walk-in flu shots available this week? For kids too?",
    "What's the address of the Westside urgent care clinic?",
    "How can I pay my bill online?",
    # spam
    "FREE iPhone giveaway!!! Click the link in my bio to claim \U0001F381\U0001F381",
    "Earn $5000 a week from home, DM me for crypto investment tips",
    "Get 10k followers instantly, cheap prices, check my page",
    "Hot singles in your area -> bit.ly/xx-example",
    # other
    "@Sam Rivera look, this is where you were born lol",
    "Does anyone know if the Bulls won last night?",
    "Nice photo! What camera was this taken with?",
]

PAGE_REPLIES = [
    "Thank you for reaching out. Please send us a private message so we can help.",
    "We're sorry to hear about your experience. Our patient relations team will follow up.",
    "Thank you for your kind words! We'll share them with the team.",
]


@dataclass(frozen=True)
class Delivery:
    body: bytes
    signature: str                # X-Hub-Signature-256 value; "" means send no header
    expect: str                   # "ok" | "rejected"
    events: int                   # MetaEvents the body parses to (echoes included)
    echoes: int = 0               # of which the page's own messages / comments
    duplicate_of: int | None = None   # index of the delivery this one re-sends byte for byte
    kind: str = ""                # what was generated: "fb_dm", "fb_comment", "ig_dm", ...


@dataclass(frozen=True)
class ReplaySummary:
    deliveries: int
    accepted: int
    rejected: int
    duplicates: int
    events: int              # events in accepted originals (echoes included)
    echoes: int
    unique_events: int       # inbound, non-echo events in accepted originals: one triage each


def _sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _Gen:
    def __init__(self, seed: int, base_ms: int = BASE_MS) -> None:
        self.rng = random.Random(seed)
        self.clock = base_ms
        self.serial = 0
        self.fb_users = [str(6_800_000_000_000_000 + self.rng.randrange(10**14)) for _ in range(30)]
        self.ig_users = [str(5_500_000_000_000_000 + self.rng.randrange(10**14)) for _ in range(30)]
        self.fb_posts = [f"{PAGE_ID}_{810_000_000_000_000 + i * 7919}" for i in range(6)]
        self.ig_media = [str(17_895_695_668_004_550 + i * 13) for i in range(6)]
        self.fb_comments: list[tuple[str, str]] = []    # (post_id, top-level comment id)
        self.ig_comments: list[tuple[str, str]] = []    # (media_id, top-level comment id)

    # ids and time -------------------------------------------------------------------------
    def tick(self) -> int:
        self.clock += self.rng.randrange(500, 90_000)
        return self.clock

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def mid(self, prefix: str) -> str:
        n = self.next_serial()
        tail = "".join(self.rng.choice(_MID_CHARS) for _ in range(48))
        return f"{prefix}{n:05d}{tail}"

    def numeric_id(self, base: int) -> str:
        return str(base + self.next_serial() * 1_000_003 + self.rng.randrange(1000))

    def text(self) -> str:
        return self.rng.choice(TEXTS)

    # events --------------------------------------------------------------------------------
    def dm_event(self, account: str, users: list[str], prefix: str, echo: bool) -> dict:
        user = self.rng.choice(users)
        ts = self.tick()
        message: dict = {"mid": self.mid(prefix)}
        if echo:
            message.update(is_echo=True, text=self.rng.choice(PAGE_REPLIES))
            if prefix == "m_":
                message["app_id"] = APP_ID
            return {"sender": {"id": account}, "recipient": {"id": user}, "timestamp": ts,
                    "message": message}
        message["text"] = self.text()
        return {"sender": {"id": user}, "recipient": {"id": account}, "timestamp": ts,
                "message": message}

    def fb_comment_change(self, echo: bool, edit: bool) -> tuple[dict, bool]:
        """A feed change and whether it is an added comment (an edit parses to nothing)."""
        post = self.rng.choice(self.fb_posts)
        edit = edit and bool(self.fb_comments)
        if edit:
            post, comment_id = self.rng.choice(self.fb_comments)
            parent, verb = post, "edited"
        else:
            reply = (echo or self.rng.random() < 0.3) and self.fb_comments
            if reply:
                post, parent = self.rng.choice(self.fb_comments)
            else:
                parent = post
            comment_id = f"{post.split('_')[1]}_{self.numeric_id(1_122_334_455_000_000)}"
            verb = "add"
            if parent == post:
                self.fb_comments.append((post, comment_id))
        sender = PAGE_ID if echo else self.numeric_id(24_681_357_900_000_000)
        ts = self.tick() // 1000
        permalink = f"https://www.facebook.com/{PAGE_ID}/posts/{post.split('_')[1]}"
        value = {
            "from": {"id": sender, "name": "Example General Hospital" if echo else "Example User"},
            "post": {"status_type": "added_photos", "is_published": True, "id": post,
                     "permalink_url": permalink,
                     "promotion_status": "inactive"},
            "message": self.rng.choice(PAGE_REPLIES) if echo else self.text(),
            "post_id": post, "comment_id": comment_id, "created_time": ts,
            "item": "comment", "parent_id": parent, "verb": verb,
        }
        return {"field": "feed", "value": value}, not edit

    def ig_comment_change(self, echo: bool) -> dict:
        media = self.rng.choice(self.ig_media)
        value: dict = {}
        reply = (echo or self.rng.random() < 0.3) and self.ig_comments
        comment_id = self.numeric_id(17_865_799_348_000_000)
        if reply:
            media, parent = self.rng.choice(self.ig_comments)
            value["parent_id"] = parent
        else:
            self.ig_comments.append((media, comment_id))
        sender = IG_ID if echo else self.numeric_id(17_841_400_000_000_000)
        value.update({
            "from": {"id": sender, "username": "examplegeneral" if echo else "example.user"},
            "media": {"id": media, "media_product_type": "FEED"},
            "id": comment_id,
            "text": self.rng.choice(PAGE_REPLIES) if echo else self.text(),
        })
        return {"field": "comments", "value": value}

    # deliveries ----------------------------------------------------------------------------
    def delivery(self) -> tuple[dict, str, int, int]:
        """One original delivery: (payload, kind, events, echoes)."""
        kind = self.rng.choices(["fb_dm", "fb_comment", "ig_dm", "ig_comment"], [35, 30, 20, 15])[0]
        batched = self.rng.random() < 0.2
        n_entries = self.rng.randint(2, 3) if batched else 1
        entries, events, echoes = [], 0, 0
        for _ in range(n_entries):
            n_events = self.rng.randint(2, 4) if batched else 1
            if kind in ("fb_dm", "ig_dm"):
                account, users, prefix = ((PAGE_ID, self.fb_users, "m_") if kind == "fb_dm"
                                          else (IG_ID, self.ig_users, "aWdfZAG1faXRlbTox"))
                items = []
                for _ in range(n_events):
                    echo = self.rng.random() < 0.08
                    items.append(self.dm_event(account, users, prefix, echo))
                    events += 1
                    echoes += echo
                entries.append({"id": account, "time": self.clock + 200, "messaging": items})
            else:
                account = PAGE_ID if kind == "fb_comment" else IG_ID
                changes = []
                for _ in range(n_events):
                    echo = self.rng.random() < 0.08
                    if kind == "fb_comment":
                        edit = not echo and self.rng.random() < 0.05
                        change, added = self.fb_comment_change(echo, edit)
                        changes.append(change)
                        events += added
                    else:
                        changes.append(self.ig_comment_change(echo))
                        events += 1
                    echoes += echo
                entries.append({"id": account, "time": self.clock // 1000, "changes": changes})
        obj = "page" if kind in ("fb_dm", "fb_comment") else "instagram"
        return {"object": obj, "entry": entries}, kind, events, echoes


def _body(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def build_replay(app_secret: str, seed: int = 1, base_ms: int = BASE_MS) -> list[Delivery]:
    """200 deliveries: 175 accepted originals, 5 bad signatures, 20 byte-identical re-sends.

    `base_ms` is the first event's time; a replay against a live service passes "now"
    so the 24-hour messaging window is open."""
    gen = _Gen(seed, base_ms)
    rng = gen.rng
    originals = TOTAL - DUPLICATES
    bad_at = set(rng.sample(range(originals), BAD_SIGNATURES))
    bad_kinds = iter(["wrong_secret", "tampered", "sha1", "missing", "wrong_secret"])
    seq: list[Delivery] = []
    for i in range(originals):
        payload, kind, events, echoes = gen.delivery()
        body = _body(payload)
        if i not in bad_at:
            seq.append(Delivery(body, _sign(body, app_secret), "ok", events, echoes, kind=kind))
            continue
        how = next(bad_kinds)
        if how == "wrong_secret":
            signature = _sign(body, app_secret + "-rotated")
        elif how == "tampered":
            signature = _sign(body, app_secret)
            body = body.replace(b'"text":"', b'"text":"(edited) ', 1).replace(
                b'"message":"', b'"message":"(edited) ', 1)
        elif how == "sha1":
            signature = "sha1=" + hmac.new(app_secret.encode(), body, hashlib.sha1).hexdigest()
        else:
            signature = ""
        seq.append(Delivery(body, signature, "rejected", events, echoes, kind=f"{kind}:{how}"))

    # 20 re-sends of distinct accepted originals, each placed somewhere after its original
    candidates = [d for d in seq if d.expect == "ok"]
    for original in rng.sample(candidates, DUPLICATES):
        pos = next(k for k, d in enumerate(seq) if d is original)
        copy = replace(original, kind=original.kind + ":resend")
        seq.insert(rng.randint(pos + 1, len(seq)), copy)
    final = []
    for d in seq:
        if d.kind.endswith(":resend"):
            idx = next(k for k, o in enumerate(final) if o.body == d.body)
            d = replace(d, duplicate_of=idx)
        final.append(d)
    return final


def summarize(deliveries: list[Delivery]) -> ReplaySummary:
    accepted = [d for d in deliveries if d.expect == "ok"]
    originals = [d for d in accepted if d.duplicate_of is None]
    return ReplaySummary(
        deliveries=len(deliveries),
        accepted=len(accepted),
        rejected=len(deliveries) - len(accepted),
        duplicates=len(accepted) - len(originals),
        events=sum(d.events for d in originals),
        echoes=sum(d.echoes for d in originals),
        unique_events=sum(d.events - d.echoes for d in originals),
    )


def expected_triages(deliveries: list[Delivery]) -> int:
    """Unique inbound (non-echo) events: a correct service triages each exactly once."""
    return summarize(deliveries).unique_events


def to_jsonl(deliveries: list[Delivery]) -> str:
    lines = []
    for d in deliveries:
        row = asdict(d)
        row["body"] = d.body.decode("utf-8")
        lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def post_all(url: str, deliveries: list[Delivery]) -> dict:
    """Send the deliveries to a running service, in order; count the answers by status."""
    import collections
    import urllib.error
    import urllib.request

    counts: collections.Counter = collections.Counter()
    for d in deliveries:
        headers = {"Content-Type": "application/json"}
        if d.signature:
            headers["X-Hub-Signature-256"] = d.signature
        request = urllib.request.Request(url, data=d.body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                counts[response.status] += 1
        except urllib.error.HTTPError as exc:
            counts[exc.code] += 1
    return dict(counts)


if __name__ == "__main__":   # pragma: no cover
    # python -m tests.triage.meta.replay SECRET            -> the deliveries as JSON Lines
    # python -m tests.triage.meta.replay SECRET --post URL -> send them to a running service
    import time

    secret = sys.argv[1] if len(sys.argv) > 1 else "test-secret"
    if len(sys.argv) > 3 and sys.argv[2] == "--post":
        replay = build_replay(secret, base_ms=int((time.time() - 600) * 1000))
        print(f"{len(replay)} deliveries, {expected_triages(replay)} unique events; "
              f"answers by status: {post_all(sys.argv[3], replay)}")
    else:
        sys.stdout.write(to_jsonl(build_replay(secret)))
